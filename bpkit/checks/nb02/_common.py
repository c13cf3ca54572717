"""nb02: shared helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bpkit.checks._core import (
    CheckError,
    call,
)
from bpkit.checks._messages import (
    MATMUL,
    named_error,
    numpy_error_hint,
)
from bpkit.layers import Linear

_type = object.__class__
_rng = np.random.default_rng

EXTRA_1_OVER_N = (
    "an extra 1/n: in this notebook delta is per example (no 1/n); the 1/n appears only in "
    "dW and db"
)
MISSING_B = "a missing b (the bias is added to every row)"
COLUMN_LAYOUT = (
    "examples stored as columns (W @ a_prev.T), shape (d_out, n): rows are examples, so "
    "z = a_prev @ W.T + b"
)

# A shape case: (name, seed, n, d_in, d_out). The first visible case is square (d_in == d_out)
# so that a transposed W still runs and is recognised by its values.
ShapeCase = tuple[str, int, int, int, int]

VISIBLE_LINEAR: list[ShapeCase] = [
    ("square W (3 -> 3), n = 4 examples", 0, 4, 3, 3),
    ("W of shape (2, 5) (5 -> 2), n = 6 examples", 1, 6, 5, 2),
    ("W of shape (4, 3) (3 -> 4), a batch of n = 1", 2, 1, 3, 4),
]


def _linear_data(seed: int, n: int, d_in: int, d_out: int) -> tuple[np.ndarray, ...]:
    g = _rng(seed)
    a_prev = g.normal(size=(n, d_in))
    W = g.normal(size=(d_out, d_in))
    b = g.normal(size=d_out)
    delta = g.normal(size=(n, d_out))
    return a_prev, W, b, delta


def _bpkit_linear(W: np.ndarray, b: np.ndarray) -> Linear:
    layer = Linear(W.shape[1], W.shape[0])
    layer.params["W"][...] = W
    layer.params["b"][...] = b
    return layer


def _maybe(fn: Callable[[], np.ndarray]) -> np.ndarray | None:
    """A mistake's array, or None when that mistake would not even run on these shapes."""
    try:
        with np.errstate(all="ignore"):
            return fn()
    except ValueError:
        return None


def _call(
    fn: Callable[..., Any], *args: Any, what: str, names: dict, matmul: str = MATMUL, **kw: Any
) -> Any:
    """``call``, with numpy's broadcasting errors named by ``names`` ({operand shape: label}) and
    its matrix-product shape errors by ``matmul``."""
    try:
        return call(fn, *args, what=what, **kw)
    except CheckError as error:
        label = numpy_error_hint(str(error), names, matmul)
        raise named_error(error, label) from error.__cause__


def _mistakes(named: dict[str, np.ndarray | None]) -> dict[str, np.ndarray]:
    """Drop the mistakes that cannot happen (or cannot be told apart) on this case."""
    return {label: v for label, v in named.items() if v is not None}
