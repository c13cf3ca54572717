"""Hidden checks for notebook 05: the visible checks, run again on other sizes and seeds.

``fresh("nb05")`` loads an untampered copy of ``bpkit/checks/nb05.py``, so a notebook that
patched the visible module cannot reach these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bpkit_grader._core import fresh


def minibatch_stream(student_fn: Callable[..., Any]) -> None:
    """Other sizes (n not a multiple of the batch size, batch size n), epochs and seeds."""
    fresh("nb05").minibatch_stream(
        student_fn, cases=((23, 5, 2), (16, 16, 3), (9, 2, 2), (3, 1, 4)), seeds=(11, 12)
    )


def sgd(student_fn: Callable[..., Any]) -> None:
    """Other networks, losses, batch sizes, epochs and learning rates (one a schedule)."""
    fresh("nb05").sgd(
        student_fn,
        cases=(
            ("MSE, 4 batches with a smaller last one", 7, 15, (4, 3, 2), "mse", 4, 2, 0.15),
            (
                "softmax cross-entropy, eta(t) = 0.8 * 0.5**t",
                8,
                10,
                (3, 5, 4),
                "softmax_ce",
                5,
                3,
                "halving 0.8",
            ),
            ("binary cross-entropy, batch size 2", 9, 8, (2, 3, 1), "bce", 2, 1, 0.7),
            ("full batch, 3 epochs", 10, 9, (2, 4, 2), "mse", 9, 3, 0.25),
        ),
    )


def gradient_noise(student_fn: Callable[..., Any]) -> None:
    """Other gradient tables and batchings, including one full batch (noise 0)."""
    fresh("nb05").gradient_noise(
        student_fn,
        cases=(
            ("20 examples, batches of 6", 21, 20, 4, 6),
            ("7 examples, batches of 2", 22, 7, 6, 2),
            ("8 examples, one full batch", 23, 8, 3, 8),
        ),
    )


def momentum_step(student_fn: Callable[..., Any]) -> None:
    """Other shapes, learning rates and momenta."""
    fresh("nb05").momentum_step(
        student_fn,
        cases=(
            (
                "W (2, 4), b (2,) and a second W",
                31,
                {"W": (2, 4), "b": (2,), "W2": (3, 2)},
                0.05,
                0.8,
            ),
            ("a matrix, beta = 0.95", 32, {"0.W": (5, 3)}, 0.01, 0.95),
        ),
    )


def step_schedule(student_fn: Callable[..., Any]) -> None:
    """Other starting rates, factors and periods."""
    fresh("nb05").step_schedule(
        student_fn, cases=((0.2, 0.1, 5), (0.7, 0.9, 2), (3.0, 0.5, 7)), epochs=50
    )
