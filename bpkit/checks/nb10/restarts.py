"""nb10: exercise 4: random restarts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import call, expect, expect_close, guard, passed
from bpkit.checks.nb10._common import _asarray, _default_rng, _stir_global_rng


# ----- exercise 4: random restarts ------------------------------------------------------------
def _wells(w: Any, tilt: tuple[float, ...]) -> Any:
    """A sum of tilted double wells, one per coordinate: 2**d minima of different depths."""
    w = _asarray(w, dtype=float)
    return ((w * w - 1.0) ** 2 + _asarray(tilt) * w).sum(axis=-1)


def _wells_grad(w: Any, tilt: tuple[float, ...]) -> Any:
    w = _asarray(w, dtype=float)
    return 4.0 * w * (w * w - 1.0) + _asarray(tilt)


RestartCase = tuple[str, tuple[float, ...], float, float, int, float, int, int]

LAST = "the last restart's end point, not the best: keep the one with the lowest f"
WORST = "the restart with the highest f: the best is the lowest loss (argmin)"
NO_DESCENT = (
    "the best starting point, not the end of its descent: run `steps` gradient steps "
    "from every start, then compare the end points"
)
BEST_START = (
    "one descent from the best starting point: a start's value does not tell which "
    "basin ends lowest; descend from every start, then compare"
)
SAME_START = (
    "the same start for every restart, or only the first restart kept (a generator "
    "re-created inside the loop?): create rng = np.random.default_rng(seed) once, draw "
    "all starts from it, and keep the end point with the lowest f"
)
NOT_REPRODUCIBLE = "a second call with the same seed returned another point"


def _descend(start, tilt, eta, steps):
    w = start.copy()
    for _ in range(steps):
        w = w - eta * _wells_grad(w, tilt)
    return w


def _replay_restarts(tilt, low, high, n_starts, eta, steps, seed, variant=""):
    d = len(tilt)
    lo, hi = np.full(d, low), np.full(d, high)
    starts = _default_rng(seed).uniform(lo, hi, size=(n_starts, d))
    if variant == "same_start":
        starts = np.repeat(starts[:1], n_starts, axis=0)
    if variant == "best_start":
        starts = starts[[int(_wells(starts, tilt).argmin())]]
    ends = np.array([_descend(s, tilt, eta, steps) for s in starts])
    values = _wells(ends, tilt)
    if variant == "no_descent":
        ends, values = starts, _wells(starts, tilt)
    pick = {"last": len(ends) - 1, "worst": int(values.argmax())}.get(variant, int(values.argmin()))
    return ends[pick], float(values[pick])


RESTART_CASES: tuple[RestartCase, ...] = (
    ("2-D, 6 restarts in [-2, 2]^2", (0.3, 0.5), -2.0, 2.0, 6, 0.02, 20, 6),
    ("3-D, 10 restarts in [-1.5, 1.5]^3", (0.4, -0.25, 0.6), -1.5, 1.5, 10, 0.02, 25, 2),
)


def _check_random_restarts(student_fn: Callable[..., Any], *, cases: Sequence[RestartCase]) -> None:
    """Check ``random_restarts(f, grad, low, high, n_starts, eta, steps, seed)``.

    Starts ``rng.uniform(low, high, size=(n_starts, d))`` from ``rng = default_rng(seed)``;
    ``steps`` gradient steps from each; returns ``(w_best, f_best)`` of the lowest end point.
    """
    guard()
    for name, tilt, low, high, n_starts, eta, steps, seed in cases:
        d = len(tilt)
        what = (
            f"random_restarts(f, grad, low, high, n_starts={n_starts}, eta={eta}, "
            f"steps={steps}, seed={seed}), case '{name}'"
        )
        lo, hi = np.full(d, low), np.full(d, high)
        got = _run_restarts(student_fn, tilt, lo, hi, n_starts, eta, steps, seed, what)
        expect(
            isinstance(got, tuple | list) and len(got) == 2,
            f"{what} should return a pair (w_best, f_best), got {type(got).__name__}.",
        )
        w_best, f_best = got
        _compare_restarts(what, w_best, tilt, low, high, n_starts, eta, steps, seed)
        expect_close(
            f"{what}: f_best",
            f_best,
            float(_wells(_asarray(w_best, dtype=float), tilt)),
            hint="Return f_best = f(w_best), the value at the point you return.",
        )
        again = _run_restarts(student_fn, tilt, lo, hi, n_starts, eta, steps, seed, what)
        expect(
            isinstance(again, tuple | list) and len(again) == 2
            and _asarray(again[0]).shape == (d,)
            and bool((_asarray(again[0], dtype=float) == _asarray(w_best, dtype=float)).all()),
            f"{what}: {NOT_REPRODUCIBLE}. Draw the "
            "starts from rng = np.random.default_rng(seed), once per call.",
        )  # fmt: skip
    passed("random_restarts")


def _run_restarts(student_fn, tilt, lo, hi, n_starts, eta, steps, seed, what) -> Any:
    def f(w: Any) -> Any:
        return _wells(w, tilt)

    def grad(w: Any) -> Any:
        return _wells_grad(w, tilt)

    _stir_global_rng()
    return call(
        lambda lo, hi: student_fn(f, grad, lo, hi, n_starts, eta, steps, seed),
        lo,
        hi,
        what=what,
    )


def _compare_restarts(what, w_best, tilt, low, high, n_starts, eta, steps, seed) -> None:
    ref_w, _ = _replay_restarts(tilt, low, high, n_starts, eta, steps, seed)
    labels = (
        (LAST, "last"),
        (WORST, "worst"),
        (NO_DESCENT, "no_descent"),
        (BEST_START, "best_start"),
        (SAME_START, "same_start"),
    )
    expect_close(
        f"{what}: w_best",
        w_best,
        ref_w,
        mistakes={
            label: _replay_restarts(tilt, low, high, n_starts, eta, steps, seed, variant)[0]
            for label, variant in labels
        },
        rtol=1e-7,
        atol=1e-9,
        hint="Draw starts = rng.uniform(low, high, size=(n_starts, d)) with "
        "rng = np.random.default_rng(seed), run w <- w - eta * grad(w) `steps` times from each, "
        "and return the end point with the lowest f.",
    )
