"""Notebook 06 checks: the solutions pass, and known-wrong answers fail with their diagnosis.

The reference answers come from the answer cells of the solution notebook, and the wrong ones
from ``tests/notebooks/wrong/nb06.py``; each wrong answer must fail the visible check with its
expected message, and the hidden check as well.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import bpkit_grader.nb06 as hidden
from bpkit.checks import nb06 as checks
from bpkit.checks._core import CheckError
from bpkit.layers import Linear
from bpkit.losses import mse
from bpkit.model import mlp

pytestmark = pytest.mark.nb06

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = (
    ROOT
    / "solutions"
    / "06_vanishing_and_exploding_gradients"
    / "06_vanishing_and_exploding_gradients.ipynb"
)
EXERCISES = ["xavier_uniform", "he_normal", "grad_norms", "depth_profile", "clip_by_global_norm"]


def _load_wrong() -> dict[str, list[tuple[str, str, str]]]:
    spec = importlib.util.spec_from_file_location(
        "wrong_nb06", ROOT / "tests/notebooks/wrong/nb06.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG


def _answer_cells() -> dict[str, str]:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return {
        c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code" and c.get("metadata", {}).get("nbgrader", {}).get("solution")
    }


def _define(source: str, name: str) -> Any:
    namespace: dict[str, Any] = {"np": np, "mse": mse, "mlp": mlp, "Linear": Linear}
    exec(compile(ANSWERS["grad_norms"], "<answer grad_norms>", "exec"), namespace)  # noqa: S102
    exec(compile(source, f"<answer {name}>", "exec"), namespace)  # noqa: S102 - test fixture
    return namespace[name]


WRONG = _load_wrong()
ANSWERS = _answer_cells()


def test_each_exercise_has_an_answer_cell_and_three_wrong_answers() -> None:
    assert sorted(ANSWERS) == sorted(EXERCISES)
    assert sorted(WRONG) == sorted(EXERCISES)
    assert all(len(v) >= 3 for v in WRONG.values())


@pytest.mark.parametrize("name", EXERCISES)
def test_solution_passes_visible_and_hidden(name: str, capsys: pytest.CaptureFixture) -> None:
    fn = _define(ANSWERS[name], name)
    getattr(checks, name)(fn)
    getattr(hidden, name)(fn)
    out = capsys.readouterr()
    assert out.out.count(f"{name}: all checks passed") == 2
    assert out.err == ""


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        pytest.param(name, src, expected, id=f"{name}-{label}")
        for name, variants in WRONG.items()
        for label, src, expected in variants
    ],
)
def test_wrong_answer_fails_with_its_diagnosis(name: str, source: str, expected: str) -> None:
    fn = _define(source, name)
    with pytest.raises(CheckError) as visible:
        getattr(checks, name)(fn)
    assert expected in str(visible.value)
    with pytest.raises(AssertionError):  # the fresh copy raises its own CheckError class
        getattr(hidden, name)(fn)


def test_unimplemented_answer_is_reported_as_not_implemented() -> None:
    def he_normal(shape: tuple[int, int], seed: Any = None) -> np.ndarray:
        raise NotImplementedError()

    with pytest.raises(CheckError, match="not implemented yet"):
        checks.he_normal(he_normal)


def test_bpkit_reference_implementations_pass() -> None:
    from bpkit import init, optim

    checks.xavier_uniform(init.xavier_uniform)
    checks.he_normal(init.he_normal)
    checks.clip_by_global_norm(optim.clip_grad_norm)


def test_xavier_normal_is_not_accepted_as_xavier_uniform() -> None:
    from bpkit import init

    with pytest.raises(CheckError, match="normal distribution"):
        checks.xavier_uniform(init.xavier_normal)
