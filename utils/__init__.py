"""Shared helpers of the book 《动手学深度学习：可执行笔记》.

Importing this package has no side effects: nothing is seeded, no thread count is
changed and no figure settings are touched until a chapter calls :func:`set_up`.

Modules: ``environment`` (set-up), ``data`` (datasets, minibatches), ``models``
(from-scratch building blocks), ``training`` (the classifier training loop),
``plotting`` (figures), ``fashion_mnist`` (download and IDX parsing).
"""

from utils.data import (
    ImageDataset,
    class_labels,
    iterate_minibatches,
    load_digits,
    load_fashion_mnist,
    load_image_dataset,
    synthetic_regression_data,
)
from utils.environment import glue, set_up
from utils.models import (
    Dropout,
    accuracy,
    cross_entropy,
    dropout,
    linreg,
    log_softmax,
    sgd,
    softmax,
    squared_loss,
)
from utils.plotting import TrainingPlot, plot_curves, show_images
from utils.training import History, evaluate_accuracy, train_classifier

__all__ = [
    "Dropout",
    "History",
    "ImageDataset",
    "TrainingPlot",
    "accuracy",
    "class_labels",
    "cross_entropy",
    "dropout",
    "evaluate_accuracy",
    "glue",
    "iterate_minibatches",
    "linreg",
    "load_digits",
    "load_fashion_mnist",
    "load_image_dataset",
    "log_softmax",
    "plot_curves",
    "set_up",
    "sgd",
    "show_images",
    "softmax",
    "squared_loss",
    "synthetic_regression_data",
    "train_classifier",
]
