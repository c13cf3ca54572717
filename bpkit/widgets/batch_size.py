"""Batch-size explorer: one linear regression trained by ``bpkit.train.fit`` with batch size 1
(SGD) up to n (batch gradient descent), at a chosen eta.

The model ``Linear(1 -> 1)`` has two parameters (w, b), so its MSE loss is a 2-D surface and every
update is a point on it. Small batches take many cheap, noisy steps per epoch; the full batch
takes one smooth step per epoch.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bpkit.plot._style import OKABE_ITO, PALETTE, SEQUENTIAL_CMAP
from bpkit.widgets._base import Explorer, clip_diverged, eta_slider

N = 32
MAX_EPOCHS = 10
W0 = (-2.0, 2.5)  # start (w, b)
W_LIM, B_LIM = (-3.0, 5.0), (-4.0, 3.5)
LOSS_FLOOR = 1e-2
SHOWN_MAX = 1e3  # losses above this are drawn at the top and labelled "diverged"


@lru_cache(maxsize=1)
def regression_data() -> tuple[np.ndarray, np.ndarray]:
    """Seeded data y = 2 x - 1 + noise: X of shape (N, 1), y of shape (N, 1)."""
    g = np.random.default_rng(3)
    X = g.normal(0.5, 1.0, size=(N, 1))
    return X, 2.0 * X - 1.0 + 0.5 * g.standard_normal((N, 1))


def full_loss(w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MSE L(w, b) = sum((w x + b - y)^2) / (2n) on the whole data set, for arrays of (w, b)."""
    X, y = regression_data()
    x, t = X[:, 0], y[:, 0]
    # expand the square with the data's sums, so any shape of w, b works at once
    sx, sy, sxx, sxy, syy = x.mean(), t.mean(), (x * x).mean(), (x * t).mean(), (t * t).mean()
    return 0.5 * (w * w * sxx + 2 * w * b * sx + b * b - 2 * w * sxy - 2 * b * sy + syy)


