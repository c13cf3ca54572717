"""Regularization explorer: an over-parameterised net on a small noisy set, with L2 or L1
weight decay, dropout and early stopping, so overfitting and its cures are visible.

Training uses ``bpkit.train.fit`` (full batch, momentum, fixed seed) on 24 noisy "moons" points; 200
fresh points from the same distribution are the validation set.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from bpkit.plot._style import OKABE_ITO, TRAIN_COLOR, VAL_COLOR, class_cmap, color
from bpkit.plot.surfaces import grid_points
from bpkit.widgets._base import Explorer

HIDDEN = 32
N_TRAIN = 24
EPOCHS = 80
ETA = 0.3
MOMENTUM = 0.9  # reaches the overfitting regime in few epochs, which keeps each run short
PATIENCE = 10
GRID = 40
CHUNK = 256  # rows per model call: small matmuls stay single-threaded in BLAS (much faster here)
LOSS_MAX = 1.0


@lru_cache(maxsize=1)
def moons_data() -> dict[str, Any]:
    """Train (N_TRAIN points), validation (200 points) and the plotting grid, all seeded."""
    from bpkit.data import moons

    X, y = moons(N_TRAIN, noise=0.3, seed=1)
    X_val, y_val = moons(200, noise=0.3, seed=2)
    G, extent = grid_points(np.vstack([X, X_val]), GRID, margin=0.1)
    return {"X": X, "y": y, "X_val": X_val, "y_val": y_val, "grid": G, "extent": extent}


def predict_chunked(model: Any, X: np.ndarray) -> np.ndarray:
    """``model.predict`` on row blocks of CHUNK: array of shape (n, d_out)."""
    return np.concatenate([model.predict(X[i : i + CHUNK]) for i in range(0, len(X), CHUNK)])


@lru_cache(maxsize=256)
def train_regularized(penalty: str, lam: float, p_drop: float, early: bool) -> dict[str, Any]:
    """Fit the seeded 2-32-32-1 tanh net; return curves, the grid labels and weight norm."""
    from bpkit.model import mlp
    from bpkit.train import accuracy, fit

    d = moons_data()
    model = mlp([2, HIDDEN, HIDDEN, 1], activation="tanh", p_drop=p_drop, seed=0)
    h = fit(
        model,
        d["X"],
        d["y"],
        loss="bce",
        eta=ETA,
        momentum=MOMENTUM,
        epochs=EPOCHS,
        seed=0,
        l2=lam if penalty == "L2" else 0.0,
        l1=lam if penalty == "L1" else 0.0,
        X_val=d["X_val"],
        y_val=d["y_val"],
        patience=PATIENCE if early else None,
        progress=False,
    )
    logits = predict_chunked(model, d["grid"])[:, 0]
    sq = sum(float(np.sum(w**2)) for k, w in model.named_params().items() if k.endswith("W"))
    penalty_part = np.asarray(h.penalty, dtype=np.float64)
    return {
        "train_loss": np.asarray(h.loss, dtype=np.float64) - penalty_part,  # data part only
        "val_loss": np.asarray(h.val_loss, dtype=np.float64),
        "best_epoch": h.best_epoch,
        "stopped_epoch": h.stopped_epoch if early else None,
        "labels": (logits > 0).astype(np.float64).reshape(GRID, GRID),
        "weight_norm": float(np.sqrt(sq)),
        "train_acc": accuracy(model.predict(d["X"]), d["y"]),
        "val_acc": accuracy(model.predict(d["X_val"]), d["y_val"]),
    }


class RegularizationExplorer(Explorer):
    """Controls: penalty (none/L2/L1) and its strength lambda, dropout drop-probability, early
    stopping. Every control updates on release (a fresh training run takes ~50 ms; each
    setting's result is cached, so going back is instant).

    ``state`` after an update: the dict of ``train_regularized`` (curves, ``weight_norm``,
    accuracies, ``best_epoch``, ``stopped_epoch``) plus ``gap`` = final val - train loss.
    """

    figsize = (6.0, 2.6)

    def _controls(self) -> dict[str, Any]:
        style = {"description_width": "initial"}
        return {
            "penalty": widgets.Dropdown(
                options=["none", "L2", "L1"],
                value="none",
                description="penalty",
                style=style,
                layout=widgets.Layout(width="150px"),
            ),
            "lam": widgets.FloatLogSlider(
                value=1e-2,
                base=10,
                min=-4,
                max=0,
                step=0.1,
                description="λ (lambda)",
                readout_format=".2g",
                continuous_update=False,
                style=style,
            ),
            "p_drop": widgets.FloatSlider(
                value=0.0,
                min=0.0,
                max=0.8,
                step=0.05,
                description="dropout p_drop",
                continuous_update=False,
                style=style,
            ),
            "early_stop": widgets.Checkbox(value=False, description="early stopping", indent=False),
        }

    def _build(self, fig: Figure) -> None:
        d = moons_data()
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"wspace": 0.3})
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.18, top=0.88)
        ax1.set(
            xlim=(0, EPOCHS - 1),  # epochs 0 .. EPOCHS - 1, counted from 0 like fit's history
            ylim=(0, LOSS_MAX),
            xlabel="epoch",
            ylabel="loss $L$ (data)",
            title="training vs validation",
        )
        (self._tr,) = self._dyn(ax1.plot([], [], color=TRAIN_COLOR, lw=1.3, label="train"))
        (self._va,) = self._dyn(ax1.plot([], [], color=VAL_COLOR, lw=1.3, label="validation"))
        self._stop = self._dyn(ax1.axvline(0, color=OKABE_ITO["black"], lw=0.8, ls="--"))
        ax1.legend(frameon=False, loc="lower left", fontsize=6)
        self._img = self._dyn(
            ax2.imshow(
                np.zeros((GRID, GRID)),
                origin="lower",
                extent=d["extent"],
                cmap=class_cmap(2, True),
                vmin=-0.5,
                vmax=1.5,
                interpolation="nearest",
                aspect="auto",
            )
        )
        for c in (0, 1):
            pts = d["X"][d["y"] == c]
            self._dyn(
                ax2.scatter(
                    pts[:, 0],
                    pts[:, 1],
                    s=12,
                    color=color(c),
                    marker="os"[c],
                    edgecolors="white",
                    linewidths=0.4,
                )
            )
        ax2.set(xlabel="$x_1$", ylabel="$x_2$", title="decision regions (train points)")
        for ax in (ax1, ax2):
            self._style(ax)

    def _compute(self, values: dict[str, Any]) -> None:
        self.controls["lam"].disabled = values["penalty"] == "none"
        lam = 0.0 if values["penalty"] == "none" else round(float(values["lam"]), 12)
        r = train_regularized(
            values["penalty"], lam, round(float(values["p_drop"]), 6), bool(values["early_stop"])
        )
        ep = np.arange(r["train_loss"].size)  # epochs from 0, as fit's history counts them
        self._tr.set_data(ep, np.clip(r["train_loss"], 0, LOSS_MAX))
        self._va.set_data(ep, np.clip(r["val_loss"], 0, LOSS_MAX))
        if r["stopped_epoch"] is not None and r["best_epoch"] is not None:
            self._stop.set_xdata([r["best_epoch"]] * 2)
            self._stop.set_visible(True)
        else:
            self._stop.set_visible(False)
        self._img.set_data(r["labels"])
        gap = float(r["val_loss"][-1] - r["train_loss"][-1])
        note = (
            f" (early stop at epoch {r['stopped_epoch']}, weights of epoch {r['best_epoch']} kept)"
            if r["stopped_epoch"] is not None
            else ""
        )
        acc = f"accuracy train {r['train_acc']:.2f} / validation {r['val_acc']:.2f}"
        self.info.value = (
            f"<small>validation − training loss: <b>{gap:.2f}</b>{note} &nbsp;·&nbsp; "
            f"‖W‖ = {r['weight_norm']:.1f} &nbsp;·&nbsp; {acc}</small>"
        )
        self.state = dict(r, gap=gap)
