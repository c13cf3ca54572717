"""Notebook 00 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from bpkit.checks import nb00 as checks
from bpkit.checks._core import call, expect_close
from bpkit_grader import judge

pytestmark = pytest.mark.nb00


def test_special_casing_the_visible_inputs_fails_the_hidden_checks():
    def cheat(a):  # right on the visible shapes only
        return a.mean(axis=0) if a.shape[0] in (4, 8, 1) else a.sum(axis=0)

    checks.batch_mean(cheat)
    verdict = judge.judge_in_process("nb00", "batch_mean", cheat)
    assert verdict is not None and "missing 1/n" in verdict, verdict


# ----- the hidden cases reach the kernel as inputs it can unpickle without bpkit_grader ---------
UNPICKLE_WITHOUT_GRADER = """
import pickle, sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "bpkit_grader":
            raise ImportError(name)

sys.meta_path.insert(0, Block())
table = pickle.loads(sys.stdin.buffer.read())
print(" ".join(sorted(table["specs"])))
"""


def test_hidden_cases_unpickle_where_bpkit_grader_cannot_be_imported(tmp_path):
    payload = judge.cases_payload("nb00")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [sys.executable, "-c", UNPICKLE_WITHOUT_GRADER],
        input=payload,
        capture_output=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    assert out.stdout.decode().split() == sorted(pickle.loads(payload)["specs"])


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


THIEVES: dict[str, Callable[..., Any]] = {
    "linear_forward": lambda a_prev, W, b: _loot_or(
        np.zeros((a_prev.shape[0], W.shape[0])), shaped((a_prev.shape[0], W.shape[0]))
    ),
    "batch_mean": lambda a: _loot_or(np.zeros(a.shape[1]), shaped((a.shape[1],))),
    "sigmoid": lambda z: _loot_or(np.full(z.shape, 0.5), shaped(z.shape)),
    "mse": lambda y_hat, y: _loot_or(0.0, number),
    "mse_grad": lambda y_hat, y: _loot_or(np.zeros(y.shape), shaped(y.shape)),
}


def test_the_thief_would_find_a_reference_computed_before_the_call():
    def leaky(fn):
        right = np.arange(6.0).reshape(2, 3)
        got = call(fn, np.ones((2, 4)), np.ones((3, 4)), np.zeros(3), what="linear_forward")
        expect_close("linear_forward", got, right)

    leaky(THIEVES["linear_forward"])


@pytest.mark.parametrize("exercise", sorted(THIEVES))
def test_a_thief_reading_the_checks_frames_is_rejected(exercise):
    verdict = judge.judge_in_process("nb00", exercise, THIEVES[exercise])
    assert verdict is not None, f"{exercise}: the outside judge accepted a frame thief"
