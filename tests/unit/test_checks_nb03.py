"""Notebook 03 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

import linecache
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from bpkit.checks import nb03 as checks
from bpkit.checks._core import CheckError, call, expect_close, expect_same_params
from bpkit.losses import mse
from bpkit.model import mlp
from bpkit.optim import sgd_step
from bpkit_grader import judge

pytestmark = pytest.mark.nb03


def _define(source: str, name: str) -> Any:
    namespace: dict[str, Any] = {"np": np, "mse": mse, "sgd_step": sgd_step}
    filename = f"<answer {name} {abs(hash(source))}>"
    # like IPython, keep the cell's source findable (inspect.getsource reads linecache)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - test fixture
    return namespace[name]


def test_not_implemented_is_reported_as_such() -> None:
    def gd_step(params: dict, grads: dict, eta: float) -> None:
        raise NotImplementedError()

    with pytest.raises(CheckError, match="not implemented yet"):
        checks.gd_step(gd_step)


def test_largest_stable_eta_explains_an_unlisted_value_numerically() -> None:
    with pytest.raises(CheckError, match="still converges, so the true limit is larger"):
        checks.largest_stable_eta(lambda A: 0.5 / np.linalg.eigvalsh(A)[-1])
    with pytest.raises(CheckError, match="does not converge, so your value is too large"):
        checks.largest_stable_eta(lambda A: 3.0 / np.linalg.eigvalsh(A)[-1])


def test_gd_step_accepts_any_in_place_update() -> None:
    def gd_step(params: dict, grads: dict, eta: float) -> None:
        for name in params:
            params[name][...] = params[name] - eta * grads[name]

    checks.gd_step(gd_step)


def test_gradient_descent_accepts_a_list_of_rows() -> None:
    def gradient_descent(grad_fn: Any, w0: np.ndarray, eta: float, steps: int) -> list:
        rows = [np.array(w0, dtype=float)]
        for _ in range(steps):
            rows.append(rows[-1] - eta * grad_fn(rows[-1]))
        return [r.tolist() for r in rows]

    checks.gradient_descent(gradient_descent)


# ----- stack-frame theft: no expected value exists when the student's function runs ------------
LOOT = ("right", "expected", "ref", "true_grads", "want", "target")


def steal(fits: Callable[[Any], bool]) -> Any:
    """The first local of an outer frame named like a reference whose value ``fits``."""
    frame = sys._getframe(1)
    while frame is not None:
        found = list(frame.f_locals.items())
        for prefix in LOOT:
            for name, value in found:
                if name.startswith(prefix) and fits(value):
                    return value
        frame = frame.f_back
    return None


def shaped(shape: tuple[int, ...]) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, np.ndarray) and v.dtype.kind == "f" and v.shape == shape


def number(v: Any) -> bool:
    return isinstance(v, float | np.floating)


def _loot_or(default: Any, fits: Callable[[Any], bool]) -> Any:
    found = steal(fits)
    return default if found is None else found


def _steal_training(model: Any, n_losses: int) -> list[float]:
    """Copy a reference model's weights into ``model``; return a stolen list of losses."""
    ref = steal(lambda v: v is not model and hasattr(v, "named_params"))
    if ref is not None:
        for key, value in ref.named_params().items():
            model.named_params()[key][...] = value
    losses = steal(lambda v: type(v) is list and len(v) == n_losses and all(map(number, v)))
    return [0.0] * n_losses if losses is None else losses


def _steal_step(params: dict, grads: dict, eta: float) -> None:
    for arr in params.values():
        loot = steal(shaped(arr.shape))
        if loot is not None:
            arr[...] = loot


THIEVES: dict[str, Callable[..., Any]] = {
    "gd_step": _steal_step,
    "gradient_descent": lambda grad_fn, w0, eta, steps: _loot_or(
        np.zeros((steps + 1, len(w0))), shaped((steps + 1, len(w0)))
    ),
    "largest_stable_eta": lambda A: _loot_or(0.0, number),
    "convergence_rate": lambda A, eta: _loot_or(0.0, number),
    "train_full_batch": lambda model, X, y, eta, epochs: _steal_training(model, epochs),
}


def test_the_thief_would_find_a_reference_computed_before_the_call() -> None:
    def leaky(fn: Any) -> None:
        right = [0.5, 0.25]
        model = mlp([1, 2, 1], seed=0)
        ref_model = mlp([1, 2, 1], seed=1)
        got = call(fn, model, np.ones((3, 1)), np.ones((3, 1)), 0.1, 2, what="train_full_batch")
        expect_close("losses", got, np.asarray(right))
        expect_same_params("train", model, ref_model, when="after training", hint="")

    leaky(THIEVES["train_full_batch"])


@pytest.mark.parametrize("exercise", sorted(THIEVES))
def test_a_thief_reading_the_checks_frames_is_rejected(exercise: str) -> None:
    verdict = judge.judge_in_process("nb03", exercise, THIEVES[exercise])
    assert verdict is not None, f"{exercise}: the outside judge accepted a frame thief"


# ----- mistakes named beyond the shared wrong answers ------------------------------------------
def test_a_hard_coded_learning_rate_is_named() -> None:
    def gradient_descent(grad_fn: Any, w0: np.ndarray, eta: float, steps: int) -> np.ndarray:
        w = np.array(w0, dtype=float)
        path = [w]
        for _ in range(steps):
            w = w - 0.1 * grad_fn(w)
            path.append(w)
        return np.array(path)

    with pytest.raises(CheckError, match=r"a learning rate of 0\.1 instead of the eta = 0\.15"):
        checks.gradient_descent(gradient_descent)


def test_the_determinant_does_not_pass_for_the_largest_eigenvalue() -> None:
    """Every visible bowl once had det(A) == lambda_max; the 3-D bowl now tells them apart."""
    with pytest.raises(CheckError, match=r"2 / det\(A\)"):
        checks.largest_stable_eta(lambda A: 2.0 / np.linalg.det(A))


def test_a_rounded_rate_is_named_as_rounded() -> None:
    with pytest.raises(CheckError, match="a rounded value"):
        checks.convergence_rate(
            lambda A, eta: round(float(np.max(np.abs(1 - eta * np.linalg.eigvalsh(A)))), 3)
        )
