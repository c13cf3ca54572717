"""One look for every bpkit figure: the Okabe-Ito palette, small fonts, few ticks."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency. Every bpkit plot takes its colours from here and nowhere else.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
# Series order: strong contrasts first; black and yellow last (yellow is weak on white).
PALETTE: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["green"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["black"],
    OKABE_ITO["yellow"],
)
TRAIN_COLOR = OKABE_ITO["blue"]
VAL_COLOR = OKABE_ITO["orange"]
WARN_COLOR = OKABE_ITO["vermillion"]
MARK_COLOR = OKABE_ITO["black"]
# Class colours for decision regions: light tints for the background, full colours for points.
CLASS_COLORS: tuple[str, ...] = PALETTE[:6]
# Sequential maps designed for colour-vision deficiency (part of matplotlib).
SEQUENTIAL_CMAP = "cividis"
DIVERGING_CMAP = "PuOr"

RC: dict[str, object] = {
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE)),
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def get_axes(ax: Axes | None, figsize: tuple[float, float] = (4.0, 3.0)) -> Axes:
    """Return ``ax``, or a new Axes on a new figure of ``figsize`` inches styled like bpkit."""
    if ax is not None:
        return ax
    with mpl.rc_context(RC):
        fig = _new_figure(figsize)
        return fig.add_subplot()


def _new_figure(figsize: tuple[float, float]) -> Figure:
    """A pyplot figure (so it shows inline in notebooks) with bpkit's style."""
    import matplotlib.pyplot as plt

    with mpl.rc_context(RC):
        return plt.figure(figsize=figsize, layout="constrained")


def style_axes(ax: Axes, nbins: int = 4) -> Axes:
    """Apply bpkit's look to an existing Axes: few ticks, no top/right spines, small text."""
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.tick_params(labelsize=7, length=2.5, pad=1.5)
    ax.xaxis.label.set_size(8)
    ax.yaxis.label.set_size(8)
    ax.title.set_size(8)
    if ax.get_xscale() == "linear":
        ax.locator_params(axis="x", nbins=nbins)
    if ax.get_yscale() == "linear":
        ax.locator_params(axis="y", nbins=nbins)
    legend = ax.get_legend()
    if legend is not None:
        for text in legend.get_texts():
            text.set_fontsize(7)
    return ax


def color(i: int) -> str:
    """The i-th palette colour (wraps around)."""
    return PALETTE[i % len(PALETTE)]


def next_color(ax: Axes) -> str:
    """A palette colour not yet used by the lines already on ``ax`` (for overlaid calls)."""
    return color(len(ax.lines))


def class_cmap(k: int, light: bool = False) -> ListedColormap:
    """A ``k``-class colour map from the palette; ``light`` blends it with white for regions."""
    cols = np.array([mpl.colors.to_rgb(c) for c in CLASS_COLORS[:k]])
    if light:
        cols = 0.35 * cols + 0.65
    return ListedColormap(cols)


def as_series(values: object) -> tuple[list[str], np.ndarray]:
    """Turn a ``{name: value}`` mapping or a sequence into ``(names, float array)``."""
    if isinstance(values, dict):
        names = [str(k) for k in values]
        return names, np.asarray([float(v) for v in values.values()], dtype=np.float64)
    if isinstance(values, Sequence | np.ndarray):
        arr = np.asarray(values, dtype=np.float64).ravel()
        return [str(i + 1) for i in range(arr.size)], arr
    raise TypeError(f"expected a dict or a sequence of numbers, got {type(values).__name__}")
