"""Draw the computational graph of a scalar ``bpkit.autodiff.Value`` with matplotlib only.

Layout: a node's column is the length of the longest path from an input to it, so the output
sits on the right; inputs are then moved right to the column just before their first use.
Columns are filled from the output backwards, each node placed by the mean row of the nodes
that consume it, which keeps most arrows short and uncrossed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from bpkit.plot._style import OKABE_ITO, _new_figure

BOX_W, BOX_H = 0.78, 0.62  # data units; columns are 1.0 apart, rows 0.8 apart
COL_DX, ROW_DY = 1.0, 0.8
_OP_NAMES = {"*": "\u00d7", "": "input"}


def _tint(hex_color: str, amount: float) -> tuple[float, float, float]:
    """Blend a colour with white (opaque, so arrows drawn behind stay hidden)."""
    rgb = np.array(to_rgb(hex_color))
    return tuple(amount * rgb + (1 - amount))  # type: ignore[return-value]


def _children(v: Any) -> list[Any]:
    prev = getattr(v, "_prev", ())
    # sort for a deterministic picture (sets have no stable order)
    return sorted(prev, key=lambda c: (str(getattr(c, "label", "")), id(c)))


class _Waypoint:
    """A place holder that routes an edge through a column it skips (not drawn as a box)."""


Route = dict[tuple[int, int], list[tuple[float, float]]]


def _layout(root: Any) -> tuple[list[Any], dict[int, tuple[float, float]], Route]:
    order: list[Any] = []
    seen: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:  # iterative DFS, so deep graphs do not hit the recursion limit
        v, done = stack.pop()
        if done:
            order.append(v)
            continue
        if id(v) in seen:
            continue
        seen.add(id(v))
        stack.append((v, True))
        stack.extend((c, False) for c in reversed(_children(v)) if id(c) not in seen)
    level: dict[int, int] = {}
    users: dict[int, list[Any]] = {id(v): [] for v in order}
    for v in order:
        kids = _children(v)
        level[id(v)] = 1 + max(level[id(c)] for c in kids) if kids else 0
        for c in kids:
            users[id(c)].append(v)
    for v in reversed(order):  # pull inputs right, next to their first use
        if not _children(v) and users[id(v)]:
            level[id(v)] = min(level[id(p)] for p in users[id(v)]) - 1
    n_cols = max(level.values()) + 1
    columns: list[list[Any]] = [[] for _ in range(n_cols)]
    for v in order:
        columns[level[id(v)]].append(v)
    # an edge that skips columns gets one waypoint per skipped column, placed like a node
    waypoints: dict[tuple[int, int], list[_Waypoint]] = {}
    next_hop: dict[int, list[Any]] = {k: list(vs) for k, vs in users.items()}
    for v in order:
        for c in _children(v):
            gap = range(level[id(c)] + 1, level[id(v)])
            if not gap:
                continue
            chain = [_Waypoint() for _ in gap]
            for col, w in zip(gap, chain, strict=True):
                columns[col].append(w)
            for w, after in zip(chain, [*chain[1:], v], strict=True):
                next_hop[id(w)] = [after]
            hops = next_hop[id(c)]
            hops[hops.index(v)] = chain[0]
            waypoints[(id(c), id(v))] = chain
    pos: dict[int, tuple[float, float]] = {}
    for col in range(n_cols - 1, -1, -1):  # from the output back: order by the users' rows
        members = columns[col]
        if col < n_cols - 1:
            members.sort(
                key=lambda v: np.mean([pos[id(p)][1] for p in next_hop[id(v)]] or [0.0]),
                reverse=True,
            )
        offset = (len(members) - 1) / 2
        for row, v in enumerate(members):
            pos[id(v)] = (col * COL_DX, (offset - row) * ROW_DY)
    routes = {edge: [pos[id(w)] for w in chain] for edge, chain in waypoints.items()}
    real = {id(v) for v in order}
    return order, {k: p for k, p in pos.items() if k in real}, routes


def graph_layout(root: Any) -> tuple[list[Any], dict[int, tuple[float, float]]]:
    """Place every node of the graph under ``root``.

    Returns:
      nodes in topological order (inputs first, root last) and ``{id(node): (x, y)}``.
    """
    order, pos, _ = _layout(root)
    return order, pos


def _fmt(x: float) -> str:
    return f"{x:.3g}" if np.isfinite(x) else str(x)


def draw_graph(root: Any, ax: Axes | None = None, *, show_grad: bool = True) -> Axes:
    """Draw the computational graph of ``root`` (a ``Value``), one box per node.

    Each box shows the node's operation (and label), its forward value ``data`` and, after
    ``root.backward()``, its ``grad`` = dL/d(node). Arrows point along the forward pass.
    Returns:
      the Axes; ``ax.patches`` holds one box per node followed by one arrow per edge, and
      ``ax.texts`` one text per node (in topological order).
    """
    order, pos, routes = _layout(root)
    points = [*pos.values(), *(p for via in routes.values() for p in via)]
    if ax is None:
        n_cols = 1 + round(max(p[0] for p in points) / COL_DX)
        n_rows = max(sum(1 for p in points if p[0] == c * COL_DX) for c in range(n_cols))
        fig = _new_figure((max(2.0, 1.35 * n_cols), max(1.2, 0.75 * n_rows)))
        ax = fig.add_subplot()
    for v in order:
        x, y = pos[id(v)]
        is_leaf = not _children(v)
        face = OKABE_ITO["sky_blue"] if is_leaf else OKABE_ITO["orange"]
        box = FancyBboxPatch(
            (x - BOX_W / 2, y - BOX_H / 2),
            BOX_W,
            BOX_H,
            boxstyle="round,pad=0.0,rounding_size=0.06",
            facecolor=_tint(face, 0.6 if v is root else 0.35),
            edgecolor=OKABE_ITO["black"],
            linewidth=1.6 if v is root else 0.6,
            zorder=2,
        )
        ax.add_patch(box)
        op = str(getattr(v, "_op", "") or "")
        label = str(getattr(v, "label", "") or "")
        head = _OP_NAMES.get(op, op)
        if op.startswith("**"):
            head = f"pow {op[2:]}"
        if is_leaf and not label:
            head = "constant"
        if label:
            head = label if is_leaf else f"{label} = {head}"
        lines = [head, f"data {_fmt(float(v.data))}"]
        if show_grad:
            lines.append(f"grad {_fmt(float(getattr(v, 'grad', 0.0)))}")
        ax.text(
            x, y, "\n".join(lines), ha="center", va="center", fontsize=7, linespacing=1.15, zorder=3
        )
    for v in order:
        x1, y1 = pos[id(v)]
        for c in _children(v):
            x0, y0 = pos[id(c)]
            start = (x0 + BOX_W / 2, y0)
            via = routes.get((id(c), id(v)), [])
            if via:  # through the waypoints of the skipped columns, then the arrow
                xs, ys = zip(start, *via, strict=True)
                ax.plot(xs, ys, color=OKABE_ITO["black"], lw=0.7, zorder=1)
                start = via[-1]
            ax.add_patch(
                FancyArrowPatch(
                    start,
                    (x1 - BOX_W / 2, y1),
                    arrowstyle="-|>",
                    mutation_scale=7,
                    lw=0.7,
                    color=OKABE_ITO["black"],
                    shrinkA=0,
                    shrinkB=0,
                    zorder=1,
                )
            )
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    ax.set_xlim(min(xs) - BOX_W, max(xs) + BOX_W)
    ax.set_ylim(min(ys) - BOX_H, max(ys) + BOX_H)
    ax.set_axis_off()
    ax.set_title("forward: left to right; grad = $\\partial L / \\partial$ node", fontsize=7)
    return ax
