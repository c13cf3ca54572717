"""nb06: exercises 1 and 2: initializers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bpkit.checks._core import (
    CheckError,
    call,
    expect,
    expect_shape,
    guard,
    passed,
)
from bpkit.checks.nb06._common import _asarray, _isfinite, _sqrt

# ----- exercises 1 and 2: initializers ------------------------------------------------------------
STD_TOL = 0.03  # relative tolerance on a standard deviation measured over >= 30,000 numbers

NOT_FLOAT64 = "return float64 numbers"
NOT_FINITE = "contains NaN or inf values"
NOT_REPRODUCIBLE = "gave different numbers on two calls"
SEED_IGNORED = "it ignores its seed"
CONSTANT = "returned a constant array"
NOT_CENTRED = "weights must be centred on 0"
MEAN_FIRST = "rng.normal takes the mean first"
# which fans a wrong formula reads, told by two more draws
FAN_NONE = "a scale that does not depend on the shape"
FAN_IN_ONLY = "a formula that uses only fan_in and ignores fan_out"
FAN_OUT_ONLY = "a formula that uses only fan_out and ignores fan_in"
FAN_OUT_NOT_IN = "a formula that uses fan_out instead of fan_in"
FAN_OUT_TOO = "a formula that uses fan_out too"
FACTOR_OFF = "the right fans with a constant factor off"

# xavier_uniform
NORMAL_NOT_UNIFORM = "these look like draws from a normal distribution"
HE_BOUND = (
    "a bound that uses only fan_in: r = sqrt(6 / fan_in) is He's uniform bound (for "
    "ReLU); Xavier's r = sqrt(6 / (fan_in + fan_out)) uses fan_out too"
)
BOUND_FAN_OUT_ONLY = "a bound that uses only fan_out and ignores fan_in"
STD_AS_BOUND = "the standard deviation sqrt(2 / (fan_in + fan_out)) used as the bound r"
NO_ROOT = "a missing square root: r = sqrt(6 / (fan_in + fan_out))"
ROOT_OF_6 = "the square root taken of the 6 only: r = sqrt(6 / (fan_in + fan_out))"
PRODUCT = "a product fan_in * fan_out where the formula has a sum"
HALF_BOUND = (
    "a bound of r / 2: rng.random() - 0.5 lies in [-0.5, 0.5), so scale it by 2 r "
    "(or use rng.uniform(-r, r))"
)
BOUND_AS_STD = (
    "normal draws with the bound r as their standard deviation; draw uniformly, "
    "rng.uniform(-r, r, size=shape)"
)
PRECEDENCE = (
    "an operator-precedence slip: 6 / fan_in + fan_out means (6 / fan_in) + fan_out; "
    "write 6 / (fan_in + fan_out)"
)
OUTSIDE = "lies outside [-r, r]"
NOT_FILLED = "they should fill [-r, r]"

# he_normal
NO_FACTOR_2 = "a missing factor 2 (that is LeCun's 1 / fan_in, for linear or tanh units)"
VARIANCE_AS_STD = "the variance 2 / fan_in used as the standard deviation (take its square root)"
XAVIER_NOT_HE = "Xavier's 2 / (fan_in + fan_out) instead of He's 2 / fan_in"
ROOT_OF_FAN_IN = (
    "the square root taken of fan_in only: the standard deviation is sqrt(2 / fan_in), "
    "not 2 / sqrt(fan_in)"
)
ROOT_OF_2 = (
    "the square root taken of the 2 only: the standard deviation is sqrt(2 / fan_in), "
    "not sqrt(2) / fan_in"
)
NOT_NORMAL = "These do not look like normal draws"

# small: the shape drawn to test the seed; big: the shape whose spread is measured
VISIBLE_XAVIER = {"small": (3, 5), "big": (300, 100), "seed": 0}
VISIBLE_HE = {"small": (3, 5), "big": (100, 400), "seed": 0}


def _draw(fn: Callable[..., Any], shape: tuple[int, int], seed: int, what: str) -> np.ndarray:
    out = call(fn, shape, seed=seed, what=what)
    expect_shape(what, out, shape, hint="W has shape (d_out, d_in) = shape; use it as given.")
    out = _asarray(out)
    expect(
        out.dtype == np.float64,
        f"{what} has dtype {out.dtype}; {NOT_FLOAT64}.",
    )
    expect(bool(_isfinite(out).all()), f"{what} {NOT_FINITE}.")
    return out


def _reproducible(fn: Callable[..., Any], shape: tuple[int, int], seed: int, name: str) -> None:
    a = _draw(fn, shape, seed, f"{name}({shape}, seed={seed})")
    b = _draw(fn, shape, seed, f"{name}({shape}, seed={seed}), called again")
    expect(
        bool((a == b).all()),
        f"{name}({shape}, seed={seed}) {NOT_REPRODUCIBLE}: draw them from "
        "rng = np.random.default_rng(seed), not from the global np.random functions.",
    )
    c = _draw(fn, shape, seed + 1, f"{name}({shape}, seed={seed + 1})")
    expect(
        not bool((a == c).all()),
        f"{name} gave the same numbers for seed={seed} and seed={seed + 1}: {SEED_IGNORED}.",
    )
    expect(
        float(a.std()) > 0,
        f"{name}({shape}) {CONSTANT}; the weights must be random to break the "
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
            f"{name}({shape}): the values have mean {mean:.4g}; {NOT_CENTRED} "
            f"(expected standard deviation {target:.4g})."
            + (
                " These look like draws with mean std and standard deviation 1, as "
                f"rng.normal(std, size=shape) makes: {MEAN_FIRST}, so write "
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
            return f"{FAN_NONE}: {uses}{seen}"
        if reads_in and not reads_out and needs_out:
            return f"{FAN_IN_ONLY}: {uses}{seen}"
        if reads_out and not reads_in:
            if needs_out:
                return f"{FAN_OUT_ONLY}: {uses}{seen}"
            return f"{FAN_OUT_NOT_IN}: {uses}{seen}"
        if reads_out and not needs_out:
            return f"{FAN_OUT_TOO}: {uses}{seen}"
        right = _same_spread(s_in / std, ideal(d_in, d_in) / ideal(d_in, d_out)) and (
            _same_spread(s_out / std, ideal(d_out, d_out) / ideal(d_in, d_out))
        )
        if right:
            factor = std / ideal(d_in, d_out)
            return f"{FACTOR_OFF}: every spread is {factor:.3g} times the right one; {uses}"
        return ""

    return diagnose


def _check_xavier_uniform(
    student_fn: Callable[..., Any], *, small: tuple[int, int], big: tuple[int, int], seed: int
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
                f"r = {r:.4g}, yet the spread is right: {NORMAL_NOT_UNIFORM}. "
                "xavier_uniform draws uniformly: rng.uniform(-r, r, size=shape)."
            )
    root3 = float(_sqrt(3.0))
    _spread(
        name,
        big,
        W,
        std,
        {
            HE_BOUND: float(_sqrt(2.0 / fan_in)),
            BOUND_FAN_OUT_ONLY: float(_sqrt(2.0 / fan_out)),
            STD_AS_BOUND: std / root3,
            NO_ROOT: 6.0 / (fan_in + fan_out) / root3,
            ROOT_OF_6: float(_sqrt(6.0)) / (fan_in + fan_out) / root3,
            PRODUCT: float(_sqrt(6.0 / (fan_in * fan_out))) / root3,
            HALF_BOUND: std / 2,
            BOUND_AS_STD: r,
            PRECEDENCE: float(_sqrt(6.0 / fan_in + fan_out)) / root3,
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
        f"{name}({big}): a value {biggest:.4g} {OUTSIDE} with r = {r:.4g}.",
    )
    expect(
        biggest > 0.95 * r,
        f"{name}({big}): the values only reach {biggest:.4g}, but {NOT_FILLED} with r = {r:.4g}.",
    )
    passed(name)


def _check_he_normal(
    student_fn: Callable[..., Any], *, small: tuple[int, int], big: tuple[int, int], seed: int
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
            FAN_OUT_NOT_IN: float(_sqrt(2.0 / fan_out)),
            NO_FACTOR_2: float(_sqrt(1.0 / fan_in)),
            VARIANCE_AS_STD: 2.0 / fan_in,
            XAVIER_NOT_HE: float(_sqrt(2.0 / (fan_in + fan_out))),
            ROOT_OF_FAN_IN: 2.0 / float(_sqrt(fan_in)),
            ROOT_OF_2: float(_sqrt(2.0)) / fan_in,
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
        f"distribution has 4.6%. {NOT_NORMAL}: use "
        "rng.normal(0.0, std, size=shape) or rng.standard_normal(shape) * std.",
    )
    passed(name)
