"""Curves over time: training/validation curves and the update-to-data ratio."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from bpkit.plot._style import (
    MARK_COLOR,
    TRAIN_COLOR,
    VAL_COLOR,
    _new_figure,
    color,
    get_axes,
    style_axes,
)


def _field(history: Any, name: str) -> Any:
    """Read ``name`` from a History object or a mapping; None when absent."""
    if isinstance(history, Mapping):
        return history.get(name)
    return getattr(history, name, None)


def _finite(values: Sequence[float] | None) -> np.ndarray:
    arr = np.asarray([] if values is None else values, dtype=np.float64)
    return np.where(np.isfinite(arr), arr, np.nan)


def training_curves(
    history: Any,
    ax: Axes | Sequence[Axes] | None = None,
    *,
    metric: bool | None = None,
    log_loss: bool = False,
) -> np.ndarray:
    """Plot train and validation loss (and metric) per epoch, marking the early-stopping point.

    Epochs are counted from 0, as ``fit``'s history counts them: the x-axis runs from 0 to
    n_epochs - 1, and the marked epoch is ``history.best_epoch`` itself.

    Inputs:
      history: a ``bpkit.train.History`` or a mapping with keys ``loss`` and optionally
        ``val_loss``, ``metric``, ``val_metric`` (lists of length n_epochs) and ``best_epoch``
        (0-based index of the epoch whose weights were kept).
      ax: one Axes (loss only) or two Axes (loss, metric); None makes a new figure.
      metric: also plot the metric; default: when the history has one.
      log_loss: log scale for the loss axis.
    Returns:
      array of the Axes used: ``[ax_loss]`` or ``[ax_loss, ax_metric]``.
    """
    loss = _finite(_field(history, "loss"))
    if loss.size == 0:
        raise ValueError("training_curves: the history has no 'loss' values (did training run?)")
    val_loss = _finite(_field(history, "val_loss"))
    met, val_met = _finite(_field(history, "metric")), _finite(_field(history, "val_metric"))
    if metric is None:
        metric = met.size > 0 or val_met.size > 0
    if ax is None:
        fig = _new_figure((7.0, 2.8) if metric else (4.0, 2.8))
        axes = np.atleast_1d(fig.subplots(1, 2 if metric else 1))
    else:
        axes = np.atleast_1d(np.asarray(ax, dtype=object))
    if metric and axes.size < 2:
        raise ValueError("training_curves: metric=True needs two Axes (loss, metric)")
    best = _field(history, "best_epoch")
    stopped = _field(history, "stopped_epoch") is not None and val_loss.size > 0
    panels = [(axes[0], loss, val_loss, "loss $L$")]
    if metric:
        panels.append((axes[1], met, val_met, _field(history, "metric_name") or "metric"))
    for a, tr, va, ylabel in panels:
        a.plot(np.arange(tr.size), tr, color=TRAIN_COLOR, lw=1.4, label="train")
        if va.size:
            a.plot(np.arange(va.size), va, color=VAL_COLOR, lw=1.4, label="validation")
        if best is not None and 0 <= int(best) < max(tr.size, va.size):
            b = int(best)
            what = "early stop: best" if stopped else "best validation"
            a.axvline(b, color=MARK_COLOR, lw=0.8, ls="--", label=f"{what} (epoch {b})")
            ref = va if va.size > b else tr
            a.plot([b], [ref[b]], "o", color=MARK_COLOR, ms=4)
        a.set_xlabel("epoch")
        a.set_ylabel(ylabel)
        if log_loss and a is axes[0]:
            a.set_yscale("log")
        a.legend(frameon=False)
        style_axes(a)
    return axes[: len(panels)]


def update_ratios(
    ratios: Mapping[str, Sequence[float]] | np.ndarray,
    ax: Axes | None = None,
    *,
    target: float = 1e-3,
) -> Axes:
    """Plot the update-to-data ratio ||eta dW|| / ||W|| of each layer over time (log scale).

    Inputs:
      ratios: ``{layer name: [ratio per step]}`` (e.g. collected from
        ``bpkit.diagnostics.update_ratio`` in a training callback), or an array of shape
        (n_steps, n_layers). Steps are counted from 0, like epochs.
      target: a reference level drawn as a dashed line (about 1e-3 is a common rule of thumb).
    Returns:
      the Axes.
    """
    ax = get_axes(ax, (4.0, 2.8))
    if isinstance(ratios, np.ndarray):
        arr = np.atleast_2d(np.asarray(ratios, dtype=np.float64))
        series = {f"W{j + 1}": arr[:, j] for j in range(arr.shape[1])}
    else:
        series = {str(k): np.asarray(v, dtype=np.float64) for k, v in ratios.items()}
    if not series:
        raise ValueError("update_ratios: no layers given")
    for i, (name, vals) in enumerate(series.items()):
        shown = np.where(vals > 0, vals, np.nan)
        ax.plot(np.arange(vals.size), shown, color=color(i), lw=1.2, label=name)
    ax.axhline(target, color=MARK_COLOR, lw=0.8, ls="--", label=f"{target:g}")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel(r"$\|\eta\,\partial L/\partial W\| \,/\, \|W\|$")
    ax.legend(frameon=False, ncol=2)
    return style_axes(ax)
