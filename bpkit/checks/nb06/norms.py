"""nb06: exercise 3: per-layer gradient norms."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    MISSING_1_OVER_N,
    CheckError,
    call,
    expect,
    expect_close,
    guard,
    passed,
)
from bpkit.checks.nb06._common import _asarray, _concatenate, _default_rng, _sqrt
from bpkit.layers import Linear
from bpkit.losses import mse
from bpkit.model import mlp

# ----- exercise 3: per-layer gradient norms ------------------------------------------------------
# (name, seed, layer sizes, activation, n)
NormsCase = tuple[str, int, tuple[int, ...], str, int]

WEIGHTS_CHANGED = "the model's weights changed"
NORM_COUNT = "one per Linear layer (activation layers have no weights)"
WEIGHT_NORMS = "the norms of the weights W, not of their gradients dL/dW"
OUTPUT_FIRST = "the layers listed from output to input; list them input side first"
SQUARED = "squared norms: take the square root, np.linalg.norm(dW)"
W_AND_B = "the gradients of W and b together; measure dL/dW only"
TIMES_N = f"{MISSING_1_OVER_N} (use bpkit's mse, whose gradient is already divided by n)"
ZEROS = "all zeros: the gradients were read before model.backward(dL) filled them"
SPECTRAL = (
    "the spectral norm (the largest singular value, np.linalg.norm(dW, 2)); the "
    "course measures the Frobenius norm, np.linalg.norm(dW) with no second argument"
)
ONE_NORM = (
    "the matrix 1-norm (largest column sum, np.linalg.norm(dW, 1)); use the "
    "Frobenius norm, np.linalg.norm(dW)"
)
INF_NORM = (
    "the matrix inf-norm (largest row sum, np.linalg.norm(dW, np.inf)); use the "
    "Frobenius norm, np.linalg.norm(dW)"
)
LARGEST = "the largest entry |dW| instead of the Frobenius norm sqrt(sum of dW**2)"
SUM_ABS = "the sum of |dW| instead of the Frobenius norm sqrt(sum of dW**2)"
MEAN_ABS = "the mean of |dW| instead of the Frobenius norm sqrt(sum of dW**2)"
RMS = (
    "the root mean square of dW, sqrt(mean(dW**2)); the Frobenius norm sums the "
    "squares, sqrt(sum(dW**2))"
)
PER_ENTRY = (
    "the norm divided by the number of entries; the Frobenius norm is "
    "sqrt(sum(dW**2)), with no division"
)
TWICE = (
    "a loss gradient 2 (y_hat - y) / n, twice bpkit's: the MSE here is "
    "sum((y_hat - y)**2) / (2n), so use bpkit's mse"
)

VISIBLE_CASES: list[NormsCase] = [
    ("tanh, 3 Linear layers", 0, (4, 6, 5, 1), "tanh", 10),
    ("sigmoid, 4 Linear layers, 2 outputs", 1, (3, 8, 8, 8, 2), "sigmoid", 7),
    ("relu, 2 Linear layers", 2, (5, 4, 3), "relu", 12),
]

_NORMS: dict[str, Callable[[np.ndarray], float]] = {
    "frobenius": lambda g: float(np.linalg.norm(g)),
    "spectral": lambda g: float(np.linalg.norm(g, 2)),
    "max column sum": lambda g: float(np.linalg.norm(g, 1)),
    "max row sum": lambda g: float(np.linalg.norm(g, np.inf)),
    "largest entry": lambda g: float(abs(g).max()),
    "sum of |entries|": lambda g: float(abs(g).sum()),
    "mean of |entries|": lambda g: float(abs(g).mean()),
    "rms": lambda g: float(_sqrt((g**2).mean())),
    "per entry": lambda g: float(np.linalg.norm(g)) / g.size,
}


def _linear_norms(model: Any, which: str = "grad", norm: str = "frobenius") -> np.ndarray:
    """One number per Linear layer: ``norm`` of dL/dW ("grad"), of W ("weight"), or of dW
    and db together ("both")."""
    out = []
    for layer in model.layers:
        if isinstance(layer, Linear):
            if which == "grad":
                out.append(_NORMS[norm](layer.grads["W"]))
            elif which == "weight":
                out.append(float(np.linalg.norm(layer.params["W"])))
            else:  # W and b together
                g = layer.grads
                out.append(float(_sqrt((g["W"] ** 2).sum() + (g["b"] ** 2).sum())))
    return _asarray(out)


def _grad_case(seed: int, sizes: Sequence[int], activation: str, n: int):
    g = _default_rng(seed)
    X = g.standard_normal((n, sizes[0]))
    y = g.standard_normal((n, sizes[-1]))
    return X, y


def _check_grad_norms(student_fn: Callable[..., Any], *, cases: Sequence[NormsCase]) -> None:
    """Check ``grad_norms(model, X, y)``: ||dL/dW|| per Linear layer (MSE), input side first."""
    guard()
    for name, seed, sizes, activation, n in cases:
        X, y = _grad_case(seed, sizes, activation, n)
        what = f"grad_norms, case '{name}'"
        model = mlp(list(sizes), activation=activation, seed=seed)
        before = _concatenate([p.ravel() for p in model.named_params().values()])
        got = call(student_fn, model, X, y, what=what)
        after = _concatenate([p.ravel() for p in model.named_params().values()])
        expect(
            bool((before == after).all()),
            f"{what}: {WEIGHTS_CHANGED}. Only measure: forward, loss, backward, and "
            "read the gradients; no update step.",
        )
        ref = mlp(list(sizes), activation=activation, seed=seed)
        L, dL = mse(ref.forward(X), y)
        ref.backward(dL)
        expected = _linear_norms(ref)
        n_linear = len(expected)
        if got is not None and not isinstance(got, np.ndarray) and hasattr(got, "values"):
            raise CheckError(
                f"{what} returned a {type(got).__name__}; return a numpy array of the "
                f"{n_linear} norms, e.g. np.array([...])."
            )
        try:
            got_arr = None if got is None else _asarray(got, dtype=float)
        except (TypeError, ValueError):  # not numbers: expect_close below says what it is
            got_arr = None
        if got_arr is not None and got_arr.shape != (n_linear,) and got_arr.ndim == 1:
            raise CheckError(
                f"{what} returned {got_arr.size} norms, expected {n_linear}: {NORM_COUNT}, "
                "in order from input to output."
            )
        expect_close(
            f"{what}: the list of norms",
            got,
            expected,
            mistakes={
                WEIGHT_NORMS: _linear_norms(ref, "weight"),
                OUTPUT_FIRST: expected[::-1],
                SQUARED: expected**2,
                W_AND_B: _linear_norms(ref, "both"),
                TIMES_N: expected * n,
                ZEROS: 0.0 * expected,
                SPECTRAL: _linear_norms(ref, norm="spectral"),
                ONE_NORM: _linear_norms(ref, norm="max column sum"),
                INF_NORM: _linear_norms(ref, norm="max row sum"),
                LARGEST: _linear_norms(ref, norm="largest entry"),
                SUM_ABS: _linear_norms(ref, norm="sum of |entries|"),
                MEAN_ABS: _linear_norms(ref, norm="mean of |entries|"),
                RMS: _linear_norms(ref, norm="rms"),
                PER_ENTRY: _linear_norms(ref, norm="per entry"),
                TWICE: 2 * expected,
            },
            rtol=1e-6,
            atol=1e-12,
        )
    passed("grad_norms")
