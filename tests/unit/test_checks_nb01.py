"""Notebook 01 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

import pytest

from bpkit.checks import nb01 as checks
from bpkit.checks._core import CheckError

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


@pytest.mark.parametrize("name_build", checks.VISIBLE_GRAPHS, ids=lambda case: case[0][:30])
def test_reference_table_reproduces_bpkit_backward(name_build):
    """The checks' local-derivative table and Value.backward() agree on every visible graph."""
    from bpkit import autodiff

    root = name_build[1]()
    order = autodiff.topological_order(root)
    root.backward()
    expected = [node.grad for node in order]
    assert checks._simulate(root, order, "") == pytest.approx(expected, rel=1e-12, abs=1e-14)
