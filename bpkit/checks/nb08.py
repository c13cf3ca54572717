"""Visible checks for notebook 08: the capstone (an MLP on the 8x8 digits, trained by hand).

One function per exercise. The references are written out here in a few lines of numpy, in the
notebook's notation: ``z1 = X @ W1.T + b1``, ``a1 = relu(z1)``, ``z2 = a1 @ W2.T + b2``, the
batch-mean softmax cross-entropy plus ``lam/2 * (||W1||^2 + ||W2||^2)``. Each check runs named,
seeded cases and names the likely mistake; ``backward`` is also checked against central
differences of the loss (``bpkit.gradcheck``), and ``final_accuracy`` scores the student's trained
weights on data it loads and standardizes itself.

The keyword arguments let the hidden tests (``bpkit_grader.nb08``) run the same checks on other
shapes, seeds and data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    MISSING_1_OVER_N,
    MISSING_ACTIVATION_DERIVATIVE,
    WRONG_SIGN,
    CheckError,
    call,
    error_kind,
    expect,
    expect_close,
    expect_shape,
    guard,
    passed,
)
from bpkit.data import load_digits as _load_digits
from bpkit.data import split as _split
from bpkit.gradcheck import numerical_gradient as _numerical_gradient
from bpkit.gradcheck import rel_error as _rel_error

_asarray = np.asarray
_default_rng = np.random.default_rng
_zeros = np.zeros
_arange = np.arange
_maximum = np.maximum
_exp = np.exp
_log = np.log
_sqrt = np.sqrt
_where = np.where
_concatenate = np.concatenate
_isfinite = np.isfinite
_absolute = np.absolute
_print = print

Params = dict[str, np.ndarray]
KEYS = ("W1", "b1", "W2", "b2")
GRADCHECK_TOL = 1e-6
PENALIZED_BIASES = "the biases penalized too (only W1 and W2 carry the L2 term)"
LEAKED = (
    "statistics computed from ALL the data: the test set leaked into the normalization. "
    "Compute the mean and std from X_train only"
)
OWN_STATS = (
    "each set standardized with its own mean and std. The validation and test sets must use "
    "the TRAINING mean and std: the model only ever learns from the training set"
)
PER_EXAMPLE = (
    "statistics per example (axis=1) instead of per pixel (axis=0): every pixel gets the "
    "mean and std of its column over the training examples"
)


# ----- the reference network ----------------------------------------------------------------------
def _forward(params: Params, X: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Reference forward pass: logits of shape (n, 10) and the cache (X, z1, a1, z2)."""
    z1 = X @ params["W1"].T + params["b1"]
    a1 = _maximum(z1, 0.0)
    z2 = a1 @ params["W2"].T + params["b2"]
    return z2, (X, z1, a1, z2)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = _exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _loss(params: Params, X: np.ndarray, y: np.ndarray, lam: float) -> float:
    """Batch-mean softmax cross-entropy plus lam/2 * (||W1||^2 + ||W2||^2)."""
    z2 = _forward(params, X)[0]
    shifted = z2 - z2.max(axis=1, keepdims=True)
    log_p = shifted - _log(_exp(shifted).sum(axis=1, keepdims=True))
    data = -float(log_p[_arange(len(y)), y].mean())
    return data + lam / 2 * float((params["W1"] ** 2).sum() + (params["W2"] ** 2).sum())


def _backward(
    params: Params,
    cache: tuple,
    y: np.ndarray,
    lam: float,
    *,
    sign: float = 1.0,
    per_n: bool = True,
    relu_prime: str = "step",
    l2: float = 1.0,
    bias_l2: bool = False,
) -> Params:
    """Reference gradients; the keywords produce the plausible wrong variants."""
    X, z1, a1, z2 = cache
    n = len(y)
    delta2 = _softmax(z2)
    delta2[_arange(n), y] -= 1.0
    delta2 = sign * delta2
    scale = 1.0 / n if per_n else 1.0
    through = delta2 @ params["W2"]
    delta1 = {"step": through * (z1 > 0), "none": through, "a1": through * a1}[relu_prime]
    grads = {
        "W2": delta2.T @ a1 * scale + l2 * lam * params["W2"],
        "b2": delta2.sum(axis=0) * scale,
        "W1": delta1.T @ X * scale + l2 * lam * params["W1"],
        "b1": delta1.sum(axis=0) * scale,
    }
    if bias_l2:
        grads["b1"] = grads["b1"] + lam * params["b1"]
        grads["b2"] = grads["b2"] + lam * params["b2"]
    return grads


