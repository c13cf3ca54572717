"""Visible checks for notebook 06: vanishing and exploding gradients.

One function per exercise, each running named, seeded cases. Initializers are checked
statistically (shape, reproducibility, mean, spread and distribution over a large matrix), so any
correct way of drawing the numbers passes; a wrong spread is named from a list of formulas, or
else by which fans it reads (two more draws, of shapes that share fan_in or fan_out with the
first). Gradient norms and clipping are compared with bpkit's reference; the depth experiment is
checked by the properties it must show, and its first, spied-on run is compared with the exact
results of a few named mistakes.

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
    name: str,
    shape: tuple[int, int],
    W: np.ndarray,
    target: float,
    mistakes: dict[str, float],
    fans: Callable[[float], str],
) -> None:
    """Compare the measured standard deviation with the formula and name a near mistake.

    mistakes: {label: the standard deviation that mistake gives}; fans(std): the diagnosis of
    which fans the formula reads (it draws more matrices, so it runs only on failure).
    """
    std = float(W.std())
    mean = float(W.mean())
    d_out, d_in = shape
    if abs(mean) >= 0.05 * max(target, std):  # far beyond the noise of a mean of 30,000 draws
        swapped = abs(mean / target - 1) < 0.2 and abs(std - 1) < 0.05  # normal(std, size)
        raise CheckError(
            f"{name}({shape}): the values have mean {mean:.4g}; weights must be centred on 0 "
            f"(expected standard deviation {target:.4g})."
            + (
                " These look like draws with mean std and standard deviation 1, as "
                "rng.normal(std, size=shape) makes: rng.normal takes the mean first, so write "
                "rng.normal(0.0, std, size=shape)."
                if swapped
                else " Draw from a range symmetric around 0: rng.uniform(-r, r, size=shape) or "
                "rng.normal(0.0, std, size=shape)."
            )
        )
    if _same_spread(std, target):
        return
    head = f"{name}({shape}): the standard deviation is {std:.4g}, expected {target:.4g}."
    fan_text = (
        f"For W of shape (d_out, d_in) = {shape}, fan_in = d_in = {d_in} and "
        f"fan_out = d_out = {d_out}."
    )
    label = next((text for text, value in mistakes.items() if _same_spread(std, value)), "")
    label = label or fans(std)
    if label:
        raise CheckError(f"{head} It looks like {label}. {fan_text}")
    raise CheckError(f"{head} {fan_text} Check the formula.")


def _same_spread(a: float, b: float) -> bool:
    return abs(a / b - 1) <= STD_TOL


def _fan_diagnosis(
    fn: Callable[..., Any],
    name: str,
    shape: tuple[int, int],
    seed: int,
    ideal: Callable[[int, int], float],
    uses: str,
) -> Callable[[float], str]:
    """Which fans a wrong formula reads, told by two more draws.

    The square shapes (d_in, d_in) and (d_out, d_out) share fan_in, resp. fan_out, with
    ``shape``: if the spread does not move when only fan_out changes, the formula ignores
    fan_out, and so on. ``ideal(fan_in, fan_out)`` is the right standard deviation and ``uses``
    the right formula in words.
    """
    d_out, d_in = shape

    def diagnose(std: float) -> str:
        same_in, same_out = (d_in, d_in), (d_out, d_out)
        s_in = float(_draw(fn, same_in, seed, f"{name}({same_in}, seed={seed})").std())
        s_out = float(_draw(fn, same_out, seed, f"{name}({same_out}, seed={seed})").std())
        reads_out = not _same_spread(s_in, std)  # only fan_out differs between the two
        reads_in = not _same_spread(s_out, std)  # only fan_in differs
        needs_out = not _same_spread(ideal(d_in, d_in), ideal(d_in, d_out))
        seen = (
            f" (shapes {shape}, {same_in} and {same_out} gave standard deviations {std:.3g}, "
            f"{s_in:.3g} and {s_out:.3g})"
        )
        if not reads_in and not reads_out:
            return f"a scale that does not depend on the shape: {uses}{seen}"
        if reads_in and not reads_out and needs_out:
            return f"a formula that uses only fan_in and ignores fan_out: {uses}{seen}"
        if reads_out and not reads_in:
            if needs_out:
                return f"a formula that uses only fan_out and ignores fan_in: {uses}{seen}"
            return f"a formula that uses fan_out instead of fan_in: {uses}{seen}"
        if reads_out and not needs_out:
            return f"a formula that uses fan_out too: {uses}{seen}"
        right = _same_spread(s_in / std, ideal(d_in, d_in) / ideal(d_in, d_out)) and (
            _same_spread(s_out / std, ideal(d_out, d_out) / ideal(d_in, d_out))
        )
        if right:
            factor = std / ideal(d_in, d_out)
            return (
                f"the right fans with a constant factor off: every spread is {factor:.3g} times "
                f"the right one; {uses}"
            )
        return ""

    return diagnose


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
    root3 = float(_sqrt(3.0))
    _spread(
        name,
        big,
        W,
        std,
        {
            "a bound that uses only fan_in: r = sqrt(6 / fan_in) is He's uniform bound (for "
            "ReLU); Xavier's r = sqrt(6 / (fan_in + fan_out)) uses fan_out too": float(
                _sqrt(2.0 / fan_in)
            ),
            "a bound that uses only fan_out and ignores fan_in": float(_sqrt(2.0 / fan_out)),
            "the standard deviation sqrt(2 / (fan_in + fan_out)) used as the bound r": std / root3,
            "a missing square root: r = sqrt(6 / (fan_in + fan_out))": 6.0
            / (fan_in + fan_out)
            / root3,
            "the square root taken of the 6 only: r = sqrt(6 / (fan_in + fan_out))": float(
                _sqrt(6.0)
            )
            / (fan_in + fan_out)
            / root3,
            "a product fan_in * fan_out where the formula has a sum": float(
                _sqrt(6.0 / (fan_in * fan_out))
            )
            / root3,
            "a bound of r / 2: rng.random() - 0.5 lies in [-0.5, 0.5), so scale it by 2 r "
            "(or use rng.uniform(-r, r))": std / 2,
            "normal draws with the bound r as their standard deviation; draw uniformly, "
            "rng.uniform(-r, r, size=shape)": r,
            "an operator-precedence slip: 6 / fan_in + fan_out means (6 / fan_in) + fan_out; "
            "write 6 / (fan_in + fan_out)": float(_sqrt(6.0 / fan_in + fan_out)) / root3,
        },
        _fan_diagnosis(
            student_fn,
            name,
            big,
            seed + 8,
            lambda i, o: float(_sqrt(2.0 / (i + o))),
            "Xavier's bound r = sqrt(6 / (fan_in + fan_out)) uses both",
        ),
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
            "the square root taken of fan_in only: the standard deviation is sqrt(2 / fan_in), "
            "not 2 / sqrt(fan_in)": 2.0 / float(_sqrt(fan_in)),
            "the square root taken of the 2 only: the standard deviation is sqrt(2 / fan_in), "
            "not sqrt(2) / fan_in": float(_sqrt(2.0)) / fan_in,
        },
        _fan_diagnosis(
            student_fn,
            name,
            big,
            seed + 8,
            lambda i, o: float(_sqrt(2.0 / i)),
            "He's standard deviation sqrt(2 / fan_in) uses fan_in only",
        ),
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
                "all zeros: the gradients were read before model.backward(dL) filled them": (
                    0.0 * expected
                ),
                "the spectral norm (the largest singular value, np.linalg.norm(dW, 2)); the "
                "course measures the Frobenius norm, np.linalg.norm(dW) with no second "
                "argument": _linear_norms(ref, norm="spectral"),
                "the matrix 1-norm (largest column sum, np.linalg.norm(dW, 1)); use the "
                "Frobenius norm, np.linalg.norm(dW)": _linear_norms(ref, norm="max column sum"),
                "the matrix inf-norm (largest row sum, np.linalg.norm(dW, np.inf)); use the "
                "Frobenius norm, np.linalg.norm(dW)": _linear_norms(ref, norm="max row sum"),
                "the largest entry |dW| instead of the Frobenius norm sqrt(sum of dW**2)": (
                    _linear_norms(ref, norm="largest entry")
                ),
                "the sum of |dW| instead of the Frobenius norm sqrt(sum of dW**2)": _linear_norms(
                    ref, norm="sum of |entries|"
                ),
                "the mean of |dW| instead of the Frobenius norm sqrt(sum of dW**2)": (
                    _linear_norms(ref, norm="mean of |entries|")
                ),
                "the root mean square of dW, sqrt(mean(dW**2)); the Frobenius norm sums the "
                "squares, sqrt(sum(dW**2))": _linear_norms(ref, norm="rms"),
                "the norm divided by the number of entries; the Frobenius norm is "
                "sqrt(sum(dW**2)), with no division": _linear_norms(ref, norm="per entry"),
                "a loss gradient 2 (y_hat - y) / n, twice bpkit's: the MSE here is "
                "sum((y_hat - y)**2) / (2n), so use bpkit's mse": 2 * expected,
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
        bool((arr != 0).any()),
        f"{what}: every norm is 0: the gradients were read before a backward pass filled them. "
        "Run the forward pass, the MSE loss and model.backward(dL), then measure.",
    )
    expect(
        bool(_isfinite(arr).all()) and bool((arr > 0).all()),
        f"{what}: every norm should be a positive, finite number; got {arr}.",
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
        f"{MISSING_1_OVER_N}: the gradient of the loss must be that of bpkit's mse, "
        "(y_hat - y) / n (your grad_norms does it right)": right * 16,
        "a batch of 256 examples whatever n is: draw X of shape (n, width) and y of shape "
        "(n, 1)": _reference_profile("relu", 0, depth=4, width=8, n=256),
        "a batch of width examples instead of n: draw X of shape (n, width)": (
            _reference_profile("relu", 0, depth=4, width=8, n=8)
        ),
        "the layers listed from output to input; list them input side first": right[::-1],
    }
    label = next((k for k, v in mistakes.items() if _close_norms(got, v)), None)
    expect(label is None, f"{what} looks like {label}.")


def _close_norms(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool((abs(a - b) <= 1e-9 * abs(b) + 1e-300).all())


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
    again = _profile(student_fn, "relu", _ref_he_normal, 0, f"{what}, called again", **small)
    expect(
        bool((again == got).all()),
        f"{what} gave different norms on two calls with the same seed: pass seed=seed to mlp "
        "and draw X and y from np.random.default_rng(seed), so that a seed fixes the weights "
        "and the data.",
    )
    what_1 = "depth_profile('relu', init, depth=4, width=8, n=16, seed=1)"
    _profile(student_fn, "relu", spy_1, 1, what_1, [drawn_1], **small)
    expect(
        drawn_1 != drawn,
        f"{what_1} built the same weights as with seed=0: the network ignores the seed. Pass "
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
        "depth_profile gave the same norms for 'relu' and 'sigmoid': pass the activation to "
        "mlp(..., activation=activation).",
    )
    expect(
        not bool((relu[0] == relu[1]).all()),
        f"depth_profile gave the same norms for seed={seeds[0]} and seed={seeds[1]}: it ignores "
        "its seed. Pass seed=seed to mlp and draw the data from np.random.default_rng(seed).",
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
        squared = {k: v * min(1.0, max_norm / norm**2) for k, v in original.items()}
        upside_down = {
            k: v * (norm / max_norm if norm > max_norm else 1.0) for k, v in original.items()
        }
        last = float(_sqrt((list(original.values())[-1] ** 2).sum()))
        by_last = {k: v * min(1.0, max_norm / last) for k, v in original.items()}
        rms = norm / float(_sqrt(sum(v.size for v in original.values())))
        by_rms = {k: v * min(1.0, max_norm / rms) for k, v in original.items()}
        root_sum = float(_sqrt(sum_norms))
        by_root_sum = {k: v * min(1.0, max_norm / root_sum) for k, v in original.items()}
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
                "gradients that were not changed at all: `g = g * factor` only makes the name "
                "g point to a new array; scale the array itself, g *= factor": _flat(original),
                "the factor upside down: multiply by max_norm / norm, which is below 1": _flat(
                    upside_down
                ),
                "the squared global norm used for clipping (take the square root of the sum "
                "of squares)": _flat(squared),
                "the norm of the last array only, not of all arrays together (is the norm "
                "overwritten inside a loop?)": _flat(by_last),
                "the square root of a sum of the arrays' norms; the global norm is the square "
                "root of the sum of all squared entries": _flat(by_root_sum),
                "the root mean square of the entries; the global norm is the square root of "
                "their sum of squares, not of their mean": _flat(by_rms),
            },
            rtol=1e-5,  # a safety epsilon, max_norm / (norm + 1e-6), is fine
        )
        expect_close(
            f"{what}: the returned norm",
            got,
            norm,
            mistakes={
                "the norm after clipping; return the norm before clipping": min(norm, max_norm),
                "the scaling factor; return the global norm before clipping": min(
                    1.0, max_norm / norm
                ),
                "the squared global norm; return its square root": norm**2,
            },
            rtol=1e-5,
        )
    passed("clip_by_global_norm")
