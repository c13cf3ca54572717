"""The notebook 02 checks accept the solutions and name the mistake in known-wrong answers.

The reference answers are the solution cells of ``solutions/02_backpropagation``; the wrong answers
are the ones the notebook harness substitutes (``tests/notebooks/wrong/nb02.py``). Both visible
and hidden checks are run, without a kernel.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

import bpkit_grader.nb02 as hidden
from bpkit.checks import nb02 as checks
from bpkit.checks._core import CheckError

pytestmark = pytest.mark.nb02

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "solutions" / "02_backpropagation" / "02_backpropagation.ipynb"
EXERCISES = [
    "linear_forward",
    "linear_backward",
    "activation_prime",
    "mse_output_delta",
    "softmax_ce_delta",
    "mlp_backward",
]


def _load_wrong() -> dict[str, list[tuple[str, str, str]]]:
    spec = importlib.util.spec_from_file_location(
        "wrong_nb02", ROOT / "tests/notebooks/wrong/nb02.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG


def _cells_by_grade_id() -> dict[str, str]:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and "grade_id" in meta and not meta.get("grade"):
            cells[meta["grade_id"]] = cell.source
    return cells


CELLS = _cells_by_grade_id()
SETUP = CELLS.pop("setup")
ANSWERS = CELLS
WRONG = _load_wrong()


def _define(source: str, name: str):
    """Run the notebook's setup cell, then `source`, as a kernel would; return `name`."""
    ns: dict = {"__name__": "__main__"}
    exec(compile(SETUP, "<setup>", "exec"), ns)
    exec(compile(source, f"<{name}>", "exec"), ns)
    return ns[name]


def test_every_exercise_has_an_answer_cell_and_three_wrong_answers():
    assert sorted(ANSWERS) == sorted(EXERCISES)
    for name in EXERCISES:
        assert len(WRONG[name]) >= 3, name


@pytest.mark.parametrize("name", EXERCISES)
def test_solution_passes_visible_and_hidden(name, capsys):
    fn = _define(ANSWERS[name], name)
    getattr(checks, name)(fn)
    getattr(hidden, name)(fn)
    out = capsys.readouterr()
    assert out.out.count(f"{name}: all checks passed") == 2
    assert out.err == ""


@pytest.mark.parametrize(
    ("name", "label", "source", "expected"),
    [(name, *case) for name, cases in WRONG.items() for case in cases],
    ids=[f"{name}-{case[0]}" for name, cases in WRONG.items() for case in cases],
)
def test_wrong_answer_is_rejected_with_its_diagnosis(name, label, source, expected):
    fn = _define(source, name)
    with pytest.raises(CheckError) as visible:
        getattr(checks, name)(fn)
    assert expected in str(visible.value), f"{label}: {visible.value}"
    with pytest.raises(AssertionError):  # the hidden checks raise a fresh copy's CheckError
        getattr(hidden, name)(fn)


def test_unimplemented_answer_says_so():
    def mlp_backward(X, y, W2, cache):
        raise NotImplementedError()

    with pytest.raises(CheckError, match="not implemented yet"):
        checks.mlp_backward(mlp_backward)


def test_wrong_keys_and_missing_return_are_named():
    with pytest.raises(CheckError, match="no key"):
        checks.mlp_backward(lambda X, y, W2, cache: {"W1": 0})
    with pytest.raises(CheckError, match="returned None"):
        checks.linear_backward(lambda delta, a_prev, W: None)
    with pytest.raises(CheckError, match=r"\(dW, db, da_prev\)"):
        checks.linear_backward(lambda delta, a_prev, W: delta.T @ a_prev)


def test_the_per_example_convention_matches_bpkit_layers():
    """delta / n is what bpkit's Linear receives; the checks' references rely on it."""
    import numpy as np

    from bpkit.layers import Linear

    rng = np.random.default_rng(0)
    layer = Linear(3, 2, seed=0)
    a_prev, delta = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    layer.forward(a_prev)
    d_prev = layer.backward(delta / 6)
    np.testing.assert_allclose(layer.grads["W"], delta.T @ a_prev / 6)
    np.testing.assert_allclose(layer.grads["b"], delta.mean(axis=0))
    np.testing.assert_allclose(d_prev * 6, delta @ layer.params["W"])
