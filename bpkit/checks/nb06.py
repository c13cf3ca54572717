"""Visible checks for notebook 06: vanishing and exploding gradients.

One function per exercise, each running named, seeded cases. Initializers are checked
statistically (shape, reproducibility, mean, spread and distribution over a large matrix), so any
correct way of drawing the numbers passes; gradient norms and clipping are compared with bpkit's
reference; the depth experiment is checked by the properties it must show.

The keyword arguments let the hidden tests run the same checks on other shapes and seeds.
"""

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
    expect_shape,
    guard,
    passed,
)
from bpkit.init import he_normal as _ref_he_normal
from bpkit.init import normal as _ref_normal
from bpkit.layers import Linear
from bpkit.losses import mse
from bpkit.model import mlp
from bpkit.optim import clip_grad_norm as _ref_clip

_asarray = np.asarray
_sqrt = np.sqrt
_log10 = np.log10
_default_rng = np.random.default_rng
_concatenate = np.concatenate
_isfinite = np.isfinite
_median = np.median

STD_TOL = 0.03  # relative tolerance on a standard deviation measured over >= 30,000 numbers


# ----- exercises 1 and 2: initializers ------------------------------------------------------------
def _draw(fn: Callable[..., Any], shape: tuple[int, int], seed: int, what: str) -> np.ndarray:
    out = call(fn, shape, seed=seed, what=what)
    expect_shape(what, out, shape, hint="W has shape (d_out, d_in) = shape; use it as given.")
    out = _asarray(out)
    expect(
        out.dtype == np.float64,
        f"{what} has dtype {out.dtype}; return float64 numbers.",
    )
    expect(bool(_isfinite(out).all()), f"{what} contains NaN or inf values.")
    return out


def _reproducible(fn: Callable[..., Any], shape: tuple[int, int], seed: int, name: str) -> None:
    a = _draw(fn, shape, seed, f"{name}({shape}, seed={seed})")
    b = _draw(fn, shape, seed, f"{name}({shape}, seed={seed}), called again")
    expect(
        bool((a == b).all()),
        f"{name}({shape}, seed={seed}) gave different numbers on two calls: draw them from "
        "rng = np.random.default_rng(seed), not from the global np.random functions.",
    )
    c = _draw(fn, shape, seed + 1, f"{name}({shape}, seed={seed + 1})")
    expect(
        not bool((a == c).all()),
        f"{name} gave the same numbers for seed={seed} and seed={seed + 1}: it ignores its seed.",
    )
    expect(
        float(a.std()) > 0,
        f"{name}({shape}) returned a constant array; the weights must be random to break the "
        "symmetry between units.",
    )


def _spread(
    name: str, shape: tuple[int, int], W: np.ndarray, target: float, mistakes: dict[str, float]
) -> None:
    """Compare the measured standard deviation with the formula and name a near mistake."""
    std = float(W.std())
    mean = float(W.mean())
    d_out, d_in = shape
    expect(
        abs(mean) < 0.05 * target,
        f"{name}({shape}): the values have mean {mean:.4g}; weights must be centred on 0 "
        f"(expected standard deviation {target:.4g}).",
    )
    if abs(std / target - 1) <= STD_TOL:
        return
    for label, value in mistakes.items():
        if abs(std / value - 1) <= STD_TOL:
            raise CheckError(
                f"{name}({shape}): the standard deviation is {std:.4g}, expected {target:.4g}. "
                f"It looks like {label}. For W of shape (d_out, d_in) = {shape}, "
                f"fan_in = d_in = {d_in} and fan_out = d_out = {d_out}."
            )
    raise CheckError(
        f"{name}({shape}): the standard deviation of the values is {std:.4g}, expected "
        f"{target:.4g} (fan_in = {d_in}, fan_out = {d_out}). Check the formula."
    )


