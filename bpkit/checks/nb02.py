"""Visible checks for notebook 02 (backpropagation).

The notebook's math uses the per-example delta: row i of ``delta`` is example i's own
``dl_i/dz_i``, with no 1/n. bpkit's layers and losses pass true gradients of the batch-mean loss
(``dL/dz = delta / n``), so every reference below is bpkit's result multiplied or divided by n
where the two conventions meet. One public function per exercise; the hidden checks
(``bpkit_grader.nb02``) call the private ``_check_*`` functions with other seeds and shapes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit import functional, losses
from bpkit.checks._core import (
    MISSING_1_OVER_N,
    MISSING_ACTIVATION_DERIVATIVE,
    SHAPE_MISMATCH,
    TRANSPOSED_W,
    WRONG_SIGN,
    CheckError,
    call,
    expect,
    expect_close,
    expect_raises,
    guard,
    passed,
)
from bpkit.layers import Linear, Sigmoid, Tanh
from bpkit.model import Sequential

_type = object.__class__
_rng = np.random.default_rng

EXTRA_1_OVER_N = (
    "an extra 1/n: in this notebook delta is per example (no 1/n); the 1/n appears only in "
    "dW and db"
)
MISSING_B = "a missing b (the bias is added to every row)"

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
        return fn()
    except ValueError:
        return None


def _mistakes(named: dict[str, np.ndarray | None]) -> dict[str, np.ndarray]:
    """Drop the mistakes that cannot happen (or cannot be told apart) on this case."""
    return {label: v for label, v in named.items() if v is not None}


# ----- Exercise 1: linear_forward ------------------------------------------------------------
def _check_linear_forward(fn: Callable[..., Any], cases: Sequence[ShapeCase]) -> None:
    guard()
    for name, seed, n, d_in, d_out in cases:
        a_prev, W, b, _ = _linear_data(seed, n, d_in, d_out)
        what = f"linear_forward with {name}"
        got = call(fn, a_prev, W, b, what=what)
        right = _bpkit_linear(W, b).forward(a_prev)
        mistakes = {
            TRANSPOSED_W: _maybe(lambda: a_prev @ W + b),  # noqa: B023 - used right away
            MISSING_B: a_prev @ W.T,
            WRONG_SIGN: a_prev @ W.T - b,
        }
        expect_close(
            what,
            got,
            right,
            mistakes=_mistakes(mistakes),
            hint="z = a_prev @ W.T + b has one row per example: shape (n, d_out).",
        )
    passed("linear_forward")


def linear_forward(fn: Callable[..., Any]) -> None:
    """Check linear_forward(a_prev, W, b) -> z of shape (n, d_out)."""
    _check_linear_forward(fn, VISIBLE_LINEAR)


# ----- Exercise 2: linear_backward -----------------------------------------------------------
def _three(what: str, got: Any, names: str) -> tuple[Any, Any, Any]:
    if got is None:
        raise CheckError(f"{what} returned None. Did you forget `return {names}`?")
    if _type(got) not in (_type(()), _type([])) or len(got) != 3:
        raise CheckError(f"{what} should return the tuple ({names}), got {got!r:.200}")
    return got[0], got[1], got[2]


def _check_linear_backward(fn: Callable[..., Any], cases: Sequence[ShapeCase]) -> None:
    guard()
    for name, seed, n, d_in, d_out in cases:
        a_prev, W, b, delta = _linear_data(seed, n, d_in, d_out)
        what = f"linear_backward with {name}"
        got = call(fn, delta, a_prev, W, what=what)
        dW, db, da_prev = _three(what, got, "dW, db, da_prev")
        layer = _bpkit_linear(W, b)
        layer.forward(a_prev)
        d_prev = layer.backward(delta / n)  # bpkit: dL/dz = delta / n
        ref_dW, ref_db = layer.grads["W"], layer.grads["b"]
        ref_da = d_prev * n  # per example again
        expect_close(
            f"dW ({what})",
            dW,
            ref_dW,
            mistakes=_mistakes(
                {
                    TRANSPOSED_W: (a_prev.T @ delta / n) if d_in == d_out else None,
                    MISSING_1_OVER_N: delta.T @ a_prev if n > 1 else None,
                    WRONG_SIGN: -ref_dW,
                }
            ),
            hint="dW = delta.T @ a_prev / n, shape (d_out, d_in) like W.",
        )
        expect_close(
            f"db ({what})",
            db,
            ref_db,
            mistakes=_mistakes(
                {
                    MISSING_1_OVER_N: delta.sum(axis=0) if n > 1 else None,
                    WRONG_SIGN: -ref_db,
                }
            ),
            hint="db = delta.mean(axis=0), one entry per output unit: shape (d_out,).",
        )
        expect_close(
            f"da_prev ({what})",
            da_prev,
            ref_da,
            mistakes=_mistakes(
                {
                    TRANSPOSED_W: _maybe(lambda: delta @ W.T),  # noqa: B023
                    EXTRA_1_OVER_N: ref_da / n if n > 1 else None,
                    WRONG_SIGN: -ref_da,
                }
            ),
            hint="Row i is (W.T delta_i) as a row: da_prev = delta @ W, shape (n, d_in).",
        )
    passed("linear_backward")


def linear_backward(fn: Callable[..., Any]) -> None:
    """Check linear_backward(delta, a_prev, W) -> (dW, db, da_prev) against bpkit's Linear."""
    _check_linear_backward(fn, VISIBLE_LINEAR)


