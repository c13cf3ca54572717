"""Hidden checks for notebook 06: the visible checks, run again on other shapes and seeds.

``fresh("nb06")`` loads an untampered copy of ``bpkit/checks/nb06.py``, so a notebook that
patched the visible module cannot reach these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bpkit_grader._core import fresh


def xavier_uniform(student_fn: Callable[..., Any]) -> None:
    """A wide matrix (fan_in > fan_out) and other seeds."""
    fresh("nb06").xavier_uniform(student_fn, small=(2, 7), big=(80, 500), seed=41)


def he_normal(student_fn: Callable[..., Any]) -> None:
    """A tall matrix (fan_out > fan_in) and other seeds."""
    fresh("nb06").he_normal(student_fn, small=(6, 2), big=(400, 120), seed=42)


def grad_norms(student_fn: Callable[..., Any]) -> None:
    """Other depths, widths, activations and batch sizes."""
    fresh("nb06").grad_norms(
        student_fn,
        cases=(
            ("tanh, 5 Linear layers", 11, (2, 5, 5, 5, 5, 3), "tanh", 9),
            ("relu, 1 Linear layer", 12, (4, 2), "relu", 5),
            ("sigmoid, 3 Linear layers", 13, (6, 3, 4, 1), "sigmoid", 20),
        ),
    )


def depth_profile(student_fn: Callable[..., Any]) -> None:
    """Other seeds for the depth experiment."""
    fresh("nb06").depth_profile(student_fn, seeds=(10, 11, 12, 13, 14, 15, 16, 17))


def clip_by_global_norm(student_fn: Callable[..., Any]) -> None:
    """Other shapes, scales and limits."""
    fresh("nb06").clip_by_global_norm(
        student_fn,
        cases=(
            ("three arrays, norm far above", 21, {"a": (5,), "b": (2, 3), "c": (4, 1)}, 5.0, 0.5),
            ("one vector, just below", 22, {"w": (3,)}, 0.2, 2.0),
            ("two matrices, one much larger", 23, {"0.W": (3, 2), "2.W": (2, 2)}, 4.0, 1.5),
        ),
    )