def xavier_uniform(
    student_fn: Callable[..., Any],
    *,
    small: tuple[int, int] = (3, 5),
    big: tuple[int, int] = (300, 100),
    seed: int = 0,
) -> None:
    """Check ``xavier_uniform(shape, seed)``: U(-r, r) with r = sqrt(6 / (fan_in + fan_out))."""
    guard()
    name = "xavier_uniform"
    _reproducible(student_fn, small, seed, name)
    W = _draw(student_fn, big, seed + 7, f"{name}({big}, seed={seed + 7})")
    fan_out, fan_in = big
    r = float(_sqrt(6.0 / (fan_in + fan_out)))
    std = r / float(_sqrt(3.0))
    biggest = float(abs(W).max())
    if biggest > r * (1 + 1e-12):
        inside = float((abs(W) <= r).mean())
        if abs(W.std() / std - 1) <= STD_TOL and inside < 0.99:
            raise CheckError(
                f"{name}({big}): {1 - inside:.1%} of the values lie outside [-r, r] with "
                f"r = {r:.4g}, yet the spread is right: these look like draws from a normal "
                "distribution. xavier_uniform draws uniformly: rng.uniform(-r, r, size=shape)."
            )
    _spread(
        name,
        big,
        W,
        std,
        {
            "a bound that uses only fan_in (that is He's uniform bound without the 2)": float(
                _sqrt(2.0 / fan_in)
            ),
            "a bound that uses only fan_out": float(_sqrt(2.0 / fan_out)),
            "the standard deviation sqrt(2 / (fan_in + fan_out)) used as the bound r": std
            / float(_sqrt(3.0)),
            "a missing square root: r = sqrt(6 / (fan_in + fan_out))": 6.0
            / (fan_in + fan_out)
            / float(_sqrt(3.0)),
        },
    )
    expect(
        biggest <= r * (1 + 1e-12),
        f"{name}({big}): a value {biggest:.4g} lies outside [-r, r] with r = {r:.4g}.",
    )
    expect(
        biggest > 0.95 * r,
        f"{name}({big}): the values only reach {biggest:.4g}, but they should fill [-r, r] with "
        f"r = {r:.4g}.",
    )
    passed(name)


def he_normal(
    student_fn: Callable[..., Any],
    *,
    small: tuple[int, int] = (3, 5),
    big: tuple[int, int] = (100, 400),
    seed: int = 0,
) -> None:
    """Check ``he_normal(shape, seed)``: N(0, 2 / fan_in) with fan_in = shape[1]."""
    guard()
    name = "he_normal"
    _reproducible(student_fn, small, seed, name)
    W = _draw(student_fn, big, seed + 7, f"{name}({big}, seed={seed + 7})")
    fan_out, fan_in = big
    std = float(_sqrt(2.0 / fan_in))
    _spread(
        name,
        big,
        W,
        std,
        {
            "a formula that uses fan_out instead of fan_in": float(_sqrt(2.0 / fan_out)),
            "a missing factor 2 (that is LeCun's 1 / fan_in, for linear or tanh units)": float(
                _sqrt(1.0 / fan_in)
            ),
            "the variance 2 / fan_in used as the standard deviation (take its square root)": (
                2.0 / fan_in
            ),
            "Xavier's 2 / (fan_in + fan_out) instead of He's 2 / fan_in": float(
                _sqrt(2.0 / (fan_in + fan_out))
            ),
        },
    )
    tail = float((abs(W) > 2 * std).mean())  # 4.55% for a normal distribution, 0 for uniform
    expect(
        0.035 < tail < 0.058,
        f"{name}({big}): {tail:.2%} of the values lie beyond 2 standard deviations, where a normal "
        "distribution has 4.6%. These do not look like normal draws: use "
        "rng.normal(0.0, std, size=shape) or rng.standard_normal(shape) * std.",
    )
    passed(name)


# ----- exercise 3: per-layer gradient norms ------------------------------------------------------
def _linear_norms(model: Any, which: str = "grad") -> np.ndarray:
    out = []
    for layer in model.layers:
        if isinstance(layer, Linear):
            if which == "grad":
                out.append(float(np.linalg.norm(layer.grads["W"])))
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


