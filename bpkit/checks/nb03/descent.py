"""nb03: Exercise 2: gradient_descent."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._answers import need_function as _need_function
from bpkit.checks._core import (
    call,
    expect,
    expect_close,
    guard,
    passed,
)
from bpkit.checks.nb03._common import GD_WRONG_SIGN, _type, rotated_bowl

# ----- Exercise 2: gradient_descent -----------------------------------------------------------
# (name, grad_fn, w0, eta, steps)
PathCase = tuple[str, Callable[[np.ndarray], np.ndarray], Sequence[float], float, int]

W0_CHANGED = (
    "w0 was changed by your function. Work on a copy (w = np.array(w0, dtype=float)) so the "
    "caller's starting point stays as it was"
)
AT_START = (
    "the gradient always taken at the starting point w0: evaluate grad_fn at the current w in "
    "every step"
)
ALIASED = (
    "every row being the same array: you appended w and then changed it in place, so all rows "
    "show the last point. Append a copy (w.copy()) or build a new array (w = w - eta * g)"
)
NO_START = "the starting point missing: row 0 must be w0 itself, so k steps give k + 1 rows"
ONE_SHORT = "one step too few: run `steps` updates and keep w0 as row 0 (steps + 1 rows)"
ONE_EXTRA = "one step too many: run exactly `steps` updates (range(steps)), so steps + 1 rows"
LAST_ONLY = (
    "only the final point: return every point visited, one row per point, "
    "np.array(path) of shape (steps + 1, d)"
)
PATH_T = "the path transposed: one ROW per point visited, shape (steps + 1, d), not (d, steps + 1)"
OTHER_ETA = (
    "a learning rate of {eta:.4g} instead of the eta = {given:g} passed in (a hard-coded value, "
    "or an extra factor?): step with w - eta * grad_fn(w), using the eta argument"
)


def _fitted_eta(got: Any, grad_fn: Callable, w0: np.ndarray) -> float | None:
    """The learning rate that the first step of a returned path used, if it is a plain step."""
    if not (isinstance(got, np.ndarray) or _type(got) is _type([])):
        return None
    try:
        path = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if path.ndim != 2 or path.shape[0] < 2 or path.shape[1] != w0.size:
        return None
    g0 = grad_fn(w0.copy())
    norm = float(g0 @ g0)
    fitted = -float((path[1] - w0) @ g0) / norm if norm else float("nan")
    return fitted if np.isfinite(fitted) and fitted > 0 else None


class _Linear:
    """grad_fn(w) = A @ w, the gradient of the bowl 1/2 w^T A w (a picklable callable)."""

    def __init__(self, A: np.ndarray) -> None:
        self.A = np.array(A, dtype=np.float64)

    def __call__(self, w: np.ndarray) -> np.ndarray:
        return self.A @ np.asarray(w, dtype=np.float64)


def _cubic(w: np.ndarray) -> np.ndarray:
    """Gradient of L(w) = sum(w**4) / 4."""
    w = np.asarray(w, dtype=np.float64)
    return w * w * w


# An input of the hidden cases (``bpkit_grader.nb03``), which the kernel unpickles: it lives here
# so that the kernel can import it. Inputs are not secret; the expected values are.
def _quartic_mix(w: np.ndarray) -> np.ndarray:
    """Gradient of L(w) = sum(w**4)/4 + w_0 * w_1 (two coordinates coupled)."""
    w = np.asarray(w, dtype=np.float64)
    g = w**3
    g[0] += w[1]
    g[1] += w[0]
    return g


def _reference_path(
    grad_fn: Callable,
    w0: np.ndarray,
    eta: float,
    steps: int,
    sign: float = 1.0,
    at_start: bool = False,
) -> np.ndarray:
    w = np.array(w0, dtype=np.float64)
    g0 = grad_fn(w.copy())
    rows = [w]
    for _ in range(steps):
        w = w - sign * eta * (g0 if at_start else grad_fn(w.copy()))
        rows.append(w)
    return np.array(rows)


VISIBLE_PATH: list[PathCase] = [
    ("the 1-D bowl L = 2 w^2 from w0 = [1.5], eta = 0.1, 5 steps", _Linear([[4.0]]), [1.5], 0.1, 5),
    (
        "a 2-D bowl with curvatures 1 and 10, eta = 0.15, 8 steps",
        _Linear(rotated_bowl([1.0, 10.0], 30.0)),
        [-2.0, 1.0],
        0.15,
        8,
    ),
    (
        "L = sum(w^4)/4 (not a quadratic) from [1, -0.5, 2], eta = 0.05, 6 steps",
        _cubic,
        [1.0, -0.5, 2.0],
        0.05,
        6,
    ),
    ("0 steps (just w0)", _Linear([[1.0, 0.0], [0.0, 3.0]]), [1.0, 1.0], 0.1, 0),
]


def _check_gradient_descent(fn: Callable[..., Any], cases: Sequence[PathCase]) -> None:
    guard()
    for name, grad_fn, w0_list, eta, steps in cases:
        what = f"gradient_descent on {name}"
        w0 = np.array(w0_list, dtype=np.float64)
        w0_before = w0.copy()
        _need_function(fn, "gradient_descent")
        # a closure, so that `call` does not copy w0 and a change to it can be seen
        got = call(lambda g=grad_fn, w=w0, e=eta, s=steps: fn(g, w, e, s), what=what)
        expect(
            np.array_equal(w0, w0_before),
            f"{what}: {W0_CHANGED}.",
        )
        right = _reference_path(grad_fn, w0_before, eta, steps)
        mistakes = {
            GD_WRONG_SIGN: _reference_path(grad_fn, w0_before, eta, steps, sign=-1.0),
            AT_START: _reference_path(grad_fn, w0_before, eta, steps, at_start=True),
            ALIASED: np.tile(right[-1], (steps + 1, 1)),
            NO_START: right[1:],
            ONE_SHORT: right[:-1],
            ONE_EXTRA: _reference_path(grad_fn, w0_before, eta, steps + 1),
            LAST_ONLY: right[-1],
            PATH_T: right.T,
        }
        if steps < 2:
            del mistakes[AT_START]  # identical to the right answer for 0 or 1 step
        if steps == 0:
            del mistakes[ALIASED]
        if right.shape[0] == right.shape[1]:
            del mistakes[PATH_T]  # the same shape: a transposed path is just wrong values
        fitted = _fitted_eta(got, grad_fn, w0_before)
        if fitted is not None and abs(fitted - eta) > 1e-9 * eta:
            with np.errstate(all="ignore"):
                mistakes[OTHER_ETA.format(eta=fitted, given=eta)] = _reference_path(
                    grad_fn, w0_before, fitted, steps
                )
        expect_close(
            f"{what}: the returned path (shape (steps + 1, d))",
            got,
            right,
            mistakes=mistakes,
            rtol=1e-10,
            atol=1e-12,
        )
    passed("gradient_descent")
