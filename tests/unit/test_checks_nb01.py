"""Notebook 01 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from bpkit.checks import nb01 as checks
from bpkit.checks._core import CheckError, call, expect_close
from bpkit.checks.nb01.graphs import VISIBLE_GRAPHS
from bpkit.checks.nb01.propagation import _simulate
from bpkit_grader import judge

pytestmark = pytest.mark.nb01


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


@pytest.mark.parametrize("name_build", VISIBLE_GRAPHS, ids=lambda case: case[0][:30])
def test_reference_table_reproduces_bpkit_backward(name_build):
    """The checks' local-derivative table and Value.backward() agree on every visible graph."""
    from bpkit import autodiff

    root = name_build[1]()
    order = autodiff.topological_order(root)
    root.backward()
    expected = [node.grad for node in order]
    assert _simulate(root, order, "") == pytest.approx(expected, rel=1e-12, abs=1e-14)


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


def number(v: Any) -> bool:
    return isinstance(v, float | np.floating)


def _loot_or(default: Any, fits: Callable[[Any], bool]) -> Any:
    found = steal(fits)
    return default if found is None else found


def _steal_grads(root, local_grads):
    """Write a stolen array of expected grads into the graph (in the check's topological order)."""
    from bpkit import autodiff

    order = autodiff.topological_order(root)
    loot = steal(lambda v: isinstance(v, np.ndarray) and v.shape == (len(order),))
    for node in order:
        node.grad = 0.0
    if loot is not None:
        for node, grad in zip(order, loot, strict=True):
            node.grad = float(grad)


def _steal_local(op, inputs, out):
    def fits(v):
        return type(v) in (tuple, list) and len(v) == len(inputs) and all(map(number, v))

    return _loot_or((0.0,) * len(inputs), fits)


THIEVES: dict[str, Callable[..., Any]] = {
    "chain_derivative": lambda fs, dfs, x: _loot_or(0.0, number),
    "central_difference": lambda f, x, h=1e-5: _loot_or(0.0, number),
    "local_derivatives": _steal_local,
    "topological_order": lambda root: _loot_or([], lambda v: type(v) is list),
    "backward": _steal_grads,
}


def test_the_thief_would_find_grads_computed_before_the_call():
    from bpkit import autodiff

    def leaky(fn):
        root = checks.graph_neuron()
        order = autodiff.topological_order(root)
        root.backward()
        right = np.array([n.grad for n in order])
        call(fn, root, checks.reference_local_grads, what="backward")
        expect_close("grads", np.array([n.grad for n in order]), right)

    leaky(THIEVES["backward"])


@pytest.mark.parametrize("exercise", sorted(THIEVES))
def test_a_thief_reading_the_checks_frames_is_rejected(exercise):
    verdict = judge.judge_in_process("nb01", exercise, THIEVES[exercise])
    assert verdict is not None, f"{exercise}: the outside judge accepted a frame thief"


# ----- a number is described as a number; the operator-precedence slip is named ---------------
def test_slash_2_times_h_is_named_as_operator_precedence():
    def central_difference(f, x, h=1e-5):
        return (f(x + h) - f(x - h)) / 2 * h

    with pytest.raises(CheckError) as error:
        checks.central_difference(central_difference)
    message = str(error.value)
    assert "Python reads `/ 2*h` left to right" in message and "Write / (2*h)" in message
    assert "entries" not in message and "batch-size" not in message
    verdict = judge.judge_in_process("nb01", "central_difference", central_difference)
    assert verdict is not None and "Python reads `/ 2*h`" in verdict


def test_an_unnamed_wrong_number_gets_a_message_for_one_number():
    def central_difference(f, x, h=1e-5):
        return 1.5 * (f(x + h) - f(x - h)) / (2 * h)

    with pytest.raises(CheckError) as error:
        checks.central_difference(central_difference)
    message = str(error.value)
    assert "1.5 times the right value" in message
    assert "entries" not in message and "1/n" not in message


def test_a_slope_of_the_wrong_sign_is_caught_by_the_visible_cases():
    def central_difference(f, x, h=1e-5):
        return abs(f(x + h) - f(x - h)) / (2 * h)

    with pytest.raises(CheckError, match="the wrong sign"):
        checks.central_difference(central_difference)


def test_a_table_row_that_is_wrong_is_shown_with_the_row_it_should_follow():
    def local_derivatives(op, inputs, out):
        if op == "+":
            return (0.0, 0.0)
        return checks.reference_local_derivatives(op, inputs, out)

    with pytest.raises(CheckError, match=r"got \(0, 0\), expected \(1, 1\)\. The table's row"):
        checks.local_derivatives(local_derivatives)


def test_a_missing_root_is_counted():
    def topological_order(root):  # every node below root, root itself left out
        order, visited = [], set()

        def visit(node):
            for child in node._prev:
                if child not in visited:
                    visited.add(child)
                    visit(child)
                    order.append(child)

        visit(root)
        return order

    with pytest.raises(CheckError, match=r"misses 1 of the 1 nodes \(e\.g\. leaf\)"):
        checks.topological_order(topological_order)


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
    exec(exercises.setup_cell("nb01"), scope)  # noqa: S102 - the notebook's setup cell
    answers = exercises.answer_cells("nb01")
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
    verdict = judge.judge_in_process("nb01", exercise, answer)
    assert verdict is not None and "changed its input" in verdict, verdict
