"""nb02: Exercise 6: mlp_backward."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit import functional, losses
from bpkit.checks._core import (
    MISSING_1_OVER_N,
    MISSING_ACTIVATION_DERIVATIVE,
    TRANSPOSED_W,
    WRONG_SIGN,
    CheckError,
    expect,
    expect_close,
    guard,
    passed,
)
from bpkit.checks._messages import call_naming as _call
from bpkit.checks._messages import maybe as _maybe
from bpkit.checks._messages import possible as _mistakes
from bpkit.checks.nb02._common import EXTRA_1_OVER_N, _bpkit_linear, _rng, _type
from bpkit.layers import Sigmoid, Tanh
from bpkit.model import Sequential

# ----- Exercise 6: mlp_backward --------------------------------------------------------------
# (name, seed, n, d_in, d_hidden, d_out); the first is square so transposes still run.
MLPCase = tuple[str, int, int, int, int, int]
VISIBLE_MLP: list[MLPCase] = [
    ("a 3-3-3 network, n = 5 examples", 0, 5, 3, 3, 3),
    ("a 2-4-1 network, n = 8 examples", 1, 8, 2, 4, 1),
]
NO_OUTPUT_PRIME = "a missing f'(z) (activation derivative) at the output: sigmoid'(z2)"
HIDDEN_PRIME_OF_A = (
    "tanh'(a1) where tanh'(z1) is needed: F.tanh_prime takes the pre-activation z1 "
    "(or write 1 - a1**2)"
)
OUTPUT_PRIME_OF_A = (
    "sigmoid'(a2) where sigmoid'(z2) is needed: F.sigmoid_prime takes the pre-activation z2 "
    "(or write a2 * (1 - a2))"
)
DW2_FROM_X = (
    "dW2 computed with X where the output layer's own input a1 is needed: dW2 = delta2.T @ a1 / n"
)
NO_W2 = "delta1 without the product with W2: delta1 = (delta2 @ W2) * tanh'(z1)"
SIGMOID_IN_HIDDEN = "sigmoid'(z1) in the hidden layer, whose activation is tanh: use tanh'(z1)"
TANH_PRIME_FROM_Z = (
    "1 - z1**2 where tanh'(z1) = 1 - tanh(z1)**2 is needed: write 1 - a1**2 (a1 = tanh(z1)) or "
    "F.tanh_prime(z1)"
)
TANH_AT_OUTPUT = "tanh'(z2) at the output, whose activation is the sigmoid: use sigmoid'(z2)"
B_WRONG_AXIS = "a mean over the wrong axis: axis 0 is the batch, so db = delta.mean(axis=0)"
MLP_EXTRA_TWO = (
    "an extra factor 2: the 1/2 of the loss cancels the 2 of the square, delta2 = (a2 - y) * "
    "sigmoid'(z2)"
)
DW2_FROM_Z1 = (
    "dW2 computed with z1 where the activation a1 = tanh(z1) is needed: dW2 = delta2.T @ a1 / n"
)
DW1_FROM_A1 = (
    "dW1 computed with a1 where the first layer's input X is needed: dW1 = delta1.T @ X / n"
)
DW1_TRANSPOSED = "a transposed W gradient: dW1 = delta1.T @ X / n, not X.T @ delta1 / n"
MLP_MATMUL = (
    "a matrix product whose shapes do not line up. With delta2 (n, d_out), W2 (d_out, "
    "d_hidden), a1 (n, d_hidden) and X (n, d_in): delta1 = (delta2 @ W2) * f'(z1), "
    "dW2 = delta2.T @ a1 / n and dW1 = delta1.T @ X / n"
)


def _mlp_forward(X: np.ndarray, W1, b1, W2, b2) -> dict[str, np.ndarray]:
    """The notebook's 2-layer net: z1 = X W1^T + b1, a1 = tanh(z1), z2 = a1 W2^T + b2,
    a2 = sigmoid(z2). Returns the cache {"z1", "a1", "z2", "a2"}."""
    z1 = X @ W1.T + b1
    a1 = functional.tanh(z1)
    z2 = a1 @ W2.T + b2
    return {"z1": z1, "a1": a1, "z2": z2, "a2": functional.sigmoid(z2)}


def _mlp_case(seed: int, n: int, d_in: int, d_h: int, d_out: int) -> tuple:
    g = _rng(seed)
    X = g.normal(size=(n, d_in))
    y = g.uniform(0, 1, size=(n, d_out))
    W1, b1 = g.normal(size=(d_h, d_in)), 0.5 * g.normal(size=d_h)
    W2, b2 = g.normal(size=(d_out, d_h)), 0.5 * g.normal(size=d_out)
    return X, y, W1, b1, W2, b2


def _bpkit_mlp_grads(X, y, W1, b1, W2, b2) -> dict[str, np.ndarray]:
    model = Sequential(_bpkit_linear(W1, b1), Tanh(), _bpkit_linear(W2, b2), Sigmoid())
    out = model.forward(X)
    _, dout = losses.mse(out, y)
    model.backward(dout)
    g = model.named_grads()
    return {"W1": g["0.W"], "b1": g["0.b"], "W2": g["2.W"], "b2": g["2.b"]}


def _mlp_mistakes(X, y, W2, cache) -> dict[str, dict[str, np.ndarray | None]]:
    """What each common mistake gives for each gradient, by name."""
    n = X.shape[0]
    z1, a1, z2, a2 = cache["z1"], cache["a1"], cache["z2"], cache["a2"]
    d2 = (a2 - y) * functional.sigmoid_prime(z2)
    d1 = (d2 @ W2) * functional.tanh_prime(z1)
    d1_no_prime = d2 @ W2
    d2_no_prime = a2 - y
    d1_from_bare_d2 = (d2_no_prime @ W2) * functional.tanh_prime(z1)
    d1_T = _maybe(lambda: (d2 @ W2.T) * functional.tanh_prime(z1))
    d1_of_a = (d2 @ W2) * functional.tanh_prime(a1)
    d2_of_a = (a2 - y) * functional.sigmoid_prime(a2)
    d1_from_d2_of_a = (d2_of_a @ W2) * functional.tanh_prime(z1)
    d1_no_w = _maybe(lambda: d2 * functional.tanh_prime(z1))
    d1_sigmoid = (d2 @ W2) * functional.sigmoid_prime(z1)
    d1_z_squared = (d2 @ W2) * (1 - z1 * z1)
    d2_tanh = (a2 - y) * functional.tanh_prime(z2)
    out: dict[str, dict[str, np.ndarray | None]] = {"W2": {}, "b2": {}, "W1": {}, "b1": {}}
    out["W2"] = {
        NO_OUTPUT_PRIME: d2_no_prime.T @ a1 / n,
        TRANSPOSED_W: (a1.T @ d2 / n) if a1.shape[1] == d2.shape[1] else None,
        MISSING_1_OVER_N: d2.T @ a1 if n > 1 else None,
        WRONG_SIGN: -(d2.T @ a1 / n),
        OUTPUT_PRIME_OF_A: d2_of_a.T @ a1 / n,
        DW2_FROM_X: d2.T @ X / n,
        DW2_FROM_Z1: d2.T @ z1 / n,
        EXTRA_1_OVER_N: d2.T @ a1 / n / n if n > 1 else None,
        TANH_AT_OUTPUT: d2_tanh.T @ a1 / n,
        MLP_EXTRA_TWO: 2 * d2.T @ a1 / n,
    }
    out["b2"] = {
        NO_OUTPUT_PRIME: d2_no_prime.mean(axis=0),
        OUTPUT_PRIME_OF_A: d2_of_a.mean(axis=0),
        B_WRONG_AXIS: d2.mean(axis=1),
        MISSING_1_OVER_N: d2.sum(axis=0) if n > 1 else None,
        WRONG_SIGN: -d2.mean(axis=0),
    }
    out["W1"] = {
        MISSING_ACTIVATION_DERIVATIVE: d1_no_prime.T @ X / n,
        NO_OUTPUT_PRIME: d1_from_bare_d2.T @ X / n,
        TRANSPOSED_W: (d1_T.T @ X / n) if d1_T is not None else None,
        MISSING_1_OVER_N: d1.T @ X if n > 1 else None,
        WRONG_SIGN: -(d1.T @ X / n),
        DW1_TRANSPOSED: X.T @ d1 / n,
        HIDDEN_PRIME_OF_A: d1_of_a.T @ X / n,
        OUTPUT_PRIME_OF_A: d1_from_d2_of_a.T @ X / n,
        DW1_FROM_A1: d1.T @ a1 / n,
        EXTRA_1_OVER_N: d1.T @ X / n / n if n > 1 else None,
        NO_W2: (d1_no_w.T @ X / n) if d1_no_w is not None else None,
        SIGMOID_IN_HIDDEN: d1_sigmoid.T @ X / n,
        TANH_PRIME_FROM_Z: d1_z_squared.T @ X / n,
    }
    out["b1"] = {
        MISSING_ACTIVATION_DERIVATIVE: d1_no_prime.mean(axis=0),
        HIDDEN_PRIME_OF_A: d1_of_a.mean(axis=0),
        B_WRONG_AXIS: d1.mean(axis=1),
        OUTPUT_PRIME_OF_A: d1_from_d2_of_a.mean(axis=0),
        MISSING_1_OVER_N: d1.sum(axis=0) if n > 1 else None,
        WRONG_SIGN: -d1.mean(axis=0),
        TANH_PRIME_FROM_Z: d1_z_squared.mean(axis=0),
    }
    return out


def _check_mlp_backward(fn: Callable[..., Any], cases: Sequence[MLPCase]) -> None:
    guard()
    for name, seed, n, d_in, d_h, d_out in cases:
        X, y, W1, b1, W2, b2 = _mlp_case(seed, n, d_in, d_h, d_out)
        cache = _mlp_forward(X, W1, b1, W2, b2)
        what = f"mlp_backward on {name}"
        got = _call(fn, X, y, W2, cache, what=what, names={}, matmul=MLP_MATMUL)
        if got is None:
            raise CheckError(f"{what} returned None. Did you forget `return grads`?")
        expect(
            _type(got) is _type({}),
            f"{what} should return a dict with keys 'W1', 'b1', 'W2', 'b2', got "
            f"{_type(got).__name__}",
        )
        missing = [key for key in ("W1", "b1", "W2", "b2") if key not in got]
        expect(not missing, f"{what}: the returned dict has no key(s) {missing}.")
        right = _bpkit_mlp_grads(X, y, W1, b1, W2, b2)
        wrong = _mlp_mistakes(X, y, W2, cache)
        for key in ("W2", "b2", "W1", "b1"):
            expect_close(
                f"grads[{key!r}] ({what})",
                got[key],
                right[key],
                mistakes=_mistakes(wrong[key]),
                hint="Work from the top: delta2, then dW2 and db2, then delta1, dW1 and db1.",
            )
    passed("mlp_backward")
