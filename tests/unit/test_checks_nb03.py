"""Notebook 03 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

import linecache
from typing import Any

import numpy as np
import pytest

from bpkit.checks import nb03 as checks
from bpkit.checks._core import CheckError
from bpkit.losses import mse
from bpkit.optim import sgd_step

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
