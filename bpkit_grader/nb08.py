"""Hidden checks for notebook 08: other shapes and seeds, real digits, and the held-out test set.

``fresh("nb08")`` loads an untampered copy of ``bpkit/checks/nb08.py``. ``final_accuracy`` is the
one that matters most: it scores the student's trained weights on the 359 test digits, which the
notebook never looks at, and requires at least 97 %.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bpkit_grader._core import fresh


def standardize(student_fn: Callable[..., Any]) -> None:
    """Other synthetic sets, then the real digits split another way (constant border pixels)."""
    from bpkit.data import load_digits, split

    X, y = load_digits()
    X_tr, _, X_va, _, X_te, _ = split(X, y, val=0.1, test=0.3, seed=5)
    fresh("nb08").standardize(student_fn, seed=41, data=(X_tr, X_va, X_te))


def backward(student_fn: Callable[..., Any]) -> None:
    """Other shapes: one example, a wide hidden layer, ten classes and a strong penalty."""
    fresh("nb08").backward(
        student_fn,
        cases=(
            ("a single example", 51, 1, 4, 3, 2, 0.05),
            ("ten classes, a strong penalty", 52, 12, 6, 10, 10, 0.5),
        ),
    )


def train_epoch(student_fn: Callable[..., Any]) -> None:
    """Batches of one example, one batch for everything, and a heavy momentum."""
    fresh("nb08").train_epoch(
        student_fn,
        cases=(
            ("batches of one example", 61, 5, 3, 4, 2, 1, 0.05, 0.9, 0.02),
            ("one batch with everything", 62, 17, 4, 5, 3, 17, 0.2, 0.99, 0.001),
        ),
    )


def final_accuracy(params: Any, mean: Any, std: Any) -> None:
    """At least 97 % on the 359 held-out test digits of split(..., seed=0)."""
    fresh("nb08").final_accuracy(params, mean, std, part="test", threshold=0.97)


def confusion_matrix(student_fn: Callable[..., Any]) -> None:
    """Ten classes with two missing, and a tiny case."""
    fresh("nb08").confusion_matrix(
        student_fn,
        cases=(
            ("10 classes, class 9 never appears", 71, 80, 10, 0.7),
            ("2 classes", 72, 6, 2, 0.5),
        ),
    )
