"""Each notebook defines its exercises once, in one table that the visible check and the outside
judge both read (``bpkit.checks.nbNN.EXERCISES``; hidden cases in ``bpkit_grader.nbNN``)."""

from __future__ import annotations

import importlib
import json
import re

import pytest
from exercises import ROOT, solution_notebook, wrong_answers

from bpkit.checks._core import EVERY_CALL
from bpkit.checks._exercise import Exercise
from bpkit_grader import judge

NOTEBOOKS = sorted(f"nb{p.name[:2]}" for p in (ROOT / "solutions").glob("[0-9][0-9]_*/*.ipynb"))
#: Answer cells whose test hands over values under another name (the capstone trains a network
#: in `train_model`; its test cell hands the weights to `final_accuracy`).
EXERCISE_OF_ANSWER = {("nb08", "train_model"): "final_accuracy"}
RECORDED = re.compile(r"hidden\.record(?:_values)?\(\s*\"(nb\d\d)\",\s*\"(\w+)\"")


def _table(nb: str):
    return importlib.import_module(f"bpkit.checks.{nb}").EXERCISES


def _recorded_in_notebook(nb: str) -> list[str]:
    cells = json.loads(solution_notebook(nb).read_text())["cells"]
    found = [RECORDED.findall("".join(c["source"])) for c in cells if c["cell_type"] == "code"]
    names = [name for hits in found for book, name in hits if book == nb]
    assert names, f"{nb} has no hidden test cells"
    return names


@pytest.mark.parametrize("nb", NOTEBOOKS)
def test_the_table_the_hidden_cases_and_the_notebook_name_the_same_exercises(nb):
    exercises = _table(nb)
    assert list(exercises) == _recorded_in_notebook(nb)
    assert list(judge.specs(nb)) == list(exercises)


@pytest.mark.parametrize("nb", NOTEBOOKS)
def test_a_notebook_calls_the_table_entry_as_its_visible_check(nb):
    module = importlib.import_module(f"bpkit.checks.{nb}")
    for name, exercise in module.EXERCISES.items():
        assert isinstance(exercise, Exercise)
        assert getattr(module, name) is exercise
        assert name in dir(module)  # tab completion offers it
        assert exercise.name == name and exercise.about.startswith(name)


@pytest.mark.parametrize("nb", NOTEBOOKS)
def test_every_exercise_names_at_least_three_distinct_mistakes(nb):
    for name, exercise in _table(nb).items():
        labels = exercise.mistakes
        assert len(labels) >= 3, name
        assert all(type(label) is str and label for label in labels), name
        assert len(set(labels)) == len(labels), f"{name} lists a mistake twice"


def _covered(expected: str, labels: tuple[str, ...]) -> bool:
    """Whether a diagnosis a test expects is one of the named mistakes (or a rule of every call,
    whose ``{name}`` stands for the argument's name in backticks)."""
    if any(expected in label for label in labels):
        return True
    general = re.sub(r"`[^`]*`", "{name}", expected)
    return any(general in rule for rule in EVERY_CALL)


@pytest.mark.parametrize("nb", NOTEBOOKS)
def test_every_diagnosis_the_wrong_answers_expect_is_a_declared_mistake(nb):
    exercises = _table(nb)
    missing = [
        (name, expected)
        for name, cases in wrong_answers(nb).items()
        for _, _, expected in cases
        if not _covered(expected, exercises[EXERCISE_OF_ANSWER.get((nb, name), name)].mistakes)
    ]
    assert missing == []


def test_an_unknown_exercise_is_named_with_the_known_ones():
    with pytest.raises(KeyError, match="no exercise 'nope' here; the exercises are loop_gradient"):
        _table("nb04")["nope"]
    with pytest.raises(AttributeError):
        importlib.import_module("bpkit.checks.nb04").nope  # noqa: B018
