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
from bpkit.checks._messages import (
    B_COLUMN,
    ELEMENTWISE,
    MATMUL,
    joined,
    named_error,
    numpy_error_hint,
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


# ----- Exercise 1: linear_forward ------------------------------------------------------------
def _check_linear_forward(fn: Callable[..., Any], cases: Sequence[ShapeCase]) -> None:
    guard()
    for name, seed, n, d_in, d_out in cases:
        a_prev, W, b, _ = _linear_data(seed, n, d_in, d_out)
        what = f"linear_forward with {name}"
        names = {
            (d_out, 1): B_COLUMN,
            (d_out, d_in): ELEMENTWISE,
            (d_in, d_out): ELEMENTWISE,
            (d_out, n): COLUMN_LAYOUT,
        }
        got = _call(fn, a_prev, W, b, what=what, names=names)
        right = _bpkit_linear(W, b).forward(a_prev)
        mistakes = {
            TRANSPOSED_W: _maybe(lambda: a_prev @ W + b),  # noqa: B023 - used right away
            MISSING_B: a_prev @ W.T,
            WRONG_SIGN: a_prev @ W.T - b,
            B_COLUMN: _maybe(lambda: a_prev @ W.T + b[:, None]),  # noqa: B023
            ELEMENTWISE: _maybe(lambda: a_prev * W + b),  # noqa: B023
            COLUMN_LAYOUT: W @ a_prev.T + b[:, None],
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
TUPLE_ORDER = "the three results in another order: return the tuple (dW, db, da_prev)"
DB_WRONG_AXIS = (
    "a mean over the wrong axis: axis 0 is the batch (one row per example), so "
    "db = delta.mean(axis=0), shape (d_out,)"
)
DB_MEAN_ALL = "the mean of every entry of delta: average over the batch only, delta.mean(axis=0)"
DB_KEEPDIMS = "keepdims=True, which keeps the averaged axis with length 1; db has shape (d_out,)"
NOT_BY_N = (
    "a division by {size} where the batch size n = a_prev.shape[0] is needed (rows are examples)"
)
DA_COLUMNS = (
    "da_prev with examples as columns (W.T @ delta.T): rows are examples, so da_prev = delta @ W"
)
DW_OVER_EXAMPLES = (
    "{expr}, a product over the units instead of over the examples (shape (n, n)): dW pairs "
    "each unit's delta with each input, summed over the batch, dW = delta.T @ a_prev / n"
)
BY_N_TWICE = (
    "a division by n twice: the 1/n of the batch mean appears once, dW = delta.T @ a_prev / n"
)
DA_SUMMED = (
    "da_prev summed over the batch: it is per example, one row per example, da_prev = delta @ W"
)
BACKWARD_MATMUL = (
    "a matrix product whose shapes do not line up. With delta (n, d_out), a_prev (n, d_in) and "
    "W (d_out, d_in): dW = delta.T @ a_prev / n and da_prev = delta @ W"
)


def _three(what: str, got: Any, names: str) -> tuple[Any, Any, Any]:
    if got is None:
        raise CheckError(f"{what} returned None. Did you forget `return {names}`?")
    if _type(got) not in (_type(()), _type([])) or len(got) != 3:
        raise CheckError(f"{what} should return the tuple ({names}), got {got!r:.200}")
    return got[0], got[1], got[2]


def _shape_of(value: Any) -> tuple[int, ...] | None:
    try:
        return tuple(np.shape(value))
    except (ValueError, TypeError):
        return None


def _check_order(what: str, got: tuple[Any, ...], shapes: list[tuple[int, ...]]) -> None:
    """Name results returned in another order, when their shapes tell them apart."""
    found = [_shape_of(g) for g in got]
    if (
        len(set(shapes)) == len(shapes)
        and found != shapes
        and sorted(map(str, found)) == sorted(map(str, shapes))
    ):
        raise CheckError(f"{what} returned arrays of shapes {found}: it looks like {TUPLE_ORDER}.")


def _check_linear_backward(fn: Callable[..., Any], cases: Sequence[ShapeCase]) -> None:
    guard()
    for name, seed, n, d_in, d_out in cases:
        a_prev, W, b, delta = _linear_data(seed, n, d_in, d_out)
        what = f"linear_backward with {name}"
        got = _call(fn, delta, a_prev, W, what=what, names={}, matmul=BACKWARD_MATMUL)
        dW, db, da_prev = _three(what, got, "dW, db, da_prev")
        _check_order(what, (dW, db, da_prev), [(d_out, d_in), (d_out,), (n, d_in)])
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
                    TRANSPOSED_W: a_prev.T @ delta / n,
                    MISSING_1_OVER_N: delta.T @ a_prev if n > 1 else None,
                    WRONG_SIGN: -ref_dW,
                    BY_N_TWICE: ref_dW / n if n > 1 else None,
                    NOT_BY_N.format(size="d_out = delta.shape[1]"): (
                        delta.T @ a_prev / d_out if d_out != n else None
                    ),
                    NOT_BY_N.format(size="d_in = a_prev.shape[1]"): (
                        delta.T @ a_prev / d_in if d_in != n else None
                    ),
                    DW_OVER_EXAMPLES.format(expr="a_prev @ delta.T"): _maybe(
                        lambda: a_prev @ delta.T / n  # noqa: B023
                    ),
                    DW_OVER_EXAMPLES.format(expr="delta @ a_prev.T"): _maybe(
                        lambda: delta @ a_prev.T / n  # noqa: B023
                    ),
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
                    DB_WRONG_AXIS: delta.mean(axis=1),
                    DB_MEAN_ALL: delta.mean(),
                    DB_KEEPDIMS: delta.mean(axis=0, keepdims=True),
                    NOT_BY_N.format(size="d_out = delta.shape[1]"): (
                        delta.sum(axis=0) / d_out if d_out != n else None
                    ),
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
                    DA_COLUMNS: W.T @ delta.T,
                    DA_SUMMED: delta.sum(axis=0) @ W,
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
MIXED_UP = "the derivative of {other} where {kind}'s is asked for (a mixed-up branch?)"
SIGN_OF_Z = "np.sign(z), which is -1 where z < 0: relu' is 0 there (1 only where z > 0)"

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
            for other, prime in REFERENCE_PRIME.items():
                if other != kind:
                    mistakes[MIXED_UP.format(other=other, kind=kind)] = prime(z)
            if kind == "sigmoid" and scale < 100:
                mistakes[FROM_Z] = z * (1 - z)
            if kind == "tanh" and scale < 100:
                mistakes[FROM_Z] = 1 - z * z
                mistakes[NO_SQUARE] = 1 - a
            if kind == "relu":
                mistakes[KINK] = (z >= 0).astype(float)
                mistakes[SIGN_OF_Z] = np.sign(z)
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
HARD_CODED_SIGMOID = (
    "the sigmoid's derivative a(1 - a) written in, whatever the activation: use the f_prime you "
    "are given, f_prime(z)"
)
EXTRA_TWO = (
    "an extra factor 2: the per-example loss is (1/2)||a - y||**2, whose 1/2 cancels the 2 of "
    "the derivative"
)
EXTRA_HALF = "an extra 1/2: the 1/2 of the loss (1/2)||a - y||**2 cancels with the 2 of the square"
DELTA_MEAN = "delta averaged over the batch: it is per example, one row per example, shape (n, k)"
SQUARED_ERROR = "the squared error (a - y)**2 where its derivative (a - y) is needed"
OUTPUT_MATMUL = (
    "@ (a matrix product) where BP1 multiplies entry by entry: delta = (a - y) * f'(z), with `*`"
)


def _check_mse_output_delta(fn: Callable[..., Any], cases: Sequence[OutCase]) -> None:
    guard()
    for name, seed, n, k, kind in cases:
        g = _rng(seed)
        z = 1.5 * g.normal(size=(n, k))
        a = FORWARD[kind](z)
        y = g.uniform(-0.2, 1.0, size=(n, k))
        f_prime = REFERENCE_PRIME[kind]
        what = f"mse_output_delta with {name}"
        got = _call(fn, a, z, y, f_prime, what=what, names={}, matmul=OUTPUT_MATMUL)
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
                HARD_CODED_SIGMOID: (a - y) * a * (1 - a),
                EXTRA_TWO: 2 * right,
                EXTRA_HALF: right / 2,
                DELTA_MEAN: right.mean(axis=0),
                SQUARED_ERROR: (a - y) ** 2 * f_prime(z),
            },
            hint="delta_L = (a - y) * f'(z), one row per example, shape (n, k).",
        )
    passed("mse_output_delta")


