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
    """Neuron centres per layer: array of shape (d_l, 2) each; x = l, unit 1 on top, y within
    [-0.5, 0.5]."""
    tallest = max(sizes)
    out = []
    for lyr, d in enumerate(sizes):
        # the tallest layer fills the height; a narrower one spreads out, up to half of it
        gap = max(1 / max(tallest - 1, 1), min(0.5, 1 / max(d - 1, 1)))
        y = (np.arange(d)[::-1] - (d - 1) / 2) * gap
        out.append(np.column_stack([np.full(d, float(lyr)), y]))
    return out


class NetworkDiagram:
    """Neurons and edges of an MLP with layer widths ``sizes = [d_0, ..., d_K]`` on ``ax``.

    Attributes:
      pos: neuron centres per layer, arrays of shape (d_l, 2).
      edges: one LineCollection per weight matrix (``edges[l - 1]`` holds ``W^l``).
      nodes: one scatter of every neuron (input layer first).
      values: one Text per neuron (``values[l][j]``), beside it, for the numbers of a step.
      names: the static labels (``x₁``, ``a¹₁``, ...), or [] when ``names=False``.
    """

    def __init__(
        self,
        ax: Axes,
        sizes: Sequence[int],
        *,
        names: bool = True,
        node_size: float = 190.0,
        value_size: float = 6.0,
    ) -> None:
        self.ax, self.sizes = ax, [int(s) for s in sizes]
        self.pos = layer_positions(self.sizes)
        self.norm = Normalize(-1.0, 1.0)
        self.cmap = mpl.colormaps[DIVERGING_CMAP]
        xlim = (-0.45, len(self.sizes) - 0.55)
        ax.set_xlim(*xlim)
        # edges stop at the circles' rims (they are drawn over the static neurons)
        fig_w = ax.figure.get_size_inches()[0]
        rx = (np.sqrt(node_size) / 2 / 72) / (ax.get_position().width * fig_w / (xlim[1] - xlim[0]))
        self.edges: list[LineCollection] = []
        for lyr in range(1, len(self.sizes)):
            prev, cur = self.pos[lyr - 1], self.pos[lyr]
            segs = []
            for j in range(len(cur)):
                for k in range(len(prev)):
                    (x0, y0), (x1, y1) = prev[k], cur[j]
                    slope = (y1 - y0) / (x1 - x0)
                    segs.append(((x1 - rx, y1 - slope * rx), (x0 + rx, y0 + slope * rx)))
            lc = LineCollection(segs, linewidths=1.0, colors="0.6", zorder=1, capstyle="butt")
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
        ax.set_ylim(-0.5 - 1.2 * dy, 0.5 + 0.6 * dy)
        ax.set_axis_off()

    def dynamic(self) -> list[Any]:
        """The artists that change on updates: edges and value texts (the neurons and their
        names are static; the edges stop at the neurons' rims)."""
        return [*self.edges, *(t for col in self.values for t in col)]

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

    def set_text(self, lyr: int, texts: Sequence[str]) -> None:
        """The value texts of layer ``lyr``, one per unit ("" hides one)."""
        for t, s in zip(self.values[lyr], texts, strict=True):
            t.set_text(s)
