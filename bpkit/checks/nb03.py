"""Visible checks for notebook 03 (gradient descent).

One public function per exercise; each runs named, seeded cases and names the likely mistake.
The hidden checks (``bpkit_grader.nb03``) call the same private ``_check_*`` functions with other
cases. References come from formulas (closed-form quadratic paths, eigenvalues) and from bpkit's
own model, loss and update, never from the student's code or random stream.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit import data
from bpkit.checks._answers import kind as _kind
from bpkit.checks._answers import length as _length
from bpkit.checks._core import (
    WRONG_SIGN,
    CheckError,
    call,
    expect,
    expect_close,
    expect_same_params,
    guard,
    passed,
)
from bpkit.losses import mse
from bpkit.model import mlp
from bpkit.optim import sgd_step

_type = object.__class__
_id = id


NOT_IN_PLACE = (
    "a step that was not applied in place (or not at all): the array the model holds still has "
    "its old values. `W = W - eta * dW` or `params[name] = ...` makes a new array that the model "
    "never sees; write into the existing array with `W -= eta * dW`"
)
NO_ETA = "a step without the learning rate: multiply the gradient by eta"
GD_WRONG_SIGN = f"{WRONG_SIGN} (the gradient was added instead of subtracted)"
STEP_SIZE = (
    "a step of the wrong size: the array moved by {factor:.4g} x eta * grads instead of exactly "
    "eta * grads (an extra factor such as 2, 1/2, eta or 1/n?). The step is W -= eta * dW"
)


def _step_factor(moved: np.ndarray, step: np.ndarray) -> float | None:
    """c such that ``moved == c * step`` (both arrays), or None if they are not proportional."""
    norm = float(np.vdot(step, step))
    if norm == 0.0 or moved.shape != step.shape:
        return None
    c = float(np.vdot(moved, step)) / norm
    if not np.isfinite(c) or not np.allclose(moved, c * step, rtol=1e-9, atol=1e-12):
        return None
    return c


def rotated_bowl(lams: Sequence[float], degrees: float = 0.0) -> np.ndarray:
    """A symmetric matrix with eigenvalues ``lams``, rotated in the (w_1, w_2) plane.

    lams: d eigenvalues (d >= 1); degrees: rotation angle of the first two axes.
    Returns: array of shape (d, d).
    """
    d = len(lams)
    Q = np.eye(d)
    if d >= 2:
        t = np.deg2rad(degrees)
        Q[:2, :2] = [[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]
    return Q @ np.diag(np.asarray(lams, dtype=np.float64)) @ Q.T


def random_spd(lams: Sequence[float], seed: int) -> np.ndarray:
    """A symmetric positive definite matrix with eigenvalues ``lams`` and random eigenvectors."""
    gen = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(gen.normal(size=(len(lams), len(lams))))
    return Q @ np.diag(np.asarray(lams, dtype=np.float64)) @ Q.T


def _need_function(fn: Any, name: str) -> None:
    if not callable(fn):
        raise CheckError(f"{name}: expected a function, got a {_type(fn).__name__}.")


# ----- Exercise 1: gd_step --------------------------------------------------------------------
# (name, {param name: shape} or None for an mlp's params, layer sizes for the mlp, eta, seed)
StepCase = tuple[str, dict[str, tuple[int, ...]] | None, Sequence[int], float, int]

VISIBLE_STEP: list[StepCase] = [
    ("one vector w of shape (3,), eta = 0.1", {"w": (3,)}, (), 0.1, 0),
    ("a dict with W (3, 2) and b (3,), eta = 0.5", {"W": (3, 2), "b": (3,)}, (), 0.5, 1),
    ("the named_params() of mlp([2, 4, 1]), eta = 0.05", None, (2, 4, 1), 0.05, 2),
    ("eta = 0 (nothing may change)", {"W": (2, 2), "b": (2,)}, (), 0.0, 3),
]


def _check_gd_step(fn: Callable[..., Any], cases: Sequence[StepCase]) -> None:
    guard()
    for name, shapes, sizes, eta, seed in cases:
        gen = np.random.default_rng(seed)
        what = f"gd_step on {name}"
        model = None
        if shapes is None:
            model = mlp(list(sizes), activation="tanh", seed=seed)
            params = model.named_params()
        else:
            params = {k: gen.normal(size=s) for k, s in shapes.items()}
        grads = {k: gen.normal(size=v.shape) for k, v in params.items()}
        held = dict(params)  # the array objects a model would keep
        before = {k: v.copy() for k, v in params.items()}
        grads_before = {k: v.copy() for k, v in grads.items()}

        _need_function(fn, "gd_step")
        # a closure, so that `call` does not copy the arrays: the update must land in them
        call(lambda p=params, g=grads, e=eta: fn(p, g, e), what=what)

        for k, g0 in grads_before.items():
            expect(
                np.array_equal(grads[k], g0),
                f"{what}: grads[{k!r}] was changed. The step only updates params; leave grads "
                "as they are (e.g. `W -= eta * dW`, not `dW *= eta`).",
            )
        for k, arr in held.items():
            right = before[k] - eta * grads_before[k]
            if eta != 0 and np.array_equal(arr, before[k]):
                raise CheckError(f"{what}: params[{k!r}] looks like {NOT_IN_PLACE}.")
            mistakes = {
                GD_WRONG_SIGN: before[k] + eta * grads_before[k],
                NO_ETA: before[k] - grads_before[k],
            }
            moved = np.asarray(arr, dtype=np.float64) - before[k]
            factor = _step_factor(moved, -eta * grads_before[k]) if eta != 0 else None
            if factor is not None and abs(factor - 1.0) > 1e-6:
                mistakes[STEP_SIZE.format(factor=factor)] = np.asarray(arr, dtype=np.float64)
            expect_close(
                f"{what}: params[{k!r}] after the step",
                arr,
                right,
                mistakes=mistakes,
                rtol=1e-12,
                atol=1e-14,
            )
        if model is not None:
            W0 = model.layers[0].params["W"]
            expect_close(
                f"{what}: the model's first weight matrix", W0, before["0.W"] - eta * grads["0.W"]
            )
    passed("gd_step")


def gd_step(fn: Callable[..., Any]) -> None:
    """Check gd_step(params, grads, eta) -> None (in-place update) on several cases."""
    _check_gd_step(fn, VISIBLE_STEP)


# ----- Exercise 2: gradient_descent -----------------------------------------------------------
# (name, grad_fn, w0, eta, steps)
PathCase = tuple[str, Callable[[np.ndarray], np.ndarray], Sequence[float], float, int]

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
            f"{what}: w0 was changed by your function. Work on a copy "
            "(w = np.array(w0, dtype=float)) so the caller's starting point stays as it was.",
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


def gradient_descent(fn: Callable[..., Any]) -> None:
    """Check gradient_descent(grad_fn, w0, eta, steps) -> (steps + 1, d) on several cases."""
    _check_gradient_descent(fn, VISIBLE_PATH)


# ----- Exercise 3: largest_stable_eta ---------------------------------------------------------
# (name, A)
BowlCase = tuple[str, np.ndarray]

HALF = (
    "1 / lambda_max, half the answer: that step lands on the minimum along the steepest "
    "direction in one step, but steps up to twice as long still converge (|1 - eta*lambda| < 1)"
)
SMALLEST = (
    "2 / lambda_min: the smallest eigenvalue. Stability needs |1 - eta*lambda_i| < 1 for EVERY "
    "i, and the largest lambda_i is the first to break"
)
DIAGONAL = (
    "the largest diagonal entry of A instead of its largest eigenvalue: for a rotated bowl "
    "the two differ (use np.linalg.eigvalsh(A))"
)
TRACE = "2 / trace(A): the sum of all eigenvalues, not the largest one"
INVERTED = "lambda_max / 2 instead of 2 / lambda_max"
FROBENIUS = (
    "2 / ||A|| with the Frobenius norm (np.linalg.norm(A)), which mixes all eigenvalues: use "
    "the largest eigenvalue, np.linalg.eigvalsh(A)[-1] (or the 2-norm, np.linalg.norm(A, 2))"
)
OTHER_EIGENVALUE = (
    "2 / an eigenvalue that is not the largest: np.linalg.eigvals does not sort its output "
    "(eigvalsh sorts in ascending order); take the largest, max(...)"
)
MEAN_EIGENVALUE = "2 / the mean eigenvalue: the LARGEST eigenvalue limits the step"
LAMBDA_ITSELF = "lambda_max itself, not the learning rate 2 / lambda_max"
TWICE_LAMBDA = "2 * lambda_max instead of 2 / lambda_max"
DETERMINANT = "2 / det(A): the determinant is the product of ALL eigenvalues, not the largest"
NORM_1 = (
    "2 / the largest row (or column) sum of |A| (np.linalg.norm(A, 1) or np.inf): that only "
    "bounds lambda_max from above; use the largest eigenvalue itself"
)
SQRT_LAMBDA = "2 / sqrt(lambda_max): the limit is 2 / lambda_max, no square root"
QUARTER = "1 / (2 lambda_max) instead of 2 / lambda_max"
ROUNDED = "a rounded value: return the exact number (do not round it)"


def _rounding(value: float | None, right: float) -> float | None:
    """round(right, k) for the k (1..6) that gives ``value``, if any."""
    if value is None:
        return None
    for k in range(1, 7):
        if value == round(right, k) and value != right:
            return value
    return None


VISIBLE_BOWLS: list[BowlCase] = [
    ("the 1-D bowl with curvature 4, A = [[4]]", np.array([[4.0]])),
    ("a diagonal bowl diag(1, 20)", np.diag([1.0, 20.0])),
    ("the bowl with curvatures 1 and 20 rotated by 30 degrees", rotated_bowl([1.0, 20.0], 30.0)),
    ("a 3-D bowl with eigenvalues 0.4, 2 and 7", random_spd([0.4, 2.0, 7.0], seed=3)),
]


def _run_distance(A: np.ndarray, eta: float, steps: int = 400) -> float:
    """||w_steps|| / ||w_0|| for gradient descent on 1/2 w^T A w from a generic start."""
    d = A.shape[0]
    w = np.linspace(1.0, 2.0, d) / np.sqrt(d)
    start = float(np.linalg.norm(w))
    M = np.eye(d) - eta * A
    for _ in range(steps):
        w = M @ w
        if np.linalg.norm(w) > 1e6 * start:
            break
    return float(np.linalg.norm(w)) / start


def _check_largest_stable_eta(fn: Callable[..., Any], cases: Sequence[BowlCase]) -> None:
    guard()
    for name, A in cases:
        what = f"largest_stable_eta for {name}"
        got = call(fn, A, what=what)
        lams = np.linalg.eigvalsh(A)
        right = 2.0 / lams[-1]
        hint = ""
        try:
            value = float(got)
        except (TypeError, ValueError):
            value = None
        if value is not None and np.isfinite(value) and value > 0:
            below, above = _run_distance(A, 0.98 * value), _run_distance(A, 1.02 * value)
            if below > 1.0:
                hint = (
                    f"Checked numerically: at eta = 0.98 x your value ({0.98 * value:.4g}) "
                    "gradient descent does not converge, so your value is too large."
                )
            elif above <= 1.0:
                hint = (
                    f"Checked numerically: at eta = 1.02 x your value ({1.02 * value:.4g}) "
                    "gradient descent still converges, so the true limit is larger."
                )
        diag_max = float(np.max(np.diag(A)))
        mistakes = {
            HALF: 1.0 / lams[-1],
            INVERTED: lams[-1] / 2.0,
            TRACE: 2.0 / float(np.trace(A)),
        }
        if A.shape[0] > 1:
            mistakes[SMALLEST] = 2.0 / lams[0]
        if abs(diag_max - lams[-1]) > 1e-9 * lams[-1]:
            mistakes[DIAGONAL] = 2.0 / diag_max
        mistakes[LAMBDA_ITSELF] = lams[-1]
        mistakes[TWICE_LAMBDA] = 2.0 * lams[-1]
        if A.shape[0] > 1:
            mistakes[FROBENIUS] = 2.0 / float(np.linalg.norm(A))
            mistakes[MEAN_EIGENVALUE] = 2.0 / float(np.mean(lams))
            mistakes[DETERMINANT] = 2.0 / float(np.prod(lams))
            mistakes[NORM_1] = 2.0 / float(np.abs(A).sum(axis=0).max())
        mistakes[SQRT_LAMBDA] = 2.0 / float(np.sqrt(lams[-1]))
        mistakes[QUARTER] = 1.0 / (2.0 * lams[-1])
        rounded = _rounding(value, right)
        if rounded is not None:
            mistakes[ROUNDED] = rounded
        middle = [2.0 / lam for lam in lams[1:-1]]
        if middle and value is not None:  # the one nearest the answer, if it is one of them
            mistakes[OTHER_EIGENVALUE] = min(middle, key=lambda m: abs(m - value))
        mistakes = {k: v for k, v in mistakes.items() if abs(v - right) > 1e-9 * right}
        expect_close(what, got, right, mistakes=mistakes, rtol=1e-8, atol=1e-12, hint=hint)
    passed("largest_stable_eta")


def largest_stable_eta(fn: Callable[..., Any]) -> None:
    """Check largest_stable_eta(A) -> 2 / lambda_max, by formula and by running the bowl."""
    _check_largest_stable_eta(fn, VISIBLE_BOWLS)


# ----- Exercise 4: convergence_rate -----------------------------------------------------------
# (name, A, eta)
RateCase = tuple[str, np.ndarray, float]

NO_ABS = (
    "a missing absolute value: a factor of -1.4 shrinks nothing, it flips and grows the error. "
    "Take |1 - eta*lambda_i|"
)
FASTEST = (
    "the smallest factor instead of the largest: the slowest direction decides how fast the "
    "error shrinks, so take the max over i"
)
ONLY_STEEP = (
    "only the largest eigenvalue: with a small eta the flat direction (smallest lambda) is the "
    "slow one; take the max of |1 - eta*lambda_i| over ALL eigenvalues"
)
ONLY_FLAT = (
    "only the smallest eigenvalue: with a large eta the steep direction oscillates and can "
    "dominate; take the max over ALL eigenvalues"
)
DIAG_RATE = "the diagonal of A instead of its eigenvalues (use np.linalg.eigvalsh(A))"
RATE_SIGN = f"{WRONG_SIGN}: the factor is 1 - eta*lambda, not 1 + eta*lambda"
RATE_FROBENIUS = (
    "the Frobenius norm of I - eta*A (np.linalg.norm of the matrix), which mixes all "
    "directions: take the largest |1 - eta*lambda_i| (or np.linalg.norm(I - eta*A, 2))"
)
RATE_MEAN = "the mean of |1 - eta*lambda_i|: the WORST (largest) factor decides, take the max"
RATE_NO_ONE = "max |eta*lambda_i|: the factor per step is 1 - eta*lambda_i, not eta*lambda_i"
RATE_BEST = (
    "the best possible rate (kappa - 1)/(kappa + 1), which does not depend on eta: compute "
    "max_i |1 - eta*lambda_i| for the eta you are given"
)
RATE_SQUARED = "the squared factor (1 - eta*lambda)^2: take the absolute value, not the square"
RATE_KAPPA = (
    "the condition number lambda_max / lambda_min: it decides the best possible rate, but the "
    "rate for a given eta is max_i |1 - eta*lambda_i|"
)
RATE_PRODUCT = "the product of the factors: take the largest |1 - eta*lambda_i|, not the product"

VISIBLE_RATES: list[RateCase] = [
    ("the 1-D bowl A = [[4]], eta = 0.1 (crawl)", np.array([[4.0]]), 0.1),
    ("the 1-D bowl A = [[4]], eta = 0.45 (oscillation)", np.array([[4.0]]), 0.45),
    ("a 3-D bowl with eigenvalues 0.5, 2, 7, eta = 0.4", random_spd([0.5, 2.0, 7.0], 3), 0.4),
    (
        "the rotated bowl (1, 20), eta = 0.01 (the flat direction is slow)",
        rotated_bowl([1.0, 20.0], 30.0),
        0.01,
    ),
    ("the rotated bowl (1, 20), eta = 0.12 (divergence)", rotated_bowl([1.0, 20.0], 30.0), 0.12),
    (
        "a 3-D bowl with eigenvalues 0.3, 1.7, 6.1, eta = 0.1234",
        random_spd([0.3, 1.7, 6.1], 5),
        0.1234,
    ),
]


def _check_convergence_rate(fn: Callable[..., Any], cases: Sequence[RateCase]) -> None:
    guard()
    for name, A, eta in cases:
        what = f"convergence_rate for {name}"
        got = call(fn, A, eta, what=what)
        lams = np.linalg.eigvalsh(A)
        factors = 1.0 - eta * lams
        right = float(np.max(np.abs(factors)))
        # Order matters where two mistakes give the same number: the specific one comes first.
        candidates = {
            RATE_SIGN: float(np.max(np.abs(1.0 + eta * lams))),
            NO_ABS: float(np.max(factors)),
            ONLY_STEEP: float(abs(factors[-1])),
            ONLY_FLAT: float(abs(factors[0])),
            FASTEST: float(np.min(np.abs(factors))),
            DIAG_RATE: float(np.max(np.abs(1.0 - eta * np.diag(A)))),
            RATE_FROBENIUS: float(np.linalg.norm(np.eye(len(A)) - eta * A)),
            RATE_MEAN: float(np.mean(np.abs(factors))),
            RATE_NO_ONE: float(np.max(np.abs(eta * lams))),
            RATE_BEST: float((lams[-1] - lams[0]) / (lams[-1] + lams[0])),
            RATE_SQUARED: float(np.max(factors**2)),
            RATE_KAPPA: float(lams[-1] / lams[0]),
            RATE_PRODUCT: float(np.prod(np.abs(factors))),
        }
        try:
            rounded = _rounding(float(got), right)
        except (TypeError, ValueError):
            rounded = None
        if rounded is not None:
            candidates[ROUNDED] = rounded
        mistakes = {k: v for k, v in candidates.items() if abs(v - right) > 1e-9}
        expect_close(what, got, right, mistakes=mistakes, rtol=1e-8, atol=1e-12)
    passed("convergence_rate")


def convergence_rate(fn: Callable[..., Any]) -> None:
    """Check convergence_rate(A, eta) -> max_i |1 - eta * lambda_i| on several bowls."""
    _check_convergence_rate(fn, VISIBLE_RATES)


# ----- Exercise 5: train_full_batch -----------------------------------------------------------
# (name, layer sizes, activation, n, eta, epochs, seed)
TrainCase = tuple[str, Sequence[int], str, int, float, int, int]

LOSS_AFTER = (
    "losses recorded after each update (shifted by one step): record L from the forward pass "
    "that the gradient was computed from, before the update"
)
EXTRA_1_OVER_N = (
    "an extra 1/n: bpkit's mse already returns dL/dy_hat with the 1/n of the batch mean, so "
    "pass it to model.backward as it is"
)
NO_UPDATE = (
    "weights that never change: in every iteration call model.backward(dL_dyhat) and then "
    "update with sgd_step(model.named_params(), model.named_grads(), eta)"
)
TRAIN_SIGN = (
    f"{WRONG_SIGN} (the weights moved uphill: subtract eta * gradient, and call mse(y_hat, y) "
    "with the prediction first, since it returns dL/dy_hat)"
)
BY_HAND = (
    "a missing 1/n: y_hat - y is n times dL/dy_hat. Pass the gradient that mse returns "
    "(it holds the 1/n of the batch mean) to model.backward"
)
STEP_FIRST = (
    "the update made before model.backward: each step used the gradient of the previous "
    "epoch (none at first). Per epoch: forward, mse, model.backward, then sgd_step"
)
LOSS_TIMES_N = (
    "n times the loss (a sum over the examples): record L as mse returns it, the batch mean "
    "sum((y_hat - y)**2) / (2n)"
)
LOSS_NO_HALF = (
    "twice the loss: this course's MSE has a 1/2, L = sum((y_hat - y)**2) / (2n); record L as "
    "mse returns it"
)
FACTOR_2 = (
    "an extra factor 2: this course's MSE is sum((y_hat - y)**2) / (2n), so dL/dy_hat = "
    "(y_hat - y) / n with no 2; pass the gradient that mse returns to model.backward"
)

VISIBLE_TRAIN: list[TrainCase] = [
    (
        "mlp([1, 8, 1], tanh) on regression_1d(n=32), eta = 0.3, 6 epochs",
        (1, 8, 1),
        "tanh",
        32,
        0.3,
        6,
        0,
    ),
    (
        "mlp([3, 5, 2], sigmoid) on random data (n=20), eta = 0.5, 4 epochs",
        (3, 5, 2),
        "sigmoid",
        20,
        0.5,
        4,
        1,
    ),
    ("0 epochs (no update, an empty list)", (1, 4, 1), "relu", 10, 0.1, 0, 2),
]


def _train_data(sizes: Sequence[int], n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    if sizes[0] == 1 and sizes[-1] == 1:
        return data.regression_1d(n=n, noise=0.1, seed=seed)
    gen = np.random.default_rng(seed + 100)
    return gen.normal(size=(n, sizes[0])), gen.uniform(size=(n, sizes[-1]))


def _reference_train(
    model: Any, X: np.ndarray, y: np.ndarray, eta: float, epochs: int, variant: str = ""
) -> list[float]:
    """Full-batch GD with bpkit; `variant` reproduces a common mistake."""
    losses = []
    for _ in range(epochs):
        L, dout = mse(model(X), y)
        if variant == "extra_n":
            dout = dout / X.shape[0]
        elif variant == "by_hand":
            dout = dout * X.shape[0]
        elif variant == "factor_2":
            dout = 2 * dout
        if variant == "step_first":
            sgd_step(model.named_params(), model.named_grads(), eta)
            model.backward(dout)
        elif variant != "frozen":
            model.backward(dout)
            sgd_step(model.named_params(), model.named_grads(), -eta if variant == "sign" else eta)
        if variant == "after":
            L, _ = mse(model(X), y)
        losses.append(float(L))
    return losses


def _check_train_full_batch(fn: Callable[..., Any], cases: Sequence[TrainCase]) -> None:
    guard()
    for name, sizes, act, n, eta, epochs, seed in cases:
        what = f"train_full_batch with {name}"
        X, y = _train_data(sizes, n, seed)

        def fresh_model(sizes: Sequence[int] = sizes, act: str = act, seed: int = seed) -> Any:
            return mlp(list(sizes), activation=act, seed=seed)

        model = fresh_model()
        got = call(fn, model, X, y, eta, epochs, what=what)
        ref_model = fresh_model()
        right = _reference_train(ref_model, X, y, eta, epochs)
        if got is None:
            raise CheckError(f"{what} returned None. Return the list of losses.")
        n_got = _length(got)
        if n_got is None:
            raise CheckError(f"{what} should return a list of {epochs} losses, got {_kind(got)}.")
        expect(
            n_got == epochs,
            f"{what}: expected one loss per epoch ({epochs} values), got {n_got}. Full-batch "
            "training makes exactly one update per epoch.",
        )
        variants = {
            TRAIN_SIGN: "sign",
            LOSS_AFTER: "after",
            EXTRA_1_OVER_N: "extra_n",
            NO_UPDATE: "frozen",
            BY_HAND: "by_hand",
            FACTOR_2: "factor_2",
            STEP_FIRST: "step_first",
        }
        mistakes = {LOSS_TIMES_N: n * np.asarray(right), LOSS_NO_HALF: 2 * np.asarray(right)}
        for label, variant in variants.items():
            try:
                with np.errstate(all="ignore"):
                    mistakes[label] = _reference_train(fresh_model(), X, y, eta, epochs, variant)
            except ValueError:  # the mistake diverged to inf/NaN, which mse refuses
                continue
        if epochs:
            expect_close(
                f"{what}: the list of losses",
                got,
                np.asarray(right),
                mistakes={k: np.asarray(v) for k, v in mistakes.items()},
                rtol=1e-9,
                atol=1e-12,
            )
        expect_same_params(
            what,
            model,
            ref_model,
            when="after training",
            hint="The losses were right but the final weights are not: make exactly one "
            "update per epoch, after recording the loss.",
        )
    passed("train_full_batch")


def train_full_batch(fn: Callable[..., Any]) -> None:
    """Check train_full_batch(model, X, y, eta, epochs) -> list of losses, and the weights."""
    _check_train_full_batch(fn, VISIBLE_TRAIN)


__all__ = [
    "convergence_rate",
    "gd_step",
    "gradient_descent",
    "largest_stable_eta",
    "train_full_batch",
]