def mse_output_delta(fn: Callable[..., Any]) -> None:
    """Check mse_output_delta(a, z, y, f_prime) -> delta of shape (n, k)."""
    _check_mse_output_delta(fn, VISIBLE_OUT)


# ----- Exercise 5: softmax_ce_delta ----------------------------------------------------------
# (name, seed, n, k, logit scale); labels cover classes 0..min(n, k) - 1, then are random.
CECase = tuple[str, int, int, int, float]
VISIBLE_CE: list[CECase] = [
    ("n = 4 examples, k = 3 classes", 0, 4, 3, 1.0),
    ("n = 3 examples, k = 5 classes (classes 3 and 4 do not occur in y)", 3, 3, 5, 1.0),
    ("n = 6 examples, k = 5 classes", 1, 6, 5, 2.0),
    ("large logits (|z| ~ 1e4), n = 3, k = 4", 2, 3, 4, 1e4),
]
NO_SOFTMAX = "a missing softmax: delta = softmax(z) - onehot(y), not z - onehot(y)"
NEEDLESS_PRIME = (
    "an extra p(1 - p) factor: for softmax with cross-entropy the f'(z) terms cancel, and "
    "delta = softmax(z) - onehot(y) exactly"
)
SOFTMAX_AXIS_0 = (
    "a softmax over the wrong axis: each row is an example, so normalise each row "
    "(axis=1, as F.softmax does), not each column"
)
LABELS_AS_NUMBERS = (
    "the labels y subtracted as numbers: y holds class indices, so subtract onehot(y, k), "
    "which has a 1 in column y_i of row i"
)
COLUMNS_OF_Y = (
    "p[:, y] -= 1, which subtracts 1 in the columns of every label, in every row: take one "
    "entry per row, p[np.arange(n), y] -= 1 (or subtract one_hot(y, k))"
)
ONE_HOT_NO_K = (
    "one_hot(y) without its k: it then makes y.max() + 1 columns, fewer than k when the last "
    "classes do not occur in this batch. Pass the number of classes: one_hot(y, z.shape[1])"
)
ROW_VECTOR = (
    "an array of shape (n,) combined with an (n, k) one: a row sum needs keepdims=True "
    "(e.sum(axis=1, keepdims=True)), and the labels y must become onehot(y, k) before they "
    "are subtracted"
)
NO_KEEPDIMS = (
    "a row sum without keepdims=True: e / e.sum(axis=1) divides column j by the sum of row j; "
    "use e.sum(axis=1, keepdims=True)"
)
ONE_HOT_BY_N = (
    "one_hot(y, n) with the number of examples n = len(y): its k is the number of classes, "
    "z.shape[1]"
)
SOFTMAX_OF_ALL = (
    "a softmax normalised over the whole batch (np.sum without axis): normalise each row, "
    "e.sum(axis=1, keepdims=True)"
)
LOG_SOFTMAX = "log-probabilities (a log-softmax) where the probabilities softmax(z) are needed"
SIGMOID_NOT_SOFTMAX = (
    "a sigmoid of each logit where the softmax is needed: the softmax normalises each row so "
    "that it sums to 1"
)
DELTA_AVERAGED = (
    "delta averaged over the batch: it is per example, one row per example, shape (n, k)"
)
SOFTMAX_STABLE_HINT = (
    "Subtract each row's own maximum before np.exp: z - z.max(axis=1, keepdims=True) (as "
    "F.softmax does). Without a shift np.exp overflows; with one maximum for the whole batch, a "
    "row far below it gives exp(...) = 0 everywhere, and then 0 / 0."
)