def _init(seed: int, d: int, H: int, k: int, scale: float = 0.5) -> Params:
    gen = _default_rng(seed)
    return {
        "W1": gen.normal(0.0, scale, (H, d)),
        "b1": gen.normal(0.0, 0.1, H),
        "W2": gen.normal(0.0, scale, (k, H)),
        "b2": gen.normal(0.0, 0.1, k),
    }


def _copy(params: Params) -> Params:
    return {key: _asarray(value, dtype=float).copy() for key, value in params.items()}


# ----- exercise 1: standardize --------------------------------------------------------------------
def _stats(A: np.ndarray, *, axis: int = 0, ddof: int = 0) -> tuple[np.ndarray, np.ndarray]:
    mean = A.mean(axis=axis, keepdims=axis == 1)
    std = A.std(axis=axis, ddof=ddof, keepdims=axis == 1)
    return mean, _where(std > 1e-12, std, 1.0)


def _standardized(parts: Sequence[np.ndarray], mean: np.ndarray, std: np.ndarray) -> list:
    return [(A - mean) / std for A in parts]


def _standardize_data(seed: int, constant: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Three sets of 'images' with 6 pixels; val and test come from a shifted distribution.

    With constant=True, pixel 0 is 0 everywhere and pixel 1 is 0.25 in every training row but
    varies in the validation and test rows, as border pixels of the digits do.
    """
    gen = _default_rng(seed)
    scale = _asarray([0.2, 0.5, 1.0, 2.0, 0.3, 0.7])
    center = _asarray([0.1, -0.4, 0.8, 0.0, 1.5, 0.3])
    parts = [
        gen.normal(center + shift, scale, (n, 6)) for n, shift in ((40, 0), (15, 0.5), (12, 1))
    ]
    if constant:
        for A in parts:
            A[:, 0] = 0.0
        parts[0][:, 1] = 0.25
    return parts[0], parts[1], parts[2]


def _standardize_case(
    student_fn: Callable[..., Any], label: str, X_tr: np.ndarray, X_va: np.ndarray, X_te: np.ndarray
) -> None:
    what = f"standardize(X_train, X_val, X_test) [{label}]"
    constant = [int(j) for j in range(X_tr.shape[1]) if X_tr[:, j].std() <= 1e-12]
    got = call(student_fn, X_tr, X_va, X_te, what=what)
    if got is None:
        raise CheckError(f"{what} returned None. Return X_train_s, X_val_s, X_test_s, mean, std.")
    if not isinstance(got, tuple | list) or len(got) != 5:
        n = len(got) if isinstance(got, tuple | list) else "not a tuple"
        raise CheckError(
            f"{what} should return 5 things, (X_train_s, X_val_s, X_test_s, mean, std), got {n}."
        )
    mean, std = _stats(X_tr)
    ref = _standardized((X_tr, X_va, X_te), mean, std)
    every = _concatenate([X_tr, X_va, X_te])
    leak = _standardized((X_tr, X_va, X_te), *_stats(every))
    own = [_standardized((A,), *_stats(A))[0] for A in (X_tr, X_va, X_te)]
    rows = [_standardized((A,), *_stats(A, axis=1))[0] for A in (X_tr, X_va, X_te)]
    ddof1 = _standardized((X_tr, X_va, X_te), *_stats(X_tr, ddof=1))
    names = ("X_train_s", "X_val_s", "X_test_s")
    for j, name in enumerate(names):
        expect_shape(f"{what}: {name}", got[j], ref[j].shape)
        got_j = _asarray(got[j], dtype=float)
        if constant:
            with np.errstate(all="ignore"):
                broken = not bool(_isfinite(got_j[:, constant]).all())
            expect(
                not broken,
                f"{what}: {name} has NaN or inf at pixel(s) {constant}, which are constant in the "
                "training set: their std is 0, so the code divided by a standard deviation of 0. "
                "Use std = 1 where the training std is 0, e.g. np.where(std > 0, std, 1.0).",
            )
        if constant and j > 0:
            with np.errstate(all="ignore"):
                huge = bool((_absolute(got_j[:, constant]) > 1e3).any())
            expect(
                not huge,
                f"{what}: {name} has huge values at pixel(s) {constant}, which are constant in "
                "the training set. Adding a tiny eps to std keeps those pixels at 0 in training, "
                "but divides any other value there by eps. Use std = 1 where the training std "
                "is 0 instead.",
            )
        expect_close(
            f"{what}: {name}",
            got_j,
            ref[j],
            mistakes={
                LEAKED: leak[j],
                PER_EXAMPLE: rows[j],
                OWN_STATS: own[j],
                "the sample std (ddof=1); use the plain std, np.std's default ddof=0": ddof1[j],
            },
            rtol=1e-6,
            atol=1e-9,
        )
    expect_close(
        f"{what}: mean",
        got[3],
        mean,
        mistakes={LEAKED: every.mean(axis=0)},
        hint="mean is the per-pixel mean of X_train, shape (d,).",
    )
    expect_close(
        f"{what}: std",
        got[4],
        std,
        mistakes={LEAKED: _stats(every)[1]},
        rtol=1e-6,
        hint="std is the per-pixel std of X_train, shape (d,), with 1 where it is 0.",
    )


def standardize(
    student_fn: Callable[..., Any],
    *,
    seed: int = 3,
    data: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> None:
    """Check ``standardize(X_train, X_val, X_test) -> (X_train_s, X_val_s, X_test_s, mean, std)``.

    Cases: data without constant pixels; data with a pixel constant everywhere and one constant
    only in the training set; and (hidden tests) real digits, passed as ``data``.
    """
    guard()
    _standardize_case(student_fn, "no constant pixels", *_standardize_data(seed, False))
    _standardize_case(student_fn, "constant pixels", *_standardize_data(seed + 1, True))
    if data is not None:
        _standardize_case(student_fn, "the digits", *data)
    passed("standardize")


# ----- exercise 2: backward -----------------------------------------------------------------------
_BACKWARD_CASES: Sequence[tuple[str, int, int, int, int, int, float]] = (
    # label, seed, n, d_in, H, k, lam
    ("no penalty", 1, 7, 5, 6, 4, 0.0),
    ("with L2, lam = 0.1", 2, 9, 3, 8, 5, 0.1),
)


def _backward_problem(seed: int, n: int, d: int, H: int, k: int):
    gen = _default_rng(seed + 100)
    params = _init(seed, d, H, k)
    X = gen.normal(size=(n, d))
    y = gen.integers(0, k, size=n)
    return params, X, y


def _get_grads(what: str, got: Any, params: Params) -> Params:
    if got is None:
        raise CheckError(f"{what} returned None. Return the dict of gradients.")
    expect(
        isinstance(got, dict) and set(got) == set(KEYS),
        f"{what} should return a dict with the keys {list(KEYS)} (one gradient per parameter), "
        f"got {sorted(got) if isinstance(got, dict) else type(got).__name__}.",
    )
    for key in ("W2", "b2", "W1", "b1"):
        hint = (
            "A gradient has the shape of its parameter: dW = delta.T @ a_prev / n."
            if key[0] == "W"
            else "db = delta.mean(axis=0)."
        )
        expect_shape(f"{what}: grads[{key!r}]", got[key], params[key].shape, hint=hint)
    return {key: _asarray(got[key], dtype=float) for key in KEYS}


def _call_backward(student_fn, params, X, y, lam, what):
    cache = _forward(params, X)[1]
    try:
        return call(student_fn, params, cache, y, lam, what=what)
    except CheckError as exc:
        # error_kind, not exc.__cause__: in replay only the recorded kind and message remain
        if error_kind(exc) == "ValueError" and "matmul" in str(exc):
            raise CheckError(
                f"{str(exc)} Shapes: X (n, d_in), W1 (H, d_in), z1 and a1 (n, H), W2 (k, H), "
                "z2 and delta2 (n, k). So delta2 @ W2 is (n, H) and delta2.T @ a1 is (k, H); a "
                "matmul shape error usually means a transposed W or a missing .T."
            ) from exc
        raise


def _diagnose_backward(what: str, grads: Params, params, X, y, lam) -> None:
    """Compare with the reference, naming a listed mistake when one matches."""
    cache = _forward(params, X)[1]
    ref = _backward(params, cache, y, lam)
    wrong = {
        WRONG_SIGN + " (delta2 = softmax(z2) - onehot(y), not onehot - softmax)": _backward(
            params, cache, y, lam, sign=-1.0
        ),
        MISSING_1_OVER_N + " (the loss is a batch MEAN)": _backward(
            params, cache, y, lam, per_n=False
        ),
        MISSING_ACTIVATION_DERIVATIVE + ": delta1 needs * (z1 > 0)": _backward(
            params, cache, y, lam, relu_prime="none"
        ),
        "the ReLU derivative taken as relu(z1) = a1; it is the step (z1 > 0)": _backward(
            params, cache, y, lam, relu_prime="a1"
        ),
    }
    if lam:
        wrong.update(
            {
                PENALIZED_BIASES: _backward(params, cache, y, lam, bias_l2=True),
                "a missing L2 term: add lam * W to dW": _backward(params, cache, y, lam, l2=0.0),
                "an extra factor 2 in the L2 term (d/dW of lam/2 * ||W||^2 is lam * W)": _backward(
                    params, cache, y, lam, l2=2.0
                ),
                "the L2 term divided by n (it is lam * W, not lam * W / n)": _backward(
                    params, cache, y, lam, l2=1.0 / len(y)
                ),
            }
        )
    for key in ("W2", "b2", "W1", "b1"):
        expect_close(
            f"{what}: grads[{key!r}]",
            grads[key],
            ref[key],
            mistakes={label: g[key] for label, g in wrong.items()},
            rtol=1e-6,
            atol=1e-10,
        )


def _gradient_check(grads: Params, params: Params, X, y, lam) -> dict[str, float]:
    """rel_error of each student gradient against central differences of the loss."""
    work = _copy(params)
    errors = {}
    for key in KEYS:
        numeric = _numerical_gradient(lambda _: _loss(work, X, y, lam), work[key])
        errors[key] = _rel_error(grads[key], numeric)
    return errors


def backward(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, int, int, int, int, int, float]] = _BACKWARD_CASES,
) -> None:
    """Check ``backward(params, cache, y, lam) -> {"W1", "b1", "W2", "b2"}`` gradients.

    Each case runs a gradient check (central differences of the loss, ``rel_error`` per
    parameter, printed) and a comparison with the reference that names the mistake.
    """
    guard()
    for label, seed, n, d, H, k, lam in cases:
        params, X, y = _backward_problem(seed, n, d, H, k)
        what = f"backward(params, cache, y, lam={lam}) [{label}: n={n}, d_in={d}, H={H}, k={k}]"
        grads = _get_grads(what, _call_backward(student_fn, params, X, y, lam, what), params)
        errors = _gradient_check(grads, params, X, y, lam)
        text = ", ".join(f"d{key} {err:.1e}" for key, err in errors.items())
        _print(f"gradient check [{label}]: rel_error {text}")
        _diagnose_backward(what, grads, params, X, y, lam)
        worst = max(errors, key=errors.get)
        expect(
            errors[worst] <= GRADCHECK_TOL,
            f"{what}: the gradient check failed: rel_error(d{worst}) = {errors[worst]:.1e} "
            f"> {GRADCHECK_TOL:.0e}.",
        )
    passed("backward")


# ----- exercise 3: train_epoch --------------------------------------------------------------------
_EPOCH_CASES: Sequence[tuple[str, int, int, int, int, int, int, float, float, float]] = (
    # label, seed, n, d_in, H, k, batch_size, eta, beta, lam
    ("3 batches, the last one short", 4, 23, 5, 4, 3, 8, 0.1, 0.9, 0.01),
    ("5 batches, no penalty", 5, 30, 3, 6, 4, 6, 0.3, 0.5, 0.0),
)


def _epoch(params, velocity, X, y, batches, eta, beta, lam, *, variant: str = "") -> tuple:
    """Reference epoch (variant "") and the plausible wrong ones."""
    p, v = _copy(params), _copy(velocity)
    if variant == "full batch":
        batches = [_arange(len(y))]
    if variant == "reversed":
        batches = list(batches)[::-1]
    for idx in batches:
        cache = _forward(p, X[idx])[1]
        g = _backward(p, cache, y[idx], 0.0 if variant == "no lam" else lam)
        for key in KEYS:
            old_v = v[key].copy()
            if variant == "opposite":
                v[key] = beta * v[key] + eta * g[key]
                p[key] = p[key] - v[key]
                continue
            v[key] = (0.0 if variant == "no momentum" else beta) * v[key] - eta * g[key]
            if variant == "plain sgd":
                p[key] = p[key] - eta * g[key]
            elif variant == "old velocity":
                p[key] = p[key] + old_v
            else:
                p[key] = p[key] + v[key]
    return p, v


_EPOCH_MISTAKES = {
    "no momentum in the step: W must move by the velocity, W <- W + v with v <- beta * v - "
    "eta * g (beta was ignored, or W moved by -eta * g instead of v)": "no momentum",
    "W updated with the OLD velocity: update v first, then W <- W + v": "old velocity",
    "the opposite velocity convention: here v <- beta * v - eta * g and W <- W + v": "opposite",
    "one step on the whole data set: take one step per batch, with X[idx], y[idx]": "full batch",
    "the batches used in another order: use them in the order given": "reversed",
    "lam not passed on to backward (the L2 term is missing)": "no lam",
}


class _SwappedNetwork:
    """Run a student's function with the reference forward/backward in its global namespace.

    train_epoch calls the notebook's ``forward`` and ``backward``. Swapping in the references
    while it runs means a mistake in backward is not counted a second time here.
    """

    def __init__(self, fn: Callable[..., Any]):
        namespace = getattr(fn, "__globals__", None)
        self.namespace = namespace if isinstance(namespace, dict) else None
        self.saved: dict[str, Any] = {}

    def __enter__(self) -> None:
        if self.namespace is None:
            return
        for name, ref in (("forward", _reference_forward), ("backward", _reference_backward)):
            self.saved[name] = self.namespace.get(name, _MISSING)
            self.namespace[name] = ref

    def __exit__(self, *exc: object) -> None:
        for name, value in self.saved.items():
            if value is _MISSING:
                self.namespace.pop(name, None)
            else:
                self.namespace[name] = value


_MISSING = object()


def _reference_forward(params: Params, X: np.ndarray) -> tuple[np.ndarray, tuple]:
    """forward(params, X) -> (logits, cache), as provided in the notebook."""
    return _forward(params, _asarray(X, dtype=float))


def _reference_backward(params: Params, cache: tuple, y: np.ndarray, lam: float) -> Params:
    """backward(params, cache, y, lam) -> grads, the reference solution."""
    return _backward(params, cache, _asarray(y), lam)


def train_epoch(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, int, int, int, int, int, int, float, float, float]] = _EPOCH_CASES,
) -> None:
    """Check ``train_epoch(params, velocity, X, y, batches, eta, beta, lam) -> (params, velocity)``.

    The batches are given, so the result is deterministic; it is compared with the reference
    epoch (one momentum step per batch: v <- beta*v - eta*g, W <- W + v), starting from a
    non-zero velocity so that the velocity convention matters. The student's function runs with
    the reference forward/backward (see ``_SwappedNetwork``).
    """
    guard()
    for label, seed, n, d, H, k, size, eta, beta, lam in cases:
        gen = _default_rng(seed + 200)
        params = _init(seed, d, H, k)
        velocity = {key: gen.normal(0.0, 0.05, value.shape) for key, value in params.items()}
        X = gen.normal(size=(n, d))
        y = gen.integers(0, k, size=n)
        order = gen.permutation(n)
        batches = [order[i : i + size] for i in range(0, n, size)]
        what = (
            f"train_epoch(params, velocity, X, y, batches, eta={eta}, beta={beta}, lam={lam}) "
            f"[{label}]"
        )
        with _SwappedNetwork(student_fn):
            got = call(
                student_fn,
                params,
                velocity,
                X,
                y,
                batches,
                eta,
                beta,
                lam,
                what=what,
                may_change=(0, 1),  # the step updates params and velocity in place
            )
        if got is None:
            raise CheckError(
                f"{what} returned None. Return (params, velocity) at the end of the epoch, even "
                "if you updated them in place."
            )
        expect(
            isinstance(got, tuple | list) and len(got) == 2,
            f"{what} should return the pair (params, velocity).",
        )
        ref_p, ref_v = _epoch(params, velocity, X, y, batches, eta, beta, lam)
        wrong = {
            text: _epoch(params, velocity, X, y, batches, eta, beta, lam, variant=variant)
            for text, variant in _EPOCH_MISTAKES.items()
        }
        for name, got_d, ref_d, index in (
            ("params", got[0], ref_p, 0),
            ("velocity", got[1], ref_v, 1),
        ):
            expect(
                isinstance(got_d, dict) and set(got_d) == set(KEYS),
                f"{what}: {name} should be a dict with the keys {list(KEYS)}.",
            )
            for key in KEYS:
                expect_close(
                    f"{what}: {name}[{key!r}] after the epoch",
                    got_d[key],
                    ref_d[key],
                    mistakes={text: w[index][key] for text, w in wrong.items()},
                    rtol=1e-6,
                    atol=1e-10,
                    hint="For each batch idx, in order: grads from backward(params, cache, "
                    "y[idx], lam), then v <- beta * v - eta * g and W <- W + v for every key.",
                )
    passed("train_epoch")


# ----- exercise 4: the trained network ------------------------------------------------------------
def _digits(part: str, split_seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X_train, X_part, y_part) of the notebook's split, raw pixels in [0, 1]."""
    X, y = _load_digits()
    X_tr, _, X_va, y_va, X_te, y_te = _split(X, y, val=0.15, test=0.2, seed=split_seed)
    return (X_tr, X_va, y_va) if part == "validation" else (X_tr, X_te, y_te)


def _check_params(params: Any) -> Params:
    name = "final_params"
    if params is None:
        raise CheckError(f"{name} is None: the training cell should set it to the best weights.")
    expect(
        isinstance(params, dict) and set(params) >= set(KEYS),
        f"{name} should be a dict with the keys {list(KEYS)}, got "
        f"{sorted(params) if isinstance(params, dict) else type(params).__name__}.",
    )
    W1 = _asarray(params["W1"])
    expect(W1.ndim == 2, f"{name}['W1'] should be a matrix of shape (H, 64), got shape {W1.shape}.")
    H = W1.shape[0] if W1.shape[1] == 64 else W1.shape[1]
    shapes = {"W1": (H, 64), "b1": (H,), "W2": (10, H), "b2": (10,)}
    for key, shape in shapes.items():
        expect_shape(f"{name}[{key!r}]", params[key], shape)
        with np.errstate(all="ignore"):
            finite = bool(_isfinite(_asarray(params[key], dtype=float)).all())
        expect(
            finite,
            f"{name}[{key!r}] contains NaN or inf: training diverged. Lower the learning rate "
            "eta (or the momentum beta).",
        )
    return {key: _asarray(params[key], dtype=float) for key in KEYS}


def _accuracy(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    with np.errstate(all="ignore"):
        return float((_forward(params, X)[0].argmax(axis=1) == y).mean())


def final_accuracy(
    params: Any,
    mean: Any,
    std: Any,
    *,
    part: str = "validation",
    threshold: float = 0.97,
    split_seed: int = 0,
) -> None:
    """Score the trained network on the notebook's validation (or test) digits.

    The check loads the digits and splits them itself (``split(X, y, val=0.15, test=0.2,
    seed=0)``), checks that ``mean`` and ``std`` are the training-set statistics (so nothing of
    the test set leaked into the pipeline), standardizes the raw images with them and runs the
    reference forward pass on ``params``. Returns nothing: a test cell whose last value is a
    number would give nbgrader's partial credit.
    """
    guard()
    p = _check_params(params)
    X_tr, X_part, y_part = _digits(part, split_seed)
    expect_shape("mean", mean, (64,), hint="One mean per pixel, from standardize.")
    expect_shape("std", std, (64,), hint="One std per pixel, from standardize.")
    mean_a, std_a = _asarray(mean, dtype=float), _asarray(std, dtype=float)
    expect(
        bool(_isfinite(mean_a).all() and _isfinite(std_a).all() and (std_a > 0).all()),
        "mean and std must be finite, and std > 0 everywhere (1 for constant pixels).",
    )
    X_all = _load_digits()[0]
    ref_mean, ref_std = _stats(X_tr)
    hint = "Pass the mean and std that standardize computed from X_train."
    expect_close("mean", mean_a, ref_mean, mistakes={LEAKED: X_all.mean(axis=0)}, hint=hint)
    expect_close("std", std_a, ref_std, mistakes={LEAKED: _stats(X_all)[1]}, rtol=1e-6, hint=hint)
    acc = _accuracy(p, (X_part - mean_a) / std_a, y_part)
    n = len(y_part)
    if acc < threshold:
        hints = []
        raw = _accuracy(p, X_part, y_part)
        if raw >= acc + 0.02:
            hints.append(
                f"on raw, unstandardized pixels the network scores {raw:.1%}: it seems to "
                "have been trained on images that were not standardized. Train on "
                "(X - mean) / std, with the mean and std of the training set"
            )
        if acc < 0.2:
            hints.append("that is chance level: is final_params the trained network?")
        hints.append(
            "ingredients that help: more hidden units, shifted copies of the training images, "
            "a small L2 penalty, enough epochs, and at the end a learning rate that drops or "
            "weights averaged over the last epochs"
        )
        raise CheckError(
            f"The network classifies {acc:.1%} of the {n} {part} digits correctly "
            f"({round(acc * n)} of {n}); at least {threshold * 100:g}% is needed. "
            + "; ".join(hints)
            + "."
        )
    _print(f"{part} accuracy: {acc:.2%} ({round(acc * n)} of {n} digits) >= {threshold * 100:g}%")
    passed(f"final accuracy on the {part} set")


# ----- exercise 5: confusion matrix ---------------------------------------------------------------
_CONFUSION_CASES: Sequence[tuple[str, int, int, int, float]] = (
    # label, seed, n, k, fraction predicted correctly
    ("5 classes, class 4 never appears", 6, 40, 5, 0.6),
    ("3 classes, mostly right", 7, 25, 3, 0.8),
)


def _confusion(y_true: np.ndarray, y_pred: np.ndarray, k: int) -> np.ndarray:
    C = _zeros((k, k), dtype=np.int64)
    for t, p in zip(y_true.tolist(), y_pred.tolist(), strict=True):
        C[t, p] += 1
    return C


def confusion_matrix(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, int, int, int, float]] = _CONFUSION_CASES,
) -> None:
    """Check ``confusion_matrix(y_true, y_pred, k) -> C``, C[i, j] = #(true i, predicted j)."""
    guard()
    for label, seed, n, k, right in cases:
        gen = _default_rng(seed)
        present = k - 1 if "never" in label else k
        y_true = gen.integers(0, present, size=n)
        y_pred = _where(gen.random(n) < right, y_true, gen.integers(0, present, size=n))
        y_pred[0], y_true[0] = 0, 1  # at least one asymmetric confusion
        what = f"confusion_matrix(y_true, y_pred, k={k}) [{label}]"
        got = call(student_fn, y_true, y_pred, k, what=what)
        C = _confusion(y_true, y_pred, k)
        expect_shape(
            what,
            got,
            (k, k),
            hint="The matrix is k x k even when a class never occurs; use k, not the labels seen.",
        )
        expect_close(
            what,
            got,
            C,
            mistakes={
                "the transposed matrix: rows are the TRUE class, columns the predicted class": C.T,
                "fractions per row; count the examples instead": C
                / _maximum(C.sum(axis=1, keepdims=True), 1),
                "fractions of all examples; count them instead": C / n,
                "only the diagonal: count the mistakes too, C[true, predicted] += 1": C
                * (_arange(k)[:, None] == _arange(k)),
            },
            rtol=0,
            atol=1e-12,
        )
    passed("confusion_matrix")


__all__ = [
    "backward",
    "confusion_matrix",
    "final_accuracy",
    "standardize",
    "train_epoch",
]
