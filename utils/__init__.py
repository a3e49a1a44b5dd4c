"""Shared helpers of the book 《动手学深度学习：可执行笔记》.

Every helper here is first derived by hand in a chapter (its docstring says
which) and then reused by later chapters, as Dive into Deep Learning's
``d2l`` package is. Importing this package has no side effects: nothing is
seeded, no thread count is changed and no figure settings are touched until
a chapter calls :func:`set_up`.

Modules: ``environment`` (set-up, glue), ``data`` (datasets, minibatches),
``models`` (from-scratch building blocks), ``training`` (the classifier
training loop), ``plotting`` (figures), ``fashion_mnist`` (download and IDX
parsing).

The rule for argument checks: check what would otherwise be *silently wrong*
(``(n,)`` labels against ``(n, 1)`` predictions, a step before
``backward()``, labels that the net's outputs do not cover, a negative batch
size) or would fail with an unreadable error deep inside PyTorch, and name
the argument and the fix in the message. Do not police types that Python or
PyTorch already reject clearly, and do not scan whole tensors on every
minibatch: ``train_classifier`` checks the labels once per call and the loss
once per epoch.
"""

from utils.data import (
    class_labels,
    iterate_minibatches,
    load_digits,
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
    sgd,
    softmax,
    squared_loss,
)
from utils.plotting import plot_curves, show_images
from utils.training import evaluate_accuracy, train_classifier

__all__ = [
    "Dropout",
    "accuracy",
    "class_labels",
    "cross_entropy",
    "dropout",
    "evaluate_accuracy",
    "glue",
    "iterate_minibatches",
    "linreg",
    "load_digits",
    "load_image_dataset",
    "plot_curves",
    "set_up",
    "sgd",
    "show_images",
    "softmax",
    "squared_loss",
    "synthetic_regression_data",
    "train_classifier",
]