# ----- Exercise 3: activation_prime ----------------------------------------------------------
REFERENCE_PRIME = {
    "sigmoid": functional.sigmoid_prime,
    "tanh": functional.tanh_prime,
    "relu": functional.relu_prime,
}
FORWARD = {"sigmoid": functional.sigmoid, "tanh": functional.tanh, "relu": functional.relu}
FROM_Z = (
    "f'(z) computed from z where it needs a = f(z): sigmoid' = a(1 - a) and tanh' = 1 - a**2 "
    "with a = f(z)"
)
F_ITSELF = "the activation f(z) itself instead of its derivative f'(z)"
KINK = "1 at the kink z = 0; this course takes relu'(0) = 0 (1 only where z > 0)"
NO_SQUARE = "1 - tanh(z) where 1 - tanh(z)**2 is needed"

# (name, seed, shape, scale); values are scale * normal, plus exact zeros for the ReLU kink.
ActCase = tuple[str, int, tuple[int, ...], float]
VISIBLE_ACT: list[ActCase] = [
    ("z of shape (4, 3)", 0, (4, 3), 2.0),
    ("z of shape (5, 2) with some entries exactly 0", 1, (5, 2), 1.0),
    ("large |z| around 1e4 (saturated units)", 2, (3, 3), 1e4),
]


def _act_z(seed: int, shape: tuple[int, ...], scale: float) -> np.ndarray:
    g = _rng(seed)
    z = scale * g.normal(size=shape)
    if 0.5 < scale < 1.5:
        z.ravel()[::3] = 0.0
    return z


def _check_activation_prime(fn: Callable[..., Any], cases: Sequence[ActCase]) -> None:
    guard()
    for kind in ("sigmoid", "tanh", "relu"):
        for name, seed, shape, scale in cases:
            z = _act_z(seed, shape, scale)
            what = f"activation_prime(z, {kind!r}) for {name}"
            got = call(fn, z, kind, what=what)
            right = REFERENCE_PRIME[kind](z)
            a = FORWARD[kind](z)
            mistakes: dict[str, Any] = {F_ITSELF: a, WRONG_SIGN: -right}
            if kind == "sigmoid" and scale < 100:
                mistakes[FROM_Z] = z * (1 - z)
            if kind == "tanh" and scale < 100:
                mistakes[FROM_Z] = 1 - z * z
                mistakes[NO_SQUARE] = 1 - a
            if kind == "relu":
                mistakes[KINK] = (z >= 0).astype(float)
            expect_close(
                what,
                got,
                right,
                mistakes=mistakes,
                hint="Use bpkit.functional for f(z) itself: it is stable for large |z|.",
            )
    what = "activation_prime(z, 'softplus')"
    expect_raises(what, lambda: fn(_act_z(0, (2, 2), 1.0), "softplus"), "kind", "softplus")
    passed("activation_prime")


