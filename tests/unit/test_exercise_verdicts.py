"""Every exercise of every notebook: the solution passes, each known-wrong answer is named.

Runs without a kernel. The answers execute in the namespace a kernel would have: the notebook's
setup cell, then the answer cells in order (so an exercise may call an earlier one). Notebook
cells that are neither setup nor answers are not run, so an exercise that needs one (the
capstone's training run) is tested by the notebook tier instead.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from exercises import (
    ROOT,
    answer_cells,
    assert_passes,
    assert_rejected,
    define,
    setup_cell,
    wrong_answers,
)

# every source notebook (solutions/NN_topic/NN_topic.ipynb), each with its wrong-answer table
NOTEBOOKS = sorted(f"nb{p.name[:2]}" for p in (ROOT / "solutions").glob("[0-9][0-9]_*/*.ipynb"))
NEEDS_THE_NOTEBOOK = {("nb08", "train_model")}


@cache
def _namespace(nb: str) -> dict[str, Any]:
    scope: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(setup_cell(nb), f"<{nb} setup>", "exec"), scope)  # noqa: S102
    for name, source in answer_cells(nb).items():
        if (nb, name) not in NEEDS_THE_NOTEBOOK:
            scope[name] = define(source, name, scope)
    return scope


def _cases(kind: str) -> list[Any]:
    out = []
    for nb in NOTEBOOKS:
        marks = [getattr(pytest.mark, nb)]
        if kind == "solution":
            names = [n for n in answer_cells(nb) if (nb, n) not in NEEDS_THE_NOTEBOOK]
            out += [pytest.param(nb, n, id=f"{nb}-{n}", marks=marks) for n in names]
        else:
            for name, cases in wrong_answers(nb).items():
                if (nb, name) in NEEDS_THE_NOTEBOOK:
                    continue
                out += [
                    pytest.param(nb, name, *case, id=f"{nb}-{name}-{case[0]}", marks=marks)
                    for case in cases
                ]
    return out


@pytest.mark.parametrize("nb", NOTEBOOKS)
def test_every_exercise_has_three_wrong_answers(nb):
    answers, wrong = answer_cells(nb), wrong_answers(nb)
    assert sorted(wrong) == sorted(answers)
    assert all(len(cases) >= 3 for cases in wrong.values()), {k: len(v) for k, v in wrong.items()}


@pytest.mark.parametrize(("nb", "name"), _cases("solution"))
def test_solution_passes_visible_and_hidden_checks(nb, name, capsys):
    capsys.readouterr()
    assert_passes(nb, name, _namespace(nb)[name], answer_cells(nb)[name], capsys)


@pytest.mark.parametrize(("nb", "name", "label", "source", "expected"), _cases("wrong"))
def test_wrong_answer_is_rejected_with_its_diagnosis(nb, name, label, source, expected):
    fn = define(source, name, _namespace(nb))
    assert_rejected(nb, name, fn, source, label, expected)
