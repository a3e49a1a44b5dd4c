"""Shared helpers of the book 《动手学深度学习：可执行笔记》.

Importing this package has no side effects: nothing is seeded, no thread count is
changed and no figure settings are touched until a chapter calls :func:`set_up`.
"""

from utils.environment import set_up
from utils.plotting import plot_curves

__all__ = ["plot_curves", "set_up"]