def activation_prime(fn: Callable[..., Any]) -> None:
    """Check activation_prime(z, kind) -> f'(z) for kind in sigmoid, tanh, relu."""
    _check_activation_prime(fn, VISIBLE_ACT)


# ----- Exercise 4: mse_output_delta ----------------------------------------------------------
# (name, seed, n, k, output activation)
OutCase = tuple[str, int, int, int, str]
VISIBLE_OUT: list[OutCase] = [
    ("a sigmoid output, n = 5 examples, 1 unit", 0, 5, 1, "sigmoid"),
    ("a tanh output, n = 4 examples, 3 units", 1, 4, 3, "tanh"),
]
F_OF_A = "f'(a) where f'(z) is needed: the derivative is taken at the pre-activation z"


def _check_mse_output_delta(fn: Callable[..., Any], cases: Sequence[OutCase]) -> None:
    guard()
    for name, seed, n, k, kind in cases:
        g = _rng(seed)
        z = 1.5 * g.normal(size=(n, k))
        a = FORWARD[kind](z)
        y = g.uniform(-0.2, 1.0, size=(n, k))
        f_prime = REFERENCE_PRIME[kind]
        what = f"mse_output_delta with {name}"
        got = call(fn, a, z, y, f_prime, what=what)
        _, dL_da = losses.mse(a, y)  # bpkit: (a - y) / n
        right = dL_da * n * f_prime(z)
        expect_close(
            what,
            got,
            right,
            mistakes={
                MISSING_ACTIVATION_DERIVATIVE: a - y,
                WRONG_SIGN: -right,
                EXTRA_1_OVER_N: right / n,
                F_OF_A: (a - y) * f_prime(a),
            },
            hint="delta_L = (a - y) * f'(z), one row per example, shape (n, k).",
        )
    passed("mse_output_delta")


def mse_output_delta(fn: Callable[..., Any]) -> None:
    """Check mse_output_delta(a, z, y, f_prime) -> delta of shape (n, k)."""
    _check_mse_output_delta(fn, VISIBLE_OUT)


# ----- Exercise 5: softmax_ce_delta ----------------------------------------------------------
# (name, seed, n, k, logit scale)
CECase = tuple[str, int, int, int, float]
VISIBLE_CE: list[CECase] = [
    ("n = 4 examples, k = 3 classes", 0, 4, 3, 1.0),
    ("n = 6 examples, k = 5 classes", 1, 6, 5, 2.0),
    ("large logits (|z| ~ 1000), n = 3, k = 4", 2, 3, 4, 1000.0),
]
NO_SOFTMAX = "a missing softmax: delta = softmax(z) - onehot(y), not z - onehot(y)"
NEEDLESS_PRIME = (
    "an extra p(1 - p) factor: for softmax with cross-entropy the f'(z) terms cancel, and "
    "delta = softmax(z) - onehot(y) exactly"
)


def _check_softmax_ce_delta(fn: Callable[..., Any], cases: Sequence[CECase]) -> None:
    guard()
    for name, seed, n, k, scale in cases:
        g = _rng(seed)
        z = scale * g.normal(size=(n, k))
        y = g.integers(0, k, size=n)
        y[: min(n, k)] = np.arange(min(n, k))  # several classes present
        what = f"softmax_ce_delta with {name}"
        got = call(fn, z, y, what=what)
        _, dL_dz = losses.softmax_cross_entropy(z, y)  # bpkit: (p - onehot) / n
        right = dL_dz * n
        p = functional.softmax(z)
        Y = np.zeros((n, k))
        Y[np.arange(n), y] = 1.0
        expect_close(
            what,
            got,
            right,
            mistakes={
                WRONG_SIGN: -right,
                EXTRA_1_OVER_N: right / n,
                NO_SOFTMAX: z - Y,
                NEEDLESS_PRIME: right * p * (1 - p),
            },
            hint="Use bpkit.functional.softmax (stable for large logits); y holds class indices.",
        )
    passed("softmax_ce_delta")