def train_path(batch_size: int, eta: float, epochs: int) -> dict[str, np.ndarray]:
    """Train Linear(1 -> 1) with ``fit`` and record (w, b) before every update.

    Returns:
      ``path`` (n_updates + 1, 2), ``batch_loss`` (n_updates,) the loss of each mini-batch,
      ``epoch_of_update`` (n_updates + 1,) fractional epochs, ``diverged`` (bool array, 1 item).
    """
    from bpkit.layers import Linear
    from bpkit.losses import mse
    from bpkit.model import Sequential
    from bpkit.train import fit

    X, y = regression_data()
    model = Sequential(Linear(1, 1, seed=0))
    model.set_weights({"0.W": np.array([[W0[0]]]), "0.b": np.array([W0[1]])})
    layer = model.layers[0]
    points: list[tuple[float, float]] = []

    def recording_mse(y_hat: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
        points.append((float(layer.params["W"][0, 0]), float(layer.params["b"][0])))
        return mse(y_hat, target)

    h = fit(
        model,
        X,
        y,
        loss=recording_mse,
        eta=eta,
        batch_size=batch_size,
        epochs=epochs,
        seed=0,
        progress=False,
    )
    if not h.diverged:
        points.append((float(layer.params["W"][0, 0]), float(layer.params["b"][0])))
    path = np.asarray(points, dtype=np.float64)
    steps_per_epoch = -(-N // batch_size)
    return {
        "path": path,
        "batch_loss": np.asarray(h.update_loss, dtype=np.float64),
        "epoch_of_update": np.arange(len(path)) / steps_per_epoch,
        "diverged": np.array([h.diverged]),
    }


class BatchSizeExplorer(Explorer):
    """Sliders: batch size (1 .. n), eta (log), epochs. Slow controls update on release.

    ``state`` after an update: ``path`` (w, b per update), ``loss`` (full-data L at every point
    of the path), ``batch_loss``, ``n_updates``, ``diverged``, ``frac_up`` (the fraction of
    updates that raised the full-data loss: 0 for stable full-batch descent, large for SGD).
    """

    figsize = (6.0, 2.6)

    def _controls(self) -> dict[str, Any]:
        style = {"description_width": "initial"}
        return {
            "batch_size": widgets.IntSlider(
                value=1,
                min=1,
                max=N,
                description="batch size",
                continuous_update=False,
                style=style,
            ),
            "eta": eta_slider(0.05, continuous_update=False),
            "epochs": widgets.IntSlider(
                value=5,
                min=1,
                max=MAX_EPOCHS,
                description="epochs",
                continuous_update=False,
                style=style,
            ),
        }

    def _build(self, fig: Figure) -> None:
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"wspace": 0.35})
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.18, top=0.88)
        Wg, Bg = np.meshgrid(np.linspace(*W_LIM, 60), np.linspace(*B_LIM, 60))
        Z = full_loss(Wg, Bg)
        ax1.contour(
            Wg,
            Bg,
            Z,
            levels=np.geomspace(Z.min() + 0.02, Z.max(), 10),
            cmap=SEQUENTIAL_CMAP,
            linewidths=0.6,
        )
        ax1.plot(*W0, "o", color=OKABE_ITO["black"], ms=3)
        i_min = np.unravel_index(np.argmin(Z), Z.shape)
        ax1.plot(Wg[i_min], Bg[i_min], "+", color=OKABE_ITO["black"], ms=7)
        ax1.set(xlim=W_LIM, ylim=B_LIM, xlabel="$w$", ylabel="$b$", title="path on $L(w, b)$")
        (self._path,) = self._dyn(ax1.plot([], [], "-", color=PALETTE[0], lw=0.8))
        (self._end,) = self._dyn(ax1.plot([], [], "x", color=OKABE_ITO["vermillion"], ms=6))
        self._stat1 = self._status(ax1)
        ax2.set(
            yscale="log",
            ylim=(LOSS_FLOOR, SHOWN_MAX * 3),
            xlabel="epoch (passes over the data)",
            ylabel="$L$",
            title="loss",
        )
        (self._batch_line,) = self._dyn(
            ax2.plot([], [], color=PALETTE[5], lw=0.6, label="mini-batch $L$")
        )
        (self._full_line,) = self._dyn(
            ax2.plot([], [], color=PALETTE[0], lw=1.3, label="full-data $L$")
        )
        ax2.axhline(SHOWN_MAX, color=OKABE_ITO["vermillion"], lw=0.6, ls=":")
        ax2.text(
            0.98,
            SHOWN_MAX * 0.6,
            "diverged",
            ha="right",
            va="top",
            fontsize=6,
            color=OKABE_ITO["vermillion"],
            transform=ax2.get_yaxis_transform(),  # x in axes fractions: stays put as x changes
        )
        ax2.legend(frameon=False, loc="upper right", bbox_to_anchor=(1.0, 0.85), fontsize=6)
        self._stat2 = self._status(ax2, y=0.8)
        for ax in (ax1, ax2):
            self._style(ax)
        ax2.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))

    def _compute(self, values: dict[str, Any]) -> None:
        bs, eta, epochs = int(values["batch_size"]), float(values["eta"]), int(values["epochs"])
        r = train_path(bs, eta, epochs)
        self._fit_x(self.fig.axes[1], 0, epochs)
        path, t = r["path"], r["epoch_of_update"]
        shown = np.clip(np.where(np.isfinite(path), path, 1e6), -1e3, 1e3)
        self._path.set_data(shown[:, 0], shown[:, 1])
        self._end.set_data(shown[-1:, 0], shown[-1:, 1])
        L = full_loss(path[:, 0], path[:, 1])
        full, d_full = clip_diverged(L, LOSS_FLOOR, SHOWN_MAX)
        batch, _ = clip_diverged(r["batch_loss"], LOSS_FLOOR, SHOWN_MAX)
        self._full_line.set_data(t, full)
        self._batch_line.set_data(t[: batch.size], batch)
        diverged = bool(r["diverged"][0]) or d_full >= 0
        n_updates = max(len(path) - 1, 0)
        self._stat1.set_text(f"{n_updates} updates" + ("  diverged" if diverged else ""))
        self._stat1.set_color(OKABE_ITO["vermillion"] if diverged else OKABE_ITO["black"])
        self._stat2.set_text("diverged" if diverged else "")
        self.state = {
            "path": path,
            "loss": L,
            "batch_loss": r["batch_loss"],
            "n_updates": n_updates,
            "diverged": diverged,
            "frac_up": float(np.mean(np.diff(L) > 0)) if L.size > 1 else 0.0,
        }
