"""nb01: Exercise 4: topological_order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bpkit.autodiff import Value
from bpkit.checks._answers import kind as _kind
from bpkit.checks._core import (
    CheckError,
    call,
    expect,
    guard,
    passed,
)
from bpkit.checks.nb01._common import _id, _type
from bpkit.checks.nb01.graphs import GraphCase

# ----- Exercise 4: topological_order ---------------------------------------------------------
NO_RETURN = "Did you forget to `return` the list?"
NOT_A_LIST = "should return a list of nodes"
STRAY = "object(s) that are not nodes of the graph"
LISTED_TWICE = "lists some node more than once"
MISSING_NODES = "Every node reachable from root through _prev belongs in the list, root included"
REVERSED_ORDER = (
    "the order looks reversed, root comes first. A node must come after all of its inputs, so "
    "root is last: append a node only after visiting all its children"
)
BEFORE_INPUT = (
    "comes before its input {child}. A node must come after all of its children: append it only "
    "after visiting every child (depth first, not breadth first)"
)
ROOT_NOT_LAST = "root should be the last node"


def _reachable(root: Value) -> list[Value]:
    seen: dict[int, Value] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if _id(node) in seen:
            continue
        seen[_id(node)] = node
        stack.extend(node._prev)
    return list(seen.values())


def _label(node: Value) -> str:
    return node.label or f"{node._op or 'const'} node (data {node.data:.4g})"


def _check_topological_order(fn: Callable[..., Any], cases: Sequence[GraphCase]) -> None:
    guard()
    for name, build in cases:
        root = build()
        what = f"topological_order on {name}"
        got = call(fn, root, what=what)
        if got is None:
            raise CheckError(f"{what} returned None. {NO_RETURN}")
        expect(
            _type(got) in (_type([]), _type(())),
            f"{what} {NOT_A_LIST}, got {_kind(got)}",
        )
        got = list(got)
        nodes = _reachable(root)
        ids = {_id(n) for n in nodes}
        got_ids = [_id(n) for n in got]
        stray = [n for n in got if _id(n) not in ids]
        expect(
            not stray,
            f"{what} returned {len(stray)} {STRAY} (e.g. {stray[0]!r}). Return the Value nodes "
            "themselves."
            if stray
            else "",
        )
        expect(
            len(set(got_ids)) == len(got_ids),
            f"{what} {LISTED_TWICE} ({len(got_ids)} entries for "
            f"{len(set(got_ids))} different nodes). Keep a set of visited nodes and skip a node "
            "you have already seen.",
        )
        missing = [n for n in nodes if _id(n) not in set(got_ids)]
        expect(
            not missing,
            f"{what} misses {len(missing)} of the {len(nodes)} nodes (e.g. "
            f"{_label(missing[0])}). {MISSING_NODES}."
            if missing
            else "",
        )
        position = {i: k for k, i in enumerate(got_ids)}
        bad = [(n, c) for n in got for c in n._prev if position[_id(c)] > position[_id(n)]]
        if bad:
            node, child = bad[0]
            if got[0] is root and len(got) > 1:
                raise CheckError(f"{what}: {REVERSED_ORDER}.")
            before = BEFORE_INPUT.format(child=_label(child))
            raise CheckError(f"{what}: {_label(node)} {before}.")
        expect(got[-1] is root, f"{what}: {ROOT_NOT_LAST}.")
    passed("topological_order")