def grad_norms(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, int, tuple[int, ...], str, int]] = (
        ("tanh, 3 Linear layers", 0, (4, 6, 5, 1), "tanh", 10),
        ("sigmoid, 4 Linear layers, 2 outputs", 1, (3, 8, 8, 8, 2), "sigmoid", 7),
        ("relu, 2 Linear layers", 2, (5, 4, 3), "relu", 12),
    ),
) -> None:
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
            f"{what}: the model's weights changed. Only measure: forward, loss, backward, and "
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
                f"{what} returned {got_arr.size} norms, expected {n_linear}: one per Linear "
                "layer (activation layers have no weights), in order from input to output."
            )
        expect_close(
            f"{what}: the list of norms",
            got,
            expected,
            mistakes={
                "the norms of the weights W, not of their gradients dL/dW": _linear_norms(
                    ref, "weight"
                ),
                "the layers listed from output to input; list them input side first": (
                    expected[::-1]
                ),
                "squared norms: take the square root, np.linalg.norm(dW)": expected**2,
                "the gradients of W and b together; measure dL/dW only": _linear_norms(ref, "both"),
                MISSING_1_OVER_N + " (use bpkit's mse, whose gradient is already divided by n)": (
                    expected * n
                ),
            },
            rtol=1e-6,
            atol=1e-12,
        )
    passed("grad_norms")


# ----- exercise 4: the depth experiment ----------------------------------------------------------
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
    expect(callable(fn), f"{what}: expected a function, got {type(fn).__name__}.")
    out = call(lambda watched=watch: fn(activation, init, seed=seed, **kw), what=what)
    expect(out is not None, f"{what} returned None: return the array of per-layer norms.")
    try:
        arr = _asarray(out, dtype=float)
    except (TypeError, ValueError) as exc:
        raise CheckError(f"{what} should return a numpy array of {depth} norms.") from exc
    expect(
        arr.shape == (depth,),
        f"{what} returned shape {arr.shape}, expected ({depth},): one norm per Linear layer. "
        f"mlp([width] * depth + [1]) has exactly depth = {depth} Linear layers.",
    )
    expect(
        bool(_isfinite(arr).all()) and bool((arr > 0).all()),
        f"{what}: every norm should be a positive, finite number; got {arr}.",
    )
    return arr


def _spread_log10(arr: np.ndarray) -> float:
    return float(_log10(arr.max() / arr.min()))


def depth_profile(
    student_fn: Callable[..., Any],
    *,
    seeds: Sequence[int] = (0, 1, 2, 3, 4, 5, 6, 7),
    band: float = 1.4,
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

    def spy(shape: Any, seed: Any = None, dtype: Any = np.float64) -> np.ndarray:
        calls.append(tuple(int(s) for s in shape))
        W = _ref_he_normal(shape, seed=seed, dtype=dtype)
        drawn.append(float(np.linalg.norm(W)))
        return W

    what = "depth_profile('relu', init, depth=4, width=8, n=16)"
    got = _profile(student_fn, "relu", spy, 0, what, [calls, drawn], depth=4, width=8, n=16)
    if len(drawn) == got.size:
        expect(
            not bool((abs(got - _asarray(drawn)) <= 1e-9 * _asarray(drawn)).all()),
            f"{what} returned the norms of the weights W, not of their gradients dL/dW: run "
            "a forward pass, the MSE loss and a backward pass, then measure (grad_norms does).",
        )
    wanted = [(8, 8)] * 3 + [(1, 8)]
    expect(
        len(calls) > 0,
        f"{what} never called init: build the net with "
        "mlp([width] * depth + [1], activation=activation, init=init, seed=seed).",
    )
    expect(
        len(calls) == 4,
        f"{what} called init {len(calls)} times, expected 4: once per Linear layer.",
    )
    expect(
        calls == wanted,
        f"{what} called init with shapes {calls}, expected {wanted}: (d_out, d_in) per layer.",
    )

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
        "depth_profile gave the same norms for 'relu' and 'sigmoid': pass the activation to "
        "mlp(..., activation=activation).",
    )
    relu_spread = sum(_spread_log10(a) for a in relu) / len(relu)
    lo = min(float(a.min()) for a in relu)
    hi = max(float(a.max()) for a in relu)
    expect(
        relu_spread < band and lo > 1e-3 and hi < 1e3,
        f"ReLU + he_normal at depth 10 should keep the gradient norms in a healthy band, but "
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
        f"sigmoid + N(0, 1) weights should make the norms spread over more than a factor "
        f"10**{band}, but your profiles span only 10**{sig_spread:.2f} on average. Are you "
        "measuring the gradients dL/dW (not the weights), after model.backward(dL)?",
    )
    boom = [
        _profile(student_fn, "relu", _n01, s, f"depth_profile('relu', N(0, 1), seed={s})")
        for s in seeds[:2]
    ]
    expect(
        all(float(_median(a)) > 1e6 for a in boom),
        "ReLU + N(0, 1) weights should explode (norms above 1e6 at depth 10), but your profile "
        "does not. Is the init passed to mlp?",
    )
    passed("depth_profile")


