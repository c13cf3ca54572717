"""nb06: exercise 4: the depth experiment."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    MISSING_1_OVER_N,
    CheckError,
    call,
    expect,
    guard,
    passed,
)
from bpkit.checks.nb06._common import _asarray, _default_rng, _isfinite, _log10, _median
from bpkit.checks.nb06.norms import OUTPUT_FIRST, _linear_norms
from bpkit.init import he_normal as _ref_he_normal
from bpkit.init import normal as _ref_normal
from bpkit.losses import mse
from bpkit.model import mlp

# ----- exercise 4: the depth experiment ----------------------------------------------------------
BAND = 1.4  # ReLU + He spreads less than 10**BAND on average, sigmoid + N(0, 1) more

NOT_A_FUNCTION = "expected a function"
RETURNED_NONE = "returned None: return the array of per-layer norms"
NOT_AN_ARRAY = "should return a numpy array of"
NORM_COUNT = "one norm per Linear layer"
ALL_ZERO = "every norm is 0: the gradients were read before a backward pass filled them"
NOT_POSITIVE = "every norm should be a positive, finite number"
WEIGHT_NORMS = "returned the norms of the weights W, not of their gradients dL/dW"
NO_INIT = "never called init"
INIT_COUNT = "expected 4: once per Linear layer"
INIT_SHAPES = "(d_out, d_in) per layer"
NOT_REPRODUCIBLE = "gave different norms on two calls with the same seed"
NETWORK_SEED = "the network ignores the seed"
NO_1_OVER_N = (
    f"{MISSING_1_OVER_N}: the gradient of the loss must be that of bpkit's mse, "
    "(y_hat - y) / n (your grad_norms does it right)"
)
BATCH_256 = (
    "a batch of 256 examples whatever n is: draw X of shape (n, width) and y of shape (n, 1)"
)
BATCH_WIDTH = "a batch of width examples instead of n: draw X of shape (n, width)"
ACTIVATION_IGNORED = "gave the same norms for 'relu' and 'sigmoid'"
SEED_IGNORED = "it ignores its seed"
NOT_HEALTHY = "ReLU + he_normal at depth 10 should keep the gradient norms in a healthy band"
NO_VANISHING = "sigmoid + N(0, 1) weights should make the norms spread over more than a factor"
NO_EXPLOSION = "ReLU + N(0, 1) weights should explode"

VISIBLE_SEEDS = (0, 1, 2, 3, 4, 5, 6, 7)


def _n01(shape: Any, seed: Any = None, dtype: Any = np.float64) -> np.ndarray:
    return _ref_normal(shape, scale=1.0, seed=seed, dtype=dtype)


def _profile(
    fn: Callable[..., Any],
    activation: str,
    init: Callable,
    seed: int,
    what: str,
    watch: list | None = None,
    **kw: Any,
):
    """Run the student's depth_profile; ``watch`` holds the lists an ``init`` spy fills.

    The call goes through a lambda written here whose default is ``watch``, so what the spy
    recorded during the call is part of the recorded state (and restored in replay).
    """
    depth = kw.get("depth", 10)
    expect(callable(fn), f"{what}: {NOT_A_FUNCTION}, got {type(fn).__name__}.")
    out = call(lambda watched=watch: fn(activation, init, seed=seed, **kw), what=what)
    expect(out is not None, f"{what} {RETURNED_NONE}.")
    try:
        arr = _asarray(out, dtype=float)
    except (TypeError, ValueError) as exc:
        raise CheckError(f"{what} {NOT_AN_ARRAY} {depth} norms.") from exc
    expect(
        arr.shape == (depth,),
        f"{what} returned shape {arr.shape}, expected ({depth},): {NORM_COUNT}. "
        f"mlp([width] * depth + [1]) has exactly depth = {depth} Linear layers.",
    )
    expect(
        bool((arr != 0).any()),
        f"{what}: {ALL_ZERO}. "
        "Run the forward pass, the MSE loss and model.backward(dL), then measure.",
    )
    expect(
        bool(_isfinite(arr).all()) and bool((arr > 0).all()),
        f"{what}: {NOT_POSITIVE}; got {arr}.",
    )
    return arr


def _reference_profile(activation: str, seed: int, depth: int, width: int, n: int) -> np.ndarray:
    """What depth_profile(activation, he_normal, ...) gives, as its docstring says."""
    model = mlp([width] * depth + [1], activation=activation, init=_ref_he_normal, seed=seed)
    gen = _default_rng(seed)
    X, y = gen.standard_normal((n, width)), gen.standard_normal((n, 1))
    L, dL = mse(model.forward(X), y)
    model.backward(dL)
    return _linear_norms(model)


def _profile_mistakes(what: str, got: np.ndarray) -> None:
    """Name the mistake behind the first (spied) run of depth_profile, if it looks like one.

    Only exact matches count: a correct answer that draws its data some other way still passes
    on the properties checked afterwards.
    """
    right = _reference_profile("relu", 0, depth=4, width=8, n=16)
    if _close_norms(got, right):
        return
    mistakes = {
        NO_1_OVER_N: right * 16,
        BATCH_256: _reference_profile("relu", 0, depth=4, width=8, n=256),
        BATCH_WIDTH: _reference_profile("relu", 0, depth=4, width=8, n=8),
        OUTPUT_FIRST: right[::-1],
    }
    label = next((k for k, v in mistakes.items() if _close_norms(got, v)), None)
    expect(label is None, f"{what} looks like {label}.")


def _close_norms(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool((abs(a - b) <= 1e-9 * abs(b) + 1e-300).all())


def _spread_log10(arr: np.ndarray) -> float:
    return float(_log10(arr.max() / arr.min()))


def _check_depth_profile(
    student_fn: Callable[..., Any], *, seeds: Sequence[int], band: float = BAND
) -> None:
    """Check ``depth_profile(activation, init, depth=10, width=32, n=256, seed=0)``.

    Cases: the initializer is called once per Linear layer with shape (d_out, d_in); the
    activation matters; averaged over several seeds, ReLU + He stays in a healthy band
    (max/min below 10**band, every norm in [1e-3, 1e3]), sigmoid + N(0, 1) spreads wider than
    10**band, and ReLU + N(0, 1) explodes.
    """
    guard()
    calls: list[tuple[int, ...]] = []
    drawn: list[float] = []
    drawn_1: list[float] = []

    def spy(shape: Any, seed: Any = None, dtype: Any = np.float64) -> np.ndarray:
        calls.append(tuple(int(s) for s in shape))
        W = _ref_he_normal(shape, seed=seed, dtype=dtype)
        drawn.append(float(np.linalg.norm(W)))
        return W

    def spy_1(shape: Any, seed: Any = None, dtype: Any = np.float64) -> np.ndarray:
        W = _ref_he_normal(shape, seed=seed, dtype=dtype)
        drawn_1.append(float(np.linalg.norm(W)))
        return W

    small = {"depth": 4, "width": 8, "n": 16}
    what = "depth_profile('relu', init, depth=4, width=8, n=16)"
    got = _profile(student_fn, "relu", spy, 0, what, [calls, drawn], **small)
    if len(drawn) == got.size:
        expect(
            not bool((abs(got - _asarray(drawn)) <= 1e-9 * _asarray(drawn)).all()),
            f"{what} {WEIGHT_NORMS}: run "
            "a forward pass, the MSE loss and a backward pass, then measure (grad_norms does).",
        )
    wanted = [(8, 8)] * 3 + [(1, 8)]
    expect(
        len(calls) > 0,
        f"{what} {NO_INIT}: build the net with "
        "mlp([width] * depth + [1], activation=activation, init=init, seed=seed).",
    )
    expect(
        len(calls) == 4,
        f"{what} called init {len(calls)} times, {INIT_COUNT}.",
    )
    expect(
        calls == wanted,
        f"{what} called init with shapes {calls}, expected {wanted}: {INIT_SHAPES}.",
    )
    again = _profile(student_fn, "relu", _ref_he_normal, 0, f"{what}, called again", **small)
    expect(
        bool((again == got).all()),
        f"{what} {NOT_REPRODUCIBLE}: pass seed=seed to mlp "
        "and draw X and y from np.random.default_rng(seed), so that a seed fixes the weights "
        "and the data.",
    )
    what_1 = "depth_profile('relu', init, depth=4, width=8, n=16, seed=1)"
    _profile(student_fn, "relu", spy_1, 1, what_1, [drawn_1], **small)
    expect(
        drawn_1 != drawn,
        f"{what_1} built the same weights as with seed=0: {NETWORK_SEED}. Pass "
        "seed=seed to mlp (its default seed is always 0).",
    )
    _profile_mistakes(what, got)

    relu = [
        _profile(
            student_fn, "relu", _ref_he_normal, s, f"depth_profile('relu', he_normal, seed={s})"
        )
        for s in seeds
    ]
    sig_he = _profile(
        student_fn,
        "sigmoid",
        _ref_he_normal,
        seeds[0],
        f"depth_profile('sigmoid', he_normal, seed={seeds[0]})",
    )
    expect(
        not bool((abs(sig_he - relu[0]) <= 1e-12 * abs(relu[0])).all()),
        f"depth_profile {ACTIVATION_IGNORED}: pass the activation to "
        "mlp(..., activation=activation).",
    )
    expect(
        not bool((relu[0] == relu[1]).all()),
        f"depth_profile gave the same norms for seed={seeds[0]} and seed={seeds[1]}: "
        f"{SEED_IGNORED}. Pass seed=seed to mlp and draw the data from "
        "np.random.default_rng(seed).",
    )
    relu_spread = sum(_spread_log10(a) for a in relu) / len(relu)
    lo = min(float(a.min()) for a in relu)
    hi = max(float(a.max()) for a in relu)
    expect(
        relu_spread < band and lo > 1e-3 and hi < 1e3,
        f"{NOT_HEALTHY}, but "
        f"your profiles span a factor 10**{relu_spread:.2f} on average and range from {lo:.3g} "
        f"to {hi:.3g}. Is the init passed to mlp, and are these ||dL/dW|| after one backward "
        "pass of the MSE loss?",
    )
    sig = [
        _profile(student_fn, "sigmoid", _n01, s, f"depth_profile('sigmoid', N(0, 1), seed={s})")
        for s in seeds
    ]
    sig_spread = sum(_spread_log10(a) for a in sig) / len(sig)
    expect(
        sig_spread > band,
        f"{NO_VANISHING} 10**{band}, but your profiles span only 10**{sig_spread:.2f} on "
        "average. Are you measuring the gradients dL/dW (not the weights), after "
        "model.backward(dL)?",
    )
    boom = [
        _profile(student_fn, "relu", _n01, s, f"depth_profile('relu', N(0, 1), seed={s})")
        for s in seeds[:2]
    ]
    expect(
        all(float(_median(a)) > 1e6 for a in boom),
        f"{NO_EXPLOSION} (norms above 1e6 at depth 10), but your profile "
        "does not. Is the init passed to mlp?",
    )
    passed("depth_profile")
