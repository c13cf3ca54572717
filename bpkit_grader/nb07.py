"""Hidden checks for notebook 07: the visible checks again, on other shapes, strengths and seeds.

``fresh("nb07")`` loads an untampered copy of ``bpkit/checks/nb07.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bpkit_grader._core import fresh

# a 3-layer model: weights and biases under "<layer index>.W" / ".b" names
THREE_LAYERS = {"0.W": (4, 3), "0.b": (4,), "2.W": (4, 4), "2.b": (4,), "4.W": (2, 4), "4.b": (2,)}


def l2_penalty(student_fn: Callable[..., Any]) -> None:
    """Three layers, a key without a dot, and a large strength."""
    fresh("nb07").l2_penalty(
        student_fn,
        cases=(
            ("three layers", 21, THREE_LAYERS, 0.5),
            ("plain W and b", 22, {"W": (1, 7), "b": (1,)}, 2.0),
        ),
    )


def l1_penalty(student_fn: Callable[..., Any]) -> None:
    """Three layers, a key without a dot, and a large strength."""
    fresh("nb07").l1_penalty(
        student_fn,
        cases=(
            ("three layers", 23, THREE_LAYERS, 0.2),
            ("plain W and b", 24, {"W": (6, 1), "b": (6,)}, 1.5),
        ),
    )


def dropout_forward(student_fn: Callable[..., Any]) -> None:
    """Other drop probabilities, a non-square shape and another seed."""
    fresh("nb07").dropout_forward(student_fn, shape=(250, 480), p_drops=(0.35, 0.1), seed=31)


def dropout_backward(student_fn: Callable[..., Any]) -> None:
    """Other shapes and drop probabilities."""
    fresh("nb07").dropout_backward(student_fn, cases=((41, (7, 3), 0.25), (42, (1, 12), 0.6)))


def early_stopping(student_fn: Callable[..., Any]) -> None:
    """Other loss curves: a late best epoch, a long plateau, a very patient run."""
    fresh("nb07").early_stopping(
        student_fn,
        cases=(
            ("a late best epoch", [0.9, 0.95, 0.97, 0.5, 0.6, 0.7], 2),
            ("a plateau of equal losses", [0.4, 0.3, 0.3, 0.3, 0.3, 0.3], 4),
            ("very patient", [1.0, 1.1, 1.2, 1.3], 10),
            ("stops at once", [0.2, 0.3], 1),
        ),
    )


def shift_images(student_fn: Callable[..., Any]) -> None:
    """Other shifts, including ones of 3 pixels, on other images."""
    fresh("nb07").shift_images(student_fn, shifts=((3, 0), (0, -3), (-2, 2), (1, 1)), n=4, seed=51)


def init_layer(student_fn: Callable[..., Any]) -> None:
    """Sigmoid, and other fan-in/fan-out ratios."""
    fresh("nb07").init_layer(
        student_fn, cases=((300, 60, "sigmoid"), (50, 500, "relu"), (240, 480, "tanh")), seed=61
    )