# ----- exercise 5: gradient clipping by the global norm -------------------------------------------
def _clip_case(seed: int, shapes: dict[str, tuple[int, ...]], scale: float):
    g = _default_rng(seed)
    return {k: scale * g.standard_normal(s) for k, s in shapes.items()}


def _global(grads: dict) -> float:
    return float(_sqrt(sum(float((a**2).sum()) for a in grads.values())))


def _flat(d: dict) -> np.ndarray:
    return _concatenate([_asarray(d[k], dtype=float).ravel() for k in sorted(d)])


def clip_by_global_norm(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, int, dict, float, float]] = (
        ("W, b, W: norm above max_norm", 0, {"0.W": (3, 2), "0.b": (3,), "2.W": (1, 3)}, 2.0, 1.0),
        ("one matrix, norm below max_norm", 1, {"W": (4, 4)}, 0.1, 5.0),
        ("two matrices, one much larger", 2, {"0.W": (2, 2), "2.W": (3, 3)}, 10.0, 3.0),
    ),
) -> None:
    """Check ``clip_by_global_norm(grads, max_norm)`` in place, and its returned norm."""
    guard()
    for name, seed, shapes, scale, max_norm in cases:
        grads = _clip_case(seed, shapes, scale)
        if name.startswith("two matrices"):
            grads["0.W"] *= 0.01  # one small array: per-array clipping would leave it alone
        original = {k: v.copy() for k, v in grads.items()}
        arrays = dict(grads)
        what = f"clip_by_global_norm, case '{name}' (max_norm={max_norm})"
        got = call(lambda g=grads, m=max_norm: student_fn(g, m), what=what)
        expect(
            all(grads[k] is arrays[k] for k in arrays),
            f"{what}: the dict now holds new arrays. Scale the arrays in place (g *= scale), so "
            "that a model holding them sees the clipped gradients.",
        )
        expected = {k: v.copy() for k, v in original.items()}
        norm = _ref_clip(expected, max_norm)
        per_array = {
            k: v * min(1.0, max_norm / float(_sqrt((v**2).sum()))) for k, v in original.items()
        }
        always = {k: v * max_norm / norm for k, v in original.items()}
        values = {k: np.clip(v, -max_norm, max_norm) for k, v in original.items()}
        sum_norms = sum(float(_sqrt((v**2).sum())) for v in original.values())
        by_sum = {k: v * min(1.0, max_norm / sum_norms) for k, v in original.items()}
        expect_close(
            f"{what}: the result of clipping",
            _flat(grads),
            _flat(expected),
            mistakes={
                "clipping each gradient separately instead of by the global norm: compute one "
                "norm over all arrays, then scale them all by the same factor": _flat(per_array),
                "a rescaling that also scales gradients already below max_norm: leave them "
                "unchanged": _flat(always),
                "clipping each entry (value clipping) instead of rescaling by the global "
                "norm": _flat(values),
                "a sum of the arrays' norms; the global norm is the square root of the sum of "
                "all squared entries": _flat(by_sum),
            },
        )
        expect_close(
            f"{what}: the returned norm",
            got,
            norm,
            mistakes={
                "the norm after clipping; return the norm before clipping": min(norm, max_norm)
            },
        )
    passed("clip_by_global_norm")
