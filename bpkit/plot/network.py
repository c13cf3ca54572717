"""Per-layer pictures of a network: histograms, gradient norms vs depth, saturation, weights."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes

from bpkit.plot._style import (
    DIVERGING_CMAP,
    SEQUENTIAL_CMAP,
    _new_figure,
    as_series,
    color,
    get_axes,
    next_color,
    style_axes,
)


def _layer_colors(k: int) -> list[Any]:
    if k <= 6:
        return [color(i) for i in range(k)]
    cmap = mpl.colormaps[SEQUENTIAL_CMAP]
    return [cmap(x) for x in np.linspace(0.0, 0.9, k)]


def layer_histograms(
    model: Any,
    ax: Axes | Sequence[Axes] | None = None,
    *,
    which: str = "both",
    bins: int = 40,
) -> np.ndarray:
    """Histograms of every activation layer's outputs a and/or gradients dL/da, overlaid.

    Inputs:
      model: a Sequential built with ``record=True``, after forward (and backward for
        gradients); or a mapping ``{"activations": {name: array}, "gradients": {...}}``.
      which: "activations", "gradients" or "both" (two panels).
      ax: one Axes (for one kind) or two (for "both").
    Returns:
      array of the Axes; each holds one step-histogram line per layer (input side first).
    """
    from bpkit.diagnostics import layer_values

    kinds = ["activations", "gradients"] if which == "both" else [which]
    if which not in ("both", "activations", "gradients"):
        raise ValueError(f"which must be 'activations', 'gradients' or 'both', got {which!r}")
    if ax is None:
        fig = _new_figure((3.6 * len(kinds), 2.6))
        axes = np.atleast_1d(fig.subplots(1, len(kinds)))
    else:
        axes = np.atleast_1d(np.asarray(ax, dtype=object))
    if axes.size < len(kinds):
        raise ValueError(f"layer_histograms: which={which!r} needs {len(kinds)} Axes")
    for a, kind in zip(axes, kinds, strict=False):
        data = model[kind] if isinstance(model, Mapping) else layer_values(model, kind)
        cols = _layer_colors(len(data))
        for c, (name, vals) in zip(cols, data.items(), strict=True):
            v = np.asarray(vals, dtype=np.float64).ravel()
            v = v[np.isfinite(v)]
            counts, edges = np.histogram(v, bins=bins)
            frac = counts / max(v.size, 1)
            a.stairs(frac, edges, color=c, lw=1.1, label=f"layer {name}")
        a.set_xlabel("$a$" if kind == "activations" else r"$\partial L/\partial a$")
        a.set_ylabel("fraction of values")
        a.set_title(kind)
        a.legend(frameon=False, fontsize=6)
        style_axes(a)
    return axes[: len(kinds)]


def _norms_from(obj: Any) -> tuple[list[str], np.ndarray]:
    if hasattr(obj, "layers"):
        from bpkit.diagnostics import layer_grad_norms

        obj = layer_grad_norms(obj)
    return as_series(obj)


def grad_norms(norms: Any, ax: Axes | None = None, *, label: str | None = None) -> Axes:
    """||dL/dW|| of each Linear layer against depth (log scale); call again to overlay.

    Inputs:
      norms: a Sequential after backward, ``{name: norm}`` from
        ``bpkit.diagnostics.layer_grad_norms``, or a sequence of norms (input side first).
      label: legend entry for this series (e.g. "sigmoid, depth 10").
    Returns:
      the Axes; the series is ``ax.lines[-1]`` with x = 1 .. n_layers.
    """
    ax = get_axes(ax, (3.6, 2.6))
    _, vals = _norms_from(norms)
    shown = np.where(vals > 0, vals, np.nan)  # log scale: a zero norm is drawn as a gap
    depth = np.arange(1, vals.size + 1)
    ax.plot(depth, shown, "-o", ms=3, lw=1.2, color=next_color(ax), label=label)
    ax.set_yscale("log")
    ax.set_xlabel("layer $l$ (input side first)")
    ax.set_ylabel(r"$\|\partial L/\partial W^{(l)}\|$")
    if label is not None:
        ax.legend(frameon=False)
    return style_axes(ax)


def saturation(stats: Any, ax: Axes | None = None, *, label: str | None = None) -> Axes:
    """The saturated (sigmoid/tanh) or dead (ReLU) fraction of each activation layer.

    Inputs:
      stats: a Sequential built with ``record=True`` after forward, the list returned by
        ``bpkit.diagnostics.activation_stats``, ``{name: fraction}``, or a sequence of fractions.
    Returns:
      the Axes; the series is ``ax.lines[-1]`` with x = 1 .. n_layers and y in [0, 1].
    """
    ax = get_axes(ax, (3.6, 2.6))
    if hasattr(stats, "layers"):
        from bpkit.diagnostics import activation_stats

        stats = activation_stats(stats)
    if isinstance(stats, list) and stats and hasattr(stats[0], "saturation"):
        stats = {s.name: s.saturation for s in stats}
    _, vals = as_series(stats)
    if np.any((vals < 0) | (vals > 1)):
        raise ValueError("saturation fractions must lie in [0, 1]")
    ax.plot(
        np.arange(1, vals.size + 1), vals, "-o", ms=3, lw=1.2, color=next_color(ax), label=label
    )
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("layer $l$ (input side first)")
    ax.set_ylabel("saturated / dead fraction of $a^{(l)}$")
    if label is not None:
        ax.legend(frameon=False)
    return style_axes(ax)


def weights(W: Any, ax: Axes | Sequence[Axes] | None = None, *, colorbar: bool = True) -> Any:
    """Show weight matrices as images (diverging colours, 0 in the middle).

    Inputs:
      W: one array of shape (d_out, d_in), or a Sequential (one panel per Linear layer).
    Returns:
      the Axes (one matrix) or an array of Axes (a model); each holds one image whose rows are
      output units i and columns input units j, i.e. entry W[i, j].
    """
    if hasattr(W, "layers"):
        mats = [
            (f"$W^{{({k + 1})}}$", layer.params["W"])
            for k, layer in enumerate(x for x in W.layers if "W" in getattr(x, "params", {}))
        ]
    else:
        mats = [("$W$", np.asarray(W, dtype=np.float64))]
    if not mats:
        raise ValueError("weights: the model has no Linear layers")
    if ax is None:
        fig = _new_figure((2.4 * len(mats), 2.4))
        axes = np.atleast_1d(fig.subplots(1, len(mats)))
    else:
        axes = np.atleast_1d(np.asarray(ax, dtype=object))
    for a, (name, M) in zip(axes, mats, strict=False):
        M = np.asarray(M, dtype=np.float64)
        if M.ndim != 2:
            raise ValueError(f"weights: expected a matrix of shape (d_out, d_in), got {M.shape}")
        lim = float(np.max(np.abs(M[np.isfinite(M)]), initial=0.0)) or 1.0
        im = a.imshow(
            M, cmap=DIVERGING_CMAP, vmin=-lim, vmax=lim, interpolation="nearest", aspect="auto"
        )
        if colorbar:
            a.figure.colorbar(im, ax=a, shrink=0.8)
        a.set_title(f"{name}  ({M.shape[0]} x {M.shape[1]})")
        a.set_xlabel("input unit $j$")
        a.set_ylabel("output unit $i$")
        style_axes(a)
    return axes[0] if len(mats) == 1 and not hasattr(W, "layers") else axes[: len(mats)]
