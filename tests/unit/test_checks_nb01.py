"""The notebook 01 checks accept the solutions and name the mistake in known-wrong answers.

The reference answers are the solution cells of ``solutions/01_chain_rule``; the wrong answers
are the ones the notebook harness substitutes (``tests/notebooks/wrong/nb01.py``). Both visible
and hidden checks are run, without a kernel.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

import bpkit_grader.nb01 as hidden
from bpkit.checks import nb01 as checks
from bpkit.checks._core import CheckError

pytestmark = pytest.mark.nb01

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "solutions" / "01_chain_rule" / "01_chain_rule.ipynb"
EXERCISES = [
    "chain_derivative",
    "central_difference",
    "local_derivatives",
    "topological_order",
    "backward",
]


def _load_wrong() -> dict[str, list[tuple[str, str, str]]]:
    spec = importlib.util.spec_from_file_location(
        "wrong_nb01", ROOT / "tests/notebooks/wrong/nb01.py"
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
    def chain_derivative(fs, dfs, x):
        raise NotImplementedError()

    with pytest.raises(CheckError, match="not implemented yet"):
        checks.chain_derivative(chain_derivative)


def test_backward_check_does_not_use_the_notebooks_local_grads():
    """A correct backward passes even when the notebook's own table would be wrong."""
    from bpkit import autodiff

    def backward(root, local_grads):
        order = autodiff.topological_order(root)
        for node in order:
            node.grad = 0.0
        root.grad = 1.0
        for node in reversed(order):
            for child, local in local_grads(node):
                child.grad += local * node.grad

    checks.backward(backward)


@pytest.mark.parametrize("name_build", checks.VISIBLE_GRAPHS, ids=lambda case: case[0][:30])
def test_reference_table_reproduces_bpkit_backward(name_build):
    """The checks' local-derivative table and Value.backward() agree on every visible graph."""
    from bpkit import autodiff

    root = name_build[1]()
    order = autodiff.topological_order(root)
    root.backward()
    expected = [node.grad for node in order]
    assert checks._simulate(root, order, "") == pytest.approx(expected, rel=1e-12, abs=1e-14)
