"""Notebook 00 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from bpkit import functional
from bpkit.checks import _messages as messages
from bpkit.checks import nb00 as checks
from bpkit.checks._core import CheckError, call, expect_close
from bpkit_grader import judge

pytestmark = pytest.mark.nb00


def test_special_casing_the_visible_inputs_fails_the_hidden_checks():
    def cheat(a):  # right on the visible shapes only
        return a.mean(axis=0) if a.shape[0] in (4, 8, 1) else a.sum(axis=0)

    checks.batch_mean(cheat)
    verdict = judge.judge_in_process("nb00", "batch_mean", cheat)
    assert verdict is not None and "missing 1/n" in verdict, verdict


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


# ----- stability: the sigmoid is checked at |z| ~ 1e4, and a warning there fails it ------------
def test_the_sigmoid_meets_z_around_1e4_in_the_visible_and_the_hidden_cases():
    from bpkit_grader.nb00 import HIDDEN

    hidden = [z for _, z in HIDDEN["sigmoid"]["cases"]]
    assert max(float(np.abs(z).max()) for z in hidden) >= 1e4
    seen = []
    checks.sigmoid(lambda z: seen.append(np.abs(z).max()) or functional.sigmoid(z))
    assert max(seen) >= 1e4


STABLE_SIGMOIDS = {
    "log-add-exp": "def sigmoid(z):\n    return np.exp(-np.logaddexp(0, -z))\n",
    "tanh identity": "def sigmoid(z):\n    return 0.5 * (1 + np.tanh(0.5 * z))\n",
    "masks": (
        "def sigmoid(z):\n    out = np.empty_like(z, dtype=float)\n    pos = z >= 0\n"
        "    out[pos] = 1 / (1 + np.exp(-z[pos]))\n    e = np.exp(z[~pos])\n"
        "    out[~pos] = e / (1 + e)\n    return out\n"
    ),
    "clipped to +-500": "def sigmoid(z):\n    return 1 / (1 + np.exp(-np.clip(z, -500, 500)))\n",
    "a copy written in place": (
        "def sigmoid(z):\n    z = np.array(z, dtype=float)\n    e = np.exp(-np.abs(z))\n"
        "    z[z >= 0] = (1 / (1 + e))[z >= 0]\n    z[z < 0] = (e / (1 + e))[z < 0]\n    return z\n"
    ),
}


@pytest.mark.parametrize("source", STABLE_SIGMOIDS.values(), ids=list(STABLE_SIGMOIDS))
def test_stable_sigmoids_written_other_ways_pass(source, capsys):
    scope = {"np": np}
    exec(source, scope)  # noqa: S102 - a test answer
    checks.sigmoid(scope["sigmoid"])
    assert "sigmoid: all checks passed" in capsys.readouterr().out
    assert judge.judge_in_process("nb00", "sigmoid", scope["sigmoid"], source=source) is None


def test_a_global_seterr_that_hides_the_overflow_is_named():
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    previous = np.seterr(over="ignore")
    try:
        with pytest.raises(CheckError, match=r"np\.seterr\(over='ignore'\)"):
            checks.sigmoid(sigmoid)
        verdict = judge.judge_in_process("nb00", "sigmoid", sigmoid)
    finally:
        np.seterr(**previous)
    assert verdict is not None and "np.seterr(over='ignore')" in verdict, verdict


# ----- outside the stability exercise a warning costs nothing ---------------------------------
def test_a_correct_answer_that_warns_passes_with_a_note_on_stdout(capsys):
    def mse_grad(y_hat, y):
        np.log(np.zeros(1))  # a RuntimeWarning (divide by zero) that changes nothing
        return (y_hat - y) / len(y)

    checks.mse_grad(mse_grad)
    out = capsys.readouterr()
    assert "Note: mse_grad(y_hat, y) emitted RuntimeWarning" in out.out
    assert "mse_grad: all checks passed" in out.out and out.err == ""
    assert judge.judge_in_process("nb00", "mse_grad", mse_grad) is None


# ----- messages -------------------------------------------------------------------------------
def test_numpy_broadcasting_errors_are_read_for_their_shapes():
    message = (
        "f raised ValueError: operands could not be broadcast together with shapes (6,4) (4,1) ."
    )
    assert messages.broadcast_shapes(message) == [(6, 4), (4, 1)]
    assert messages.numpy_error_hint(message, {(4, 1): "b as a column"}) == "b as a column"
    assert messages.numpy_error_hint("f raised ValueError: something else.", {(4, 1): "x"}) == ""


def test_a_wrong_number_is_described_as_a_number_not_as_entries():
    def mse(y_hat, y):
        return 1.5 * float(np.sum((y - y_hat) ** 2) / (2 * len(y)))

    with pytest.raises(CheckError) as error:
        checks.mse(mse)
    assert "1.5 times the right value" in str(error.value)
    assert "entries" not in str(error.value) and "batch-size" not in str(error.value)


FOUND = {  # a diagnosis names the mistake (tests/notebooks/wrong); it also says what it found
    "keepdims": (
        "batch_mean",
        "def batch_mean(a):\n    return a.mean(axis=0, keepdims=True)\n",
        "has shape (1, 4) but should have shape (4,)",
    ),
    "errstate": (
        "sigmoid",
        "def sigmoid(z):\n"
        "    with np.errstate(over='ignore'):\n"
        "        return 1 / (1 + np.exp(-z))\n",
        "silences numpy's warnings (errstate)",
    ),
    "clipped": (
        "sigmoid",
        "def sigmoid(z):\n    return 1 / (1 + np.exp(-np.clip(z, -20, 20)))\n",
        "z clipped to about [-20, 20] before np.exp",
    ),
}


@pytest.mark.parametrize(("exercise", "source", "found"), FOUND.values(), ids=list(FOUND))
def test_a_diagnosis_says_what_it_found(exercise, source, found):
    import exercises

    fn = exercises.define(source, exercise, {"np": np})
    with pytest.raises(CheckError) as error:
        getattr(checks, exercise)(fn)
    assert found in str(error.value)
    verdict = judge.judge_in_process("nb00", exercise, fn, source=source)
    assert verdict is not None and found in verdict, verdict


# ----- every exercise fails an answer that changes its inputs in place -------------------------
def _mutating(solution):
    """The solution, then a change to the caller's first array (or list) argument."""

    def answer(*args, **kwargs):
        result = solution(*(a.copy() if isinstance(a, np.ndarray) else a for a in args), **kwargs)
        for a in args:
            if isinstance(a, np.ndarray) and a.size:
                a.flat[0] += 1.0
                break
            if isinstance(a, list):
                a.append(a[0] if a else None)
                break
        return result

    return answer


@pytest.mark.parametrize("exercise", sorted(THIEVES))
def test_an_answer_that_changes_its_input_in_place_fails_everywhere(exercise):
    import exercises

    scope = {"__name__": "__main__"}
    exec(exercises.setup_cell("nb00"), scope)  # noqa: S102 - the notebook's setup cell
    answers = exercises.answer_cells("nb00")
    for name, source in answers.items():
        scope[name] = exercises.define(source, name, scope)
    answer = _mutating(scope[exercise])
    probe = []
    try:
        getattr(checks, exercise)(lambda *a, **k: probe.append(a) or scope[exercise](*a, **k))
    except CheckError:
        pass
    if not any(isinstance(a, np.ndarray | list) for args in probe for a in args):
        pytest.skip(f"{exercise} is given no arrays or lists")
    with pytest.raises(CheckError, match="changed its input"):
        getattr(checks, exercise)(answer)
    verdict = judge.judge_in_process("nb00", exercise, answer)
    assert verdict is not None and "changed its input" in verdict, verdict
