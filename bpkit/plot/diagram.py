"""A network drawn as neurons and edges, built once and updated in place (for the explorers).

Layer ``l = 0 .. K`` is a column of neurons (layer 0 is the input); the edges into layer ``l``
are one ``LineCollection`` whose segment ``j * d_in + k`` joins unit ``k`` of layer ``l - 1`` to
unit ``j`` of layer ``l``, so the segments follow ``W^l`` of shape (d_out, d_in) in row-major
order. An edge's width grows with ``|w|`` and its colour shows the sign of ``w`` in the
colour-blind-safe diverging map (``DIVERGING_CMAP``: one hue for w < 0, the other for w > 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize

from bpkit.plot._style import DIVERGING_CMAP

__all__ = ["NetworkDiagram", "fmt", "sub", "sup"]

_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
MIN_WIDTH, MAX_WIDTH = 0.3, 4.0


def sup(i: int | str) -> str:
    """``i`` as superscript digits: ``sup(2) == "²"`` (the layer index of the notation)."""
    return str(i).translate(_SUP)


def sub(*i: int | str) -> str:
    """Indices as subscript digits: ``sub(1, 2) == "₁₂"`` (unit indices, counted from 1)."""
    return "".join(str(x).translate(_SUB) for x in i)


def fmt(v: float) -> str:
    """A number as the explorers show it: 3 significant digits, a true minus sign."""
    v = float(v)
    if v == 0:
        return "0"
    return f"{v:.3g}".replace("-", "−")


def layer_positions(sizes: Sequence[int]) -> list[np.ndarray]:
    """Neuron centres per layer: array of shape (d_l, 2) each; x = l, unit 1 on top."""
    tallest = max(sizes)
    out = []
    for lyr, d in enumerate(sizes):
        y = (np.arange(d)[::-1] - (d - 1) / 2) / max(tallest - 1, 1)
        out.append(np.column_stack([np.full(d, float(lyr)), y]))
    return out


class NetworkDiagram:
    """Neurons and edges of an MLP with layer widths ``sizes = [d_0, ..., d_K]`` on ``ax``.

    Attributes:
      pos: neuron centres per layer, arrays of shape (d_l, 2).
      edges: one LineCollection per weight matrix (``edges[l - 1]`` holds ``W^l``).
      nodes: one scatter of every neuron (input layer first), for face colours.
      values: one Text per neuron (``values[l][j]``), beside it, for the numbers of a step.
      names: the static labels (``x₁``, ``a¹₁``, ...), or [] when ``names=False``.
    """

    def __init__(
        self,
        ax: Axes,
        sizes: Sequence[int],
        *,
        names: bool = True,
        node_size: float = 140.0,
        value_size: float = 6.0,
    ) -> None:
        self.ax, self.sizes = ax, [int(s) for s in sizes]
        self.pos = layer_positions(self.sizes)
        self.norm = Normalize(-1.0, 1.0)
        self.cmap = mpl.colormaps[DIVERGING_CMAP]
        self.edges: list[LineCollection] = []
        for lyr in range(1, len(self.sizes)):
            prev, cur = self.pos[lyr - 1], self.pos[lyr]
            segs = [
                (tuple(cur[j]), tuple(prev[k])) for j in range(len(cur)) for k in range(len(prev))
            ]
            lc = LineCollection(segs, linewidths=1.0, colors="0.6", zorder=1, capstyle="round")
            ax.add_collection(lc)
            self.edges.append(lc)
        allpos = np.concatenate(self.pos)
        self.nodes = ax.scatter(allpos[:, 0], allpos[:, 1], s=node_size, c="white",
                                edgecolors="0.25", linewidths=0.8, zorder=3)  # fmt: skip
        self.values: list[list[Any]] = []
        dy = 0.5 / max(max(self.sizes) - 1, 1)
        for p in self.pos:
            self.values.append([
                ax.text(x, y - 0.42 * dy, "", ha="center", va="top", fontsize=value_size,
                        zorder=4, linespacing=1.0)
                for x, y in p
            ])  # fmt: skip
        self.names: list[Any] = []
        if names:
            for lyr, p in enumerate(self.pos):
                for j, (x, y) in enumerate(p):
                    label = f"x{sub(j + 1)}" if lyr == 0 else f"a{sup(lyr)}{sub(j + 1)}"
                    self.names.append(ax.text(x, y, label, ha="center", va="center",
                                              fontsize=6, zorder=5))  # fmt: skip
        ax.set_xlim(-0.45, len(self.sizes) - 0.55)
        ax.set_ylim(-0.5 - 1.2 * dy, 0.5 + 0.6 * dy)
        ax.set_axis_off()

    def dynamic(self) -> list[Any]:
        """The artists drawn on every update, in drawing order: edges, neurons, their names
        (over the neurons) and value texts."""
        return [*self.edges, self.nodes, *self.names, *(t for col in self.values for t in col)]

    def set_edges(
        self, lyr: int, M: np.ndarray, lim: float | None = None, alpha: float = 1.0
    ) -> None:
        """Show matrix ``M`` (shape (d_l, d_{l-1}), e.g. ``W^l`` or ``dL/dW^l``) on the edges into
        layer ``lyr``: width grows with ``|M|``, colour shows the sign; ``lim`` is the value drawn
        widest and darkest (default: ``max |M|``)."""
        M = np.asarray(M, dtype=np.float64).ravel()
        if lim is None:
            lim = float(np.max(np.abs(M), initial=0.0))
        lim = lim if lim > 0 and np.isfinite(lim) else 1.0
        r = np.clip(np.nan_to_num(M / lim), -1.0, 1.0)
        lc = self.edges[lyr - 1]
        lc.set_linewidths(MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * np.abs(r))
        colors = self.cmap(self.norm(r))
        colors[:, 3] = alpha
        lc.set_color(colors)

    def set_nodes(self, values: Sequence[np.ndarray | None], lim: float = 1.0) -> None:
        """Neuron face colours from one value per neuron per layer (None: white)."""
        cols = []
        for lyr, d in enumerate(self.sizes):
            v = values[lyr] if lyr < len(values) else None
            if v is None:
                cols.append(np.ones((d, 4)))
            else:
                r = np.clip(np.nan_to_num(np.asarray(v, dtype=np.float64) / lim), -1, 1)
                c = self.cmap(self.norm(r))
                c[:, :3] = 0.45 * c[:, :3] + 0.55  # a light tint: the label stays readable
                cols.append(c)
        self.nodes.set_facecolor(np.concatenate(cols))

    def set_text(self, lyr: int, texts: Sequence[str]) -> None:
        """The value texts of layer ``lyr``, one per unit ("" hides one)."""
        for t, s in zip(self.values[lyr], texts, strict=True):
            t.set_text(s)
