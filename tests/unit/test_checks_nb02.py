"""Notebook 02 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.checks import nb02 as checks
from bpkit.checks._core import CheckError
from bpkit_grader import judge

pytestmark = pytest.mark.nb02


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
    from bpkit.layers import Linear

    rng = np.random.default_rng(0)
    layer = Linear(3, 2, seed=0)
    a_prev, delta = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    layer.forward(a_prev)
    d_prev = layer.backward(delta / 6)
    np.testing.assert_allclose(layer.grads["W"], delta.T @ a_prev / 6)
    np.testing.assert_allclose(layer.grads["b"], delta.mean(axis=0))
    np.testing.assert_allclose(d_prev * 6, delta @ layer.params["W"])


# ----- stability: softmax_ce_delta is checked at |z| ~ 1e4, and a warning there fails it ------
def test_the_softmax_meets_logits_around_1e4_in_the_visible_and_the_hidden_cases():
    from bpkit_grader.nb02 import HIDDEN

    visible = checks.EXERCISES["softmax_ce_delta"].visible
    assert max(case[-1] for case in visible["cases"]) >= 1e4
    assert max(case[-1] for case in HIDDEN["softmax_ce_delta"]["cases"]) >= 1e4


def _define(source: str):
    from bpkit import functional, losses
    from bpkit.data import one_hot

    scope = {"np": np, "F": functional, "one_hot": one_hot, "losses": losses}
    exec(source, scope)  # noqa: S102 - a test answer
    return next(
        v for k, v in scope.items() if k not in ("np", "F", "one_hot", "losses", "__builtins__")
    )


STABLE_DELTAS = {
    "eye": "def softmax_ce_delta(z, y):\n    return F.softmax(z) - np.eye(z.shape[1])[y]\n",
    "indexing": (
        "def softmax_ce_delta(z, y):\n    p = F.softmax(z)\n    p[np.arange(len(y)), y] -= 1\n"
        "    return p\n"
    ),
    "own shift on a copy": (
        "def softmax_ce_delta(z, y):\n    s = z - z.max(axis=1, keepdims=True)\n    e = np.exp(s)\n"
        "    return e / e.sum(axis=1, keepdims=True) - one_hot(y, z.shape[1])\n"
    ),
    "log-sum-exp": (
        "def softmax_ce_delta(z, y):\n    m = z.max(axis=1, keepdims=True)\n"
        "    lse = m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))\n"
        "    return np.exp(z - lse) - one_hot(y, k=z.shape[1])\n"
    ),
    "bpkit's loss gradient": (
        "def softmax_ce_delta(z, y):\n    return losses.softmax_cross_entropy(z, y)[1] * len(z)\n"
    ),
}


@pytest.mark.parametrize("source", STABLE_DELTAS.values(), ids=list(STABLE_DELTAS))
def test_stable_softmax_deltas_written_other_ways_pass(source):
    fn = _define(source)
    checks.softmax_ce_delta(fn)
    assert judge.judge_in_process("nb02", "softmax_ce_delta", fn, source=source) is None


def test_activation_prime_is_not_a_stability_exercise_a_warning_costs_nothing(capsys):
    source = (
        "def activation_prime(z, kind):\n"
        "    if kind == 'sigmoid':\n        s = 1 / (1 + np.exp(-z))\n        return s * (1 - s)\n"
        "    if kind == 'tanh':\n        return 1 - F.tanh(z) ** 2\n"
        "    if kind == 'relu':\n        return (z > 0).astype(float)\n"
        "    raise ValueError(kind)\n"
    )
    fn = _define(source)
    checks.activation_prime(fn)
    out = capsys.readouterr()
    assert "emitted RuntimeWarning: overflow encountered in exp" in out.out and out.err == ""
    assert judge.judge_in_process("nb02", "activation_prime", fn, source=source) is None


# ----- one gradient-check threshold in the prose of notebooks 00 and 02 -------------------------
def test_notebooks_00_and_02_state_the_same_gradient_check_threshold():
    import json
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "solutions"
    found = set()
    for path in (
        root / "00_welcome/00_welcome.ipynb",
        root / "02_backpropagation/02_backpropagation.ipynb",
    ):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        stated = set(
            re.findall(r"error` below \$10\^\{(-\d+)\}\$|error below \$10\^\{(-\d+)\}\$", text)
        )
        found |= {a or b for a, b in stated}
    assert found == {"-6"}, found


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


EXERCISES = [
    "linear_forward",
    "linear_backward",
    "activation_prime",
    "mse_output_delta",
    "softmax_ce_delta",
    "mlp_backward",
]


@pytest.mark.parametrize("exercise", EXERCISES)
def test_an_answer_that_changes_its_input_in_place_fails_everywhere(exercise):
    import exercises

    scope = {"__name__": "__main__"}
    exec(exercises.setup_cell("nb02"), scope)  # noqa: S102 - the notebook's setup cell
    answers = exercises.answer_cells("nb02")
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
    verdict = judge.judge_in_process("nb02", exercise, answer)
    assert verdict is not None and "changed its input" in verdict, verdict


def test_an_underflow_warning_setting_does_not_fail_a_stable_answer():
    source = STABLE_DELTAS["own shift on a copy"]
    fn = _define(source)
    previous = np.seterr(under="warn")  # e^-10000 underflows; that is not an overflow
    try:
        checks.softmax_ce_delta(fn)
        verdict = judge.judge_in_process("nb02", "softmax_ce_delta", fn, source=source)
    finally:
        np.seterr(**previous)
    assert verdict is None, verdict
