"""nb01: Exercise 5: backward."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit import autodiff
from bpkit.autodiff import Value
from bpkit.checks._core import (
    call,
    expect_close,
    guard,
    passed,
)
from bpkit.checks.nb01._common import _id
from bpkit.checks.nb01.elementary import reference_local_derivatives
from bpkit.checks.nb01.graphs import VISIBLE_GRAPHS, GraphCase


# ----- Exercise 5: backward ------------------------------------------------------------------
def reference_local_grads(node: Value) -> list[tuple[Value, float]]:
    """(input node, d node / d input) pairs of a bpkit node, from the notebook's table."""
    children = list(node._prev)
    if not children:
        return []
    op = node._op
    if op in ("+", "*") and len(children) == 1:  # x + x or x * x
        children = children * 2
    inputs = tuple(c.data for c in children)
    if op.startswith("**"):
        op, inputs = "**", (inputs[0], float(node._op[2:]))
    locals_ = reference_local_derivatives(op, inputs, node.data)
    return list(zip(children, locals_, strict=False))


OVERWRITE = "= instead of += (a node used more than once keeps only its last parent's contribution)"
NO_RESET = (
    "grads that were not reset to 0 first (old values were added to). Set every node's grad "
    "to 0.0 before the pass"
)
FORWARD_ORDER = (
    "the nodes visited in topological order instead of its reverse (a node must pass on its "
    "grad only after all of its parents have)"
)
NO_CHAIN = "the local derivative added without multiplying by node.grad (the chain rule multiplies)"
NO_SEED = "root.grad never set to 1.0 (every grad stays 0)"
RESET_TO_ONE = "every grad reset to 1.0 instead of 0.0 (only root.grad starts at 1.0)"
SWAPPED_ROLES = (
    "node and child swapped in the update: the grad flows from a node to its inputs, "
    "child.grad += local * node.grad"
)
STALE = 0.25  # grads are set to this before the student's pass, to see whether they reset them


def _simulate(
    root: Value,
    order: list[Value],
    mistake: str,
    local_grads: Callable[[Value], list[tuple[Value, float]]] | None = None,
) -> list[float]:
    """The grads a backward pass with `mistake` ("" for none) leaves, using `local_grads`."""
    local_grads = local_grads or reference_local_grads
    start = {NO_RESET: STALE, RESET_TO_ONE: 1.0}.get(mistake, 0.0)
    for node in order:
        node.grad = start
    root.grad = 0.0 if mistake == NO_SEED else 1.0
    walk = order if mistake == FORWARD_ORDER else order[::-1]
    for node in walk:
        for child, local in local_grads(node):
            if mistake == OVERWRITE:
                child.grad = local * node.grad
            elif mistake == SWAPPED_ROLES:
                node.grad += local * child.grad
            elif mistake == NO_CHAIN:
                child.grad += local
            else:
                child.grad += local * node.grad
    return [n.grad for n in order]


def _twin(build: Callable[[], Value], order: list[Value]) -> tuple[Value, list[Value]]:
    """A fresh copy of the graph that ``order`` lists, and its nodes in the same order.

    ``build`` makes the same graph every time; nodes correspond by creation order. The
    references are computed on the copy, so that nothing the student's pass did to its graph
    reaches them.
    """
    root = build()
    twins = sorted(autodiff.topological_order(root), key=lambda n: n._seq)
    originals = sorted(order, key=lambda n: n._seq)
    twin_of = {_id(n): t for n, t in zip(originals, twins, strict=True)}
    return root, [twin_of[_id(n)] for n in order]


def _backward_references(
    build: Callable[[], Value], order: list[Value]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The right grads of the graph's nodes in ``order``, and what the common mistakes give."""
    root, twins = _twin(build, order)
    root.backward()
    right = np.array([n.grad for n in twins])
    mistakes = {}
    for label in (
        OVERWRITE, NO_RESET, FORWARD_ORDER, NO_CHAIN, NO_SEED, SWAPPED_ROLES, RESET_TO_ONE,
    ):  # fmt: skip
        wrong = np.array(_simulate(root, twins, label))
        if not np.allclose(wrong, right, rtol=1e-9, atol=1e-12):
            mistakes[label] = wrong
    return right, mistakes


VISIBLE_BACKWARD: list[GraphCase] = VISIBLE_GRAPHS[1:]  # every graph but the single leaf


def _check_backward(fn: Callable[..., Any], cases: Sequence[GraphCase]) -> None:
    guard()
    for name, build in cases:
        root = build()
        order = autodiff.topological_order(root)
        for node in order:
            node.grad = STALE  # stale values from an earlier pass
        what = f"backward on {name}"
        # The student's pass runs before any expected grad exists (it could read this frame).
        call(fn, root, reference_local_grads, what=what)
        got = np.array([float(n.grad) for n in order])
        right, mistakes = _backward_references(build, order)
        expect_close(
            f"{what}: the grads of its {len(order)} nodes (in topological order)",
            got,
            right,
            mistakes=mistakes,
            rtol=1e-9,
            atol=1e-12,
        )
    _check_uses_local_grads(fn, cases[0])
    passed("backward")


def _scaled_local_grads(node: Value) -> list[tuple[Value, float]]:
    """A deliberately different table: every local derivative times 2, plus 0.5."""
    return [(child, 2.0 * local + 0.5) for child, local in reference_local_grads(node)]


IGNORES_TABLE = (
    "it ignores the local_grads it is given (the grads equal bpkit's own Value.backward()). "
    "Compute every contribution from the pairs returned by local_grads(node)"
)


def _check_uses_local_grads(fn: Callable[..., Any], case: GraphCase) -> None:
    """backward must propagate whatever local derivatives it is handed, not call bpkit's own."""
    name, build = case
    root = build()
    order = autodiff.topological_order(root)
    for node in order:
        node.grad = STALE
    what = f"backward on {name}, called with a different table of local derivatives"
    call(fn, root, _scaled_local_grads, what=what)
    got = np.array([float(n.grad) for n in order])
    # the references only now, on a fresh copy of the graph
    ref_root, ref_order = _twin(build, order)
    ref_root.backward()
    true_grads = np.array([n.grad for n in ref_order])
    right = np.array(_simulate(ref_root, ref_order, "", _scaled_local_grads))
    expect_close(
        f"{what}: the grads",
        got,
        right,
        mistakes={IGNORES_TABLE: true_grads},
        rtol=1e-9,
        atol=1e-12,
    )