def _ce_case(seed: int, n: int, k: int, scale: float) -> tuple[np.ndarray, np.ndarray]:
    g = _rng(seed)
    z = scale * g.normal(size=(n, k))
    y = g.integers(0, k, size=n)
    y[: min(n, k)] = np.arange(min(n, k))  # several classes present
    return z, y


def _check_softmax_ce_delta(fn: Callable[..., Any], cases: Sequence[CECase]) -> None:
    guard()
    for name, seed, n, k, scale in cases:
        z, y = _ce_case(seed, n, k, scale)
        what = f"softmax_ce_delta with {name}"
        seen = int(y.max()) + 1
        names = {(n,): ROW_VECTOR} if n != k else {}
        if n != k:
            names[(n, n)] = ONE_HOT_BY_N
        if seen != k:  # the same shape as one_hot(y, n) when seen == n: name both
            names[(n, seen)] = ONE_HOT_NO_K if seen != n else f"{ONE_HOT_NO_K}. Or {ONE_HOT_BY_N}"
        try:
            with np.errstate(under="ignore"):  # e^-10000 = 0 is fine, even where underflow warns
                got = _call(fn, z, y, what=what, names=names, stable=True)
        except CheckError as error:
            if "numerical stability" not in str(error):
                raise
            raise CheckError(joined(str(error), SOFTMAX_STABLE_HINT)) from error.__cause__
        with np.errstate(all="ignore"):  # the references must not warn, whatever the settings
            _, dL_dz = losses.softmax_cross_entropy(z, y)  # bpkit: (p - onehot) / n
            right = dL_dz * n
            p = functional.softmax(z)
            Y = np.zeros((n, k))
            Y[np.arange(n), y] = 1.0
            shifted = np.exp(z - z.max(axis=1, keepdims=True))
            by_columns = p.copy()
            by_columns[:, y] -= 1.0
            mistakes = {
                WRONG_SIGN: -right,
                EXTRA_1_OVER_N: right / n,
                NO_SOFTMAX: z - Y,
                NEEDLESS_PRIME: right * p * (1 - p),
                SOFTMAX_AXIS_0: functional.softmax(z.T).T - Y,
                LABELS_AS_NUMBERS: p - y[:, None],
                COLUMNS_OF_Y: by_columns,
                ONE_HOT_NO_K: _maybe(lambda: p - Y[:, :seen]) if seen != k else None,  # noqa: B023
                NO_KEEPDIMS: (shifted / shifted.sum(axis=1) - Y) if n == k else None,
                SOFTMAX_OF_ALL: np.exp(z - z.max()) / np.exp(z - z.max()).sum() - Y,
                DELTA_AVERAGED: right.mean(axis=0),
                LOG_SOFTMAX: np.log(np.maximum(p, 1e-300)) - Y,
                SIGMOID_NOT_SOFTMAX: functional.sigmoid(z) - Y,
            }
        expect_close(
            what,
            got,
            right,
            mistakes=_mistakes(mistakes),
            hint=SOFTMAX_STABLE_HINT
            if scale > 100
            else "Use bpkit.functional.softmax (stable for large logits); y holds class indices.",
        )
    passed("softmax_ce_delta")


def softmax_ce_delta(fn: Callable[..., Any]) -> None:
    """Check softmax_ce_delta(z, y) -> softmax(z) - onehot(y), shape (n, k), stable at |z| ~ 1e4."""
    _check_softmax_ce_delta(fn, VISIBLE_CE)


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
        "a transposed W gradient: dW1 = delta1.T @ X / n, not X.T @ delta1 / n": X.T @ d1 / n,
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
