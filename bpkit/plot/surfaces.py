"""Plots over a 2-D plane: decision regions of a classifier and loss surfaces with trajectories."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from bpkit.plot._style import MARK_COLOR, SEQUENTIAL_CMAP, class_cmap, color, get_axes, style_axes


def grid_points(
    X: np.ndarray, resolution: int = 60, margin: float = 0.25
) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """A coarse grid covering the points.

    Inputs:
      X: array of shape (n, 2).
    Returns:
      G: array of shape (resolution**2, 2), row-major over (y, x); extent (x0, x1, y0, y1).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"decision regions need 2-D inputs X of shape (n, 2), got {X.shape}")
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * np.maximum(hi - lo, 1e-9)
    x0, y0 = lo - pad
    x1, y1 = hi + pad
    gx, gy = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    XX, YY = np.meshgrid(gx, gy)
    return np.column_stack([XX.ravel(), YY.ravel()]), (x0, x1, y0, y1)


def class_scores(out: np.ndarray, output: str = "auto") -> tuple[np.ndarray, int]:
    """Turn model outputs on a grid into (label per point, number of classes).

    Inputs:
      out: array of shape (m,), (m, 1) (binary) or (m, k) (k-class scores).
      output: "logits" (threshold 0), "probs" (threshold 0.5), "labels", or "auto"
        (k > 1: argmax; binary: probs if every value is in [0, 1], else logits).
    """
    out = np.asarray(out, dtype=np.float64)
    if out.ndim == 2 and out.shape[1] > 1:
        return out.argmax(axis=1), out.shape[1]
    out = out.reshape(-1)
    if output == "labels":
        labels = np.rint(out).astype(np.int64)
        return labels, max(int(labels.max(initial=0)) + 1, 2)
    if output == "auto":
        output = "probs" if np.all((out >= 0) & (out <= 1)) else "logits"
    threshold = 0.5 if output == "probs" else 0.0
    return (out > threshold).astype(np.int64), 2


def _predictor(model: Any) -> Callable[[np.ndarray], np.ndarray]:
    if hasattr(model, "predict"):
        return model.predict
    if callable(model):
        return model
    raise TypeError("decision_boundary needs a model with .predict(X) or a function X -> scores")


def decision_boundary(
    model: Any,
    X: np.ndarray,
    y: np.ndarray,
    ax: Axes | None = None,
    *,
    resolution: int = 60,
    output: str = "auto",
) -> Axes:
    """Draw the decision regions of a 2-D classifier and the data points on top.

    Inputs:
      model: a bpkit model (uses ``model.predict``) or any function mapping (m, 2) -> scores.
      X: array of shape (n, 2); y: int labels of shape (n,) (or one-hot (n, k)).
      resolution: grid points per side (kept coarse: the model runs resolution**2 times).
      output: how to read the scores, see ``class_scores``.
    Returns:
      the Axes, with an image of the regions (``ax.images[0]``) and one scatter per class.
    """
    ax = get_axes(ax, (3.2, 3.0))
    y = np.asarray(y)
    if y.ndim == 2:
        y = y.argmax(axis=1)
    G, extent = grid_points(X, resolution)
    labels, k = class_scores(_predictor(model)(G), output)
    k = max(k, int(y.max(initial=0)) + 1)
    ax.imshow(
        labels.reshape(resolution, resolution),
        origin="lower",
        extent=extent,
        cmap=class_cmap(k, light=True),
        vmin=-0.5,
        vmax=k - 0.5,
        interpolation="nearest",
        aspect="auto",
    )
    markers = "os^Dvp"
    for c in range(k):
        pts = np.asarray(X)[y == c]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=10,
            color=color(c),
            marker=markers[c % 6],
            edgecolors="white",
            linewidths=0.3,
            label=f"class {c}",
        )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return style_axes(ax)


def loss_surface(
    loss: Callable[[np.ndarray, np.ndarray], np.ndarray],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    trajectories: Mapping[str, np.ndarray] | Sequence[np.ndarray] | None = None,
    ax: Axes | None = None,
    *,
    resolution: int = 60,
    levels: int = 12,
    log: bool = True,
    labels: tuple[str, str] = ("$w_1$", "$w_2$"),
) -> Axes:
    """Contours of a loss over two parameters, with optimisation paths on top.

    Inputs:
      loss: vectorised function (W1, W2) -> L, each an array of shape (resolution, resolution).
      xlim, ylim: the plotted window for the two parameters.
      trajectories: ``{label: path}`` or a list of paths, each of shape (n_steps + 1, 2).
      log: contour levels spaced on a log scale (ill-conditioned bowls need it).
    Returns:
      the Axes; contours are ``ax.collections``, paths are ``ax.lines`` (one per trajectory,
      start marked with a circle, end with a cross).
    """
    ax = get_axes(ax, (3.4, 3.0))
    W1, W2 = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    with np.errstate(all="ignore"):
        Z = np.asarray(loss(W1, W2), dtype=np.float64)
    if Z.shape != W1.shape:
        raise ValueError(f"loss(W1, W2) must return shape {W1.shape}, got {Z.shape}")
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        raise ValueError("loss_surface: the loss is not finite anywhere in the window")
    lo, hi = float(finite.min()), float(finite.max())
    if log:
        shift = lo - max(1e-3 * (hi - lo), 1e-12)
        lv = shift + np.geomspace(lo - shift, hi - shift, levels)
    else:
        lv = np.linspace(lo, hi, levels)
    ax.contour(W1, W2, Z, levels=np.unique(lv), cmap=SEQUENTIAL_CMAP, linewidths=0.7)
    if trajectories is not None:
        items = (
            trajectories.items()
            if isinstance(trajectories, Mapping)
            else ((None, t) for t in trajectories)
        )
        for i, (name, path) in enumerate(items):
            p = np.asarray(path, dtype=np.float64)
            if p.ndim != 2 or p.shape[1] != 2:
                raise ValueError(f"a trajectory must have shape (n_steps + 1, 2), got {p.shape}")
            c = color(i)
            ax.plot(p[:, 0], p[:, 1], "-", color=c, lw=1.2, ms=2, marker=".", label=name)
            ax.plot(p[0, 0], p[0, 1], "o", color=c, ms=4)
            ax.plot(p[-1, 0], p[-1, 1], "x", color=MARK_COLOR, ms=5)
        if isinstance(trajectories, Mapping):
            ax.legend(frameon=False)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_title("contours of $L$")
    return style_axes(ax)
