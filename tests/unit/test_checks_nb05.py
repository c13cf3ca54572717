"""Notebook 05 checks: the solutions pass, and known-wrong answers fail with their diagnosis.

The reference answers come from the answer cells of the solution notebook, and the wrong ones
from ``tests/notebooks/wrong/nb05.py``; each wrong answer must fail the visible check with its
expected message, and the hidden check as well.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import bpkit_grader.nb05 as hidden
from bpkit.checks import nb05 as checks
from bpkit.checks._core import CheckError
from bpkit.losses import get_loss

pytestmark = pytest.mark.nb05

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "solutions" / "05_sgd_and_minibatches" / "05_sgd_and_minibatches.ipynb"
EXERCISES = ["minibatch_stream", "sgd", "gradient_noise", "momentum_step", "step_schedule"]


def _load_wrong() -> dict[str, list[tuple[str, str, str]]]:
    spec = importlib.util.spec_from_file_location(
        "wrong_nb05", ROOT / "tests/notebooks/wrong/nb05.py"
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
    namespace: dict[str, Any] = {"np": np, "get_loss": get_loss}
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


def test_unimplemented_generator_is_reported_as_not_implemented() -> None:
    def minibatch_stream(n: int, batch_size: int, epochs: int, seed: Any = None) -> Any:
        raise NotImplementedError()

    with pytest.raises(CheckError, match="not implemented yet"):
        checks.minibatch_stream(minibatch_stream)


def test_a_stream_built_on_bpkit_minibatches_passes() -> None:
    from bpkit.train import minibatches

    def minibatch_stream(n: int, batch_size: int, epochs: int, seed: Any = None) -> Any:
        rng = np.random.default_rng(seed)
        for epoch in range(epochs):
            for idx in minibatches(n, batch_size, rng):
                yield epoch, idx

    checks.minibatch_stream(minibatch_stream)


def test_a_stream_reseeded_with_seed_plus_epoch_passes() -> None:
    """Reproducible and different every epoch, though drawn differently: accepted."""

    def minibatch_stream(n: int, batch_size: int, epochs: int, seed: Any = None) -> Any:
        for epoch in range(epochs):
            order = np.random.default_rng([seed, epoch]).permutation(n)
            for start in range(0, n, batch_size):
                yield epoch, order[start : start + batch_size]

    checks.minibatch_stream(minibatch_stream)


def test_bpkit_reference_implementations_pass() -> None:
    from bpkit import optim

    checks.momentum_step(optim.momentum_step)
    checks.step_schedule(optim.step_schedule)
