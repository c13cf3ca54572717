"""The notebook 03 checks accept the solutions and reject known-wrong answers with their message.

The reference answers are read from the solution notebook's answer cells, so these tests also
guard the notebook. Each wrong answer from ``tests/notebooks/wrong/nb03.py`` must fail the
visible check with its expected diagnostic, and the hidden check too.
"""

from __future__ import annotations

import importlib.util
import json
import linecache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import bpkit_grader.nb03 as hidden
from bpkit.checks import nb03 as checks
from bpkit.checks._core import CheckError
from bpkit.losses import mse
from bpkit.optim import sgd_step

pytestmark = pytest.mark.nb03

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("wrong_nb03", ROOT / "tests/notebooks/wrong/nb03.py")
_wrong = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_wrong)
WRONG = _wrong.WRONG
NOTEBOOK = ROOT / "solutions" / "03_gradient_descent" / "03_gradient_descent.ipynb"
EXERCISES = [
    "gd_step",
    "gradient_descent",
    "largest_stable_eta",
    "convergence_rate",
    "train_full_batch",
]


def _answers() -> dict[str, str]:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    out = {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and meta.get("solution"):
            out[meta["grade_id"]] = "".join(cell["source"])
    return out


def _define(source: str, name: str) -> Any:
    namespace: dict[str, Any] = {"np": np, "mse": mse, "sgd_step": sgd_step}
    filename = f"<answer {name} {abs(hash(source))}>"
    # like IPython, keep the cell's source findable (inspect.getsource reads linecache)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - test fixture
    return namespace[name]


ANSWERS = _answers()


def test_every_exercise_has_an_answer_cell_and_wrong_answers() -> None:
    assert sorted(ANSWERS) == sorted(EXERCISES)
    assert sorted(WRONG) == sorted(EXERCISES)
    for name, variants in WRONG.items():
        assert len(variants) >= 3, name


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_passes_visible_and_hidden(name: str, capsys: pytest.CaptureFixture) -> None:
    fn = _define(ANSWERS[name], name)
    getattr(checks, name)(fn)
    getattr(hidden, name)(fn)
    out = capsys.readouterr()
    assert f"{name}: all checks passed" in out.out
    assert out.err == ""


CASES = [
    pytest.param(name, source, expected, id=f"{name}-{label}")
    for name, variants in WRONG.items()
    for label, source, expected in variants
]


@pytest.mark.parametrize(("name", "source", "expected"), CASES)
def test_wrong_answer_is_rejected_with_its_diagnosis(name: str, source: str, expected: str) -> None:
    fn = _define(source, name)
    with pytest.raises(CheckError) as visible:
        getattr(checks, name)(fn)
    assert expected in str(visible.value)
    with pytest.raises(AssertionError):  # the hidden checks raise their fresh copy's CheckError
        getattr(hidden, name)(fn)


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
