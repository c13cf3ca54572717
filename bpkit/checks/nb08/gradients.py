"""nb08: exercise 2: backward."""

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
from bpkit.checks.nb08._common import (
    KEYS,
    Params,
    _absolute,
    _asarray,
    _default_rng,
    _isfinite,
    _print,
)
from bpkit.checks.nb08.network import _backward, _copy, _forward, _init, _loss
from bpkit.gradcheck import numerical_gradient as _numerical_gradient
from bpkit.gradcheck import rel_error as _rel_error

GRADCHECK_TOL = 1e-6
PENALIZED_BIASES = "the biases penalized too (only W1 and W2 carry the L2 term)"


# ----- exercise 2: backward -----------------------------------------------------------------------
VISIBLE_BACKWARD: Sequence[tuple[str, int, int, int, int, int, float]] = (
    # label, seed, n, d_in, H, k, lam
    ("no penalty", 1, 7, 5, 6, 4, 0.0),
    ("with L2, lam = 0.1", 2, 9, 3, 8, 5, 0.1),
)


#: A case whose logits reach about +-1000 (the weights of layer 2 scaled up): np.exp overflows
#: there unless the softmax subtracts each row's maximum first.
VISIBLE_LARGE_LOGITS = ("logits of about +-1000", 8, 6, 4, 5, 3, 0.01)
UNSTABLE_SOFTMAX = (
    "the gradients contain NaN or inf. The logits here reach about +-1000 and np.exp(1000) "
    "overflows: subtract each row's maximum from z2 before np.exp (the softmax stays the same)"
)


def _backward_problem(seed: int, n: int, d: int, H: int, k: int, *, large: bool = False):
    gen = _default_rng(seed + 100)
    params = _init(seed, d, H, k)
    X = gen.normal(size=(n, d))
    y = gen.integers(0, k, size=n)
    if large:
        z2 = _forward(params, X)[0]
        params["W2"] = params["W2"] * (1000.0 / max(float(_absolute(z2).max()), 1e-3))
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


SUMMED_BIAS = (
    "a missing 1/n in the bias gradient: db is the batch MEAN of delta, delta.mean(axis=0), "
    "not its sum"
)
DELTA2_SIGN = WRONG_SIGN + " (delta2 = softmax(z2) - onehot(y), not onehot - softmax)"
NOT_A_MEAN = MISSING_1_OVER_N + " (the loss is a batch MEAN)"
NO_RELU_PRIME = MISSING_ACTIVATION_DERIVATIVE + ": delta1 needs * (z1 > 0)"
RELU_PRIME_A1 = "the ReLU derivative taken as relu(z1) = a1; it is the step (z1 > 0)"
FROM_LOGITS = (
    "delta2 built from the logits z2 instead of the probabilities: delta2 = softmax(z2) - onehot(y)"
)
NO_L2 = "a missing L2 term: add lam * W to dW"
L2_FACTOR_2 = "an extra factor 2 in the L2 term (d/dW of lam/2 * ||W||^2 is lam * W)"
L2_OVER_N = "the L2 term divided by n (it is lam * W, not lam * W / n)"


def _diagnose_backward(what: str, grads: Params, params, X, y, lam) -> None:
    """Compare with the reference, naming a listed mistake when one matches."""
    cache = _forward(params, X)[1]
    ref = _backward(params, cache, y, lam)
    wrong = {
        DELTA2_SIGN: _backward(params, cache, y, lam, sign=-1.0),
        NOT_A_MEAN: _backward(params, cache, y, lam, per_n=False),
        NO_RELU_PRIME: _backward(params, cache, y, lam, relu_prime="none"),
        RELU_PRIME_A1: _backward(params, cache, y, lam, relu_prime="a1"),
        FROM_LOGITS: _backward(params, cache, y, lam, logits=True),
    }
    summed_bias = _backward(params, cache, y, lam, bias_per_n=False)
    if lam:
        wrong.update(
            {
                PENALIZED_BIASES: _backward(params, cache, y, lam, bias_l2=True),
                NO_L2: _backward(params, cache, y, lam, l2=0.0),
                L2_FACTOR_2: _backward(params, cache, y, lam, l2=2.0),
                L2_OVER_N: _backward(params, cache, y, lam, l2=1.0 / len(y)),
            }
        )
    for key in ("W2", "b2", "W1", "b1"):
        mistakes = {label: g[key] for label, g in wrong.items()}
        if key[0] == "b":  # named before the missing 1/n everywhere, which W2 catches first
            mistakes = {SUMMED_BIAS: summed_bias[key], **mistakes}
        expect_close(
            f"{what}: grads[{key!r}]",
            grads[key],
            ref[key],
            mistakes=mistakes,
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


def _check_backward(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, int, int, int, int, int, float]],
    large: tuple[str, int, int, int, int, int, float],
) -> None:
    """Check ``backward(params, cache, y, lam) -> {"W1", "b1", "W2", "b2"}`` gradients.

    Each case runs a gradient check (central differences of the loss, ``rel_error`` per
    parameter, printed) and a comparison with the reference that names the mistake. A last
    case, ``large``, has logits of about +-1000, where only a stable softmax stays finite.
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
    label, seed, n, d, H, k, lam = large
    params, X, y = _backward_problem(seed, n, d, H, k, large=True)
    what = f"backward(params, cache, y, lam={lam}) [{label}: n={n}, d_in={d}, H={H}, k={k}]"
    grads = _get_grads(what, _call_backward(student_fn, params, X, y, lam, what), params)
    with np.errstate(all="ignore"):
        finite = all(bool(_isfinite(grads[key]).all()) for key in KEYS)
    expect(finite, f"{what}: {UNSTABLE_SOFTMAX}.")
    _diagnose_backward(what, grads, params, X, y, lam)
    passed("backward")