def softmax_ce_delta(fn: Callable[..., Any]) -> None:
    """Check softmax_ce_delta(z, y) -> delta = softmax(z) - onehot(y) of shape (n, k)."""
    _check_softmax_ce_delta(fn, VISIBLE_CE)


# ----- Exercise 6: mlp_backward --------------------------------------------------------------
# (name, seed, n, d_in, d_hidden, d_out); the first is square so transposes still run.
MLPCase = tuple[str, int, int, int, int, int]
VISIBLE_MLP: list[MLPCase] = [
    ("a 3-3-3 network, n = 5 examples", 0, 5, 3, 3, 3),
    ("a 2-4-1 network, n = 8 examples", 1, 8, 2, 4, 1),
]
NO_OUTPUT_PRIME = "a missing f'(z) (activation derivative) at the output: sigmoid'(z2)"


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
    out: dict[str, dict[str, np.ndarray | None]] = {"W2": {}, "b2": {}, "W1": {}, "b1": {}}
    out["W2"] = {
        NO_OUTPUT_PRIME: d2_no_prime.T @ a1 / n,
        TRANSPOSED_W: (a1.T @ d2 / n) if a1.shape[1] == d2.shape[1] else None,
        MISSING_1_OVER_N: d2.T @ a1 if n > 1 else None,
        WRONG_SIGN: -(d2.T @ a1 / n),
    }
    out["b2"] = {
        NO_OUTPUT_PRIME: d2_no_prime.mean(axis=0),
        MISSING_1_OVER_N: d2.sum(axis=0) if n > 1 else None,
        WRONG_SIGN: -d2.mean(axis=0),
    }
    out["W1"] = {
        MISSING_ACTIVATION_DERIVATIVE: d1_no_prime.T @ X / n,
        NO_OUTPUT_PRIME: d1_from_bare_d2.T @ X / n,
        TRANSPOSED_W: (d1_T.T @ X / n) if d1_T is not None else None,
        MISSING_1_OVER_N: d1.T @ X if n > 1 else None,
        WRONG_SIGN: -(d1.T @ X / n),
        "a transposed W gradient: dW1 = delta1.T @ X / n, not X.T @ delta1 / n": (
            (X.T @ d1 / n) if X.shape[1] == d1.shape[1] else None
        ),
    }
    out["b1"] = {
        MISSING_ACTIVATION_DERIVATIVE: d1_no_prime.mean(axis=0),
        MISSING_1_OVER_N: d1.sum(axis=0) if n > 1 else None,
        WRONG_SIGN: -d1.mean(axis=0),
    }
    return out


def _check_mlp_backward(fn: Callable[..., Any], cases: Sequence[MLPCase]) -> None:
    guard()
    for name, seed, n, d_in, d_h, d_out in cases:
        X, y, W1, b1, W2, b2 = _mlp_case(seed, n, d_in, d_h, d_out)
        cache = _mlp_forward(X, W1, b1, W2, b2)
        what = f"mlp_backward on {name}"
        got = call(fn, X, y, W2, cache, what=what)
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


def mlp_backward(fn: Callable[..., Any]) -> None:
    """Check mlp_backward(X, y, W2, cache) -> {'W1','b1','W2','b2'} against bpkit's Sequential."""
    _check_mlp_backward(fn, VISIBLE_MLP)


__all__ = [
    "SHAPE_MISMATCH",
    "activation_prime",
    "linear_backward",
    "linear_forward",
    "mlp_backward",
    "mse_output_delta",
    "softmax_ce_delta",
]
