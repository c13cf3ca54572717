"""Playground explorer: a small network that trains while you watch.

A binary classifier ``mlp([2, *hidden, 1])`` (logits, binary cross-entropy) learns one of four
2-D data sets from bpkit.data. Every frame trains one epoch of mini-batch SGD (bpkit's own
:class:`~bpkit.optim.SGD`, with L2 and dropout) and redraws: the decision map with the training
points, the training and test loss per epoch, and the network, whose edges show the live
weights and whose neurons each show a small map of their own activation over the input plane.

Play runs the frames as a task on the kernel's event loop, so the kernel stays free between
frames: a click on pause (or any control) is handled before the next frame, which stops the
run at once or uses the new value. Training pauses by itself after ``MAX_EPOCHS`` epochs or when
the loss diverges. Without a running event loop (scripts, tests) use :meth:`run` or :meth:`frame`.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from bpkit import data
from bpkit.functional import sigmoid
from bpkit.layers import Dropout, Linear
from bpkit.losses import get_loss
from bpkit.model import mlp
from bpkit.optim import SGD
from bpkit.plot._style import DIVERGING_CMAP, TRAIN_COLOR, VAL_COLOR
from bpkit.plot.diagram import NetworkDiagram
from bpkit.train import minibatches
from bpkit.widgets._base import Explorer, eta_slider

__all__ = ["DATASETS", "PlaygroundExplorer", "make_data"]

N = 200  # training examples, and as many test examples
GRID = 32  # the maps are GRID x GRID points over the input plane
MAX_EPOCHS = 2000
MAX_FPS = 20.0
LOSS_TOP = 1.0
HIDDEN = ("2", "4", "8", "4, 4", "8, 8", "6, 6, 6", "8, 8, 8")
L2S = (0.0, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1)
BATCHES = (1, 5, 10, 25, 50, N)
STRUCTURE = ("dataset", "noise", "activation", "hidden", "p_drop")  # a change starts again
DATASETS = {
    "xor": lambda n, noise, seed: data.xor(n, noise=noise, seed=seed),
    "moons": lambda n, noise, seed: data.moons(n, noise=noise, seed=seed),
    "circles": lambda n, noise, seed: data.circles(n, noise=noise, seed=seed),
    "spirals": lambda n, noise, seed: data.spirals(n, k=2, noise=noise, seed=seed),
}


def make_data(name: str, noise: float) -> tuple[np.ndarray, ...]:
    """Training and test sets of one problem: X_train, y_train, X_test, y_test with X of shape
    (N, 2) and y of shape (N, 1) in {0, 1} (seeds 0 and 1)."""
    X, y = DATASETS[name](N, noise, 0)
    X_test, y_test = DATASETS[name](N, noise, 1)
    return X, y[:, None].astype(float), X_test, y_test[:, None].astype(float)


class PlaygroundExplorer(Explorer):
    """A network that trains live: buttons play, pause, +1 epoch and restart.

    Controls: ``dataset`` (xor, moons, circles, spirals), ``noise``, ``eta`` (log slider),
    ``activation``, ``hidden`` (hidden layer sizes), ``l2``, ``p_drop`` (dropout) and
    ``batch_size``. A change of eta, l2 or the batch size applies from the next epoch on; any
    other change builds the data and a fresh network (seed 0) and starts again.

    ``state`` after each frame: ``epoch`` (epochs trained), ``train_loss`` and ``test_loss``
    (lists, one per epoch, the data loss in eval mode), ``accuracy`` (on the test set),
    ``diverged`` and ``playing``.
    """

    figsize = (9.0, 2.9)

    def __init__(self, *, mode: str = "auto", **values: Any) -> None:
        self._initial = values
        self.playing = False
        self._task: asyncio.Task | None = None
        super().__init__(mode=mode)
        buttons = {
            "play": ("play", "play"),
            "pause": ("pause", "pause"),
            "step": ("+1 epoch", "step-forward"),
            "restart": ("restart", "refresh"),
        }
        self.buttons = {k: widgets.Button(description=text, icon=icon,
                                          layout=widgets.Layout(width="100px"))
                        for k, (text, icon) in buttons.items()}  # fmt: skip
        self.buttons["play"].on_click(lambda _: self.play())
        self.buttons["pause"].on_click(lambda _: self.pause())
        self.buttons["step"].on_click(lambda _: self.frame())
        self.buttons["restart"].on_click(lambda _: self.restart())
        self._show_playing()
        box = self.widget.children[0]
        self.widget.children = (widgets.HBox(list(self.buttons.values())), *self.widget.children)
        box.layout.flex_flow = "row wrap"

    def _controls(self) -> dict[str, Any]:
        style = {"description_width": "initial"}
        short = widgets.Layout(width="230px")
        v = {"dataset": "xor", "noise": 0.1, "eta": 0.1, "activation": "tanh", "hidden": "4, 4",
             "l2": 0.0, "p_drop": 0.0, "batch_size": 10, **self._initial}  # fmt: skip
        return {
            "dataset": widgets.Dropdown(options=list(DATASETS), value=v["dataset"],
                                        description="data", style=style, layout=short),
            "noise": widgets.FloatSlider(value=v["noise"], min=0.0, max=0.5, step=0.05,
                                         description="noise", style=style, layout=short),
            "eta": eta_slider(v["eta"], layout=short),
            "activation": widgets.Dropdown(options=["tanh", "relu", "sigmoid", "leaky_relu"],
                                           value=v["activation"], description="activation",
                                           style=style, layout=short),
            "hidden": widgets.Dropdown(options=list(HIDDEN), value=v["hidden"],
                                       description="hidden layers", style=style, layout=short),
            "l2": widgets.SelectionSlider(options=list(L2S), value=v["l2"], description="L2 λ",
                                          style=style, layout=short),
            "p_drop": widgets.FloatSlider(value=v["p_drop"], min=0.0, max=0.6, step=0.05,
                                          description="p_drop", style=style, layout=short),
            "batch_size": widgets.SelectionSlider(options=list(BATCHES), value=v["batch_size"],
                                                  description="batch size", style=style,
                                                  layout=short),
        }  # fmt: skip

    # ----- figure -----------------------------------------------------------------------------
    def _build(self, fig: Figure) -> None:
        self._map_ax = fig.add_axes((0.03, 0.13, 0.22, 0.76))
        self._loss_ax = fig.add_axes((0.32, 0.17, 0.2, 0.72))
        self._net_ax = fig.add_axes((0.55, 0.0, 0.44, 0.88))
        self._cmap = mpl.colormaps[DIVERGING_CMAP]
        ax = self._loss_ax
        (self._train_line,) = ax.plot([], [], color=TRAIN_COLOR, lw=1.2, label="train")
        (self._test_line,) = ax.plot([], [], color=VAL_COLOR, lw=1.2, label="test")
        ax.set(xlim=(0, 50), ylim=(0, LOSS_TOP), xlabel="epoch", ylabel="$L$ (cross-entropy)")
        ax.legend(frameon=False, loc="upper right")
        self._style(ax)
        self._status_text = self._status(ax, y=0.12)
        self._map = self._map_ax.imshow(
            np.zeros((GRID, GRID)), origin="lower", cmap=self._cmap, vmin=0.0, vmax=1.0,
            alpha=0.75, interpolation="bilinear",
        )  # fmt: skip
        self._map_ax.set_aspect("auto")
        self._map_ax.set_title("decision map, $\\sigma(z)$", fontsize=8)
        self._map_ax.set_xticks([])
        self._map_ax.set_yticks([])
        self._points = self._map_ax.scatter([], [], s=5, linewidths=0.3, edgecolors="white")
        self._structure: tuple = ()
        self._net: dict[str, Any] = {}
        self._setup(self.values)

    def _setup(self, values: dict[str, Any]) -> None:
        """New data and a fresh network for the structural controls; redraw the static parts."""
        X, y, Xt, yt = make_data(values["dataset"], float(values["noise"]))
        self._data = (X, y, Xt, yt)
        both = np.concatenate([X, Xt])
        lo, hi = both.min(axis=0) - 0.25, both.max(axis=0) + 0.25
        self._extent = (lo[0], hi[0], lo[1], hi[1])
        g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID))
        self._grid = np.column_stack([g0.ravel(), g1.ravel()])
        self._map.set_extent(self._extent)
        self._map_ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]))
        self._points.set_offsets(X)
        self._points.set_facecolor(self._cmap(np.where(y[:, 0] > 0.5, 0.92, 0.08)))
        hidden = [int(s) for s in str(values["hidden"]).split(",")]
        self.model = mlp([2, *hidden, 1], activation=values["activation"],
                         p_drop=float(values["p_drop"]), seed=0)  # fmt: skip
        self.opt = SGD(self.model, eta=float(values["eta"]))
        self._shuffle = np.random.default_rng(0)
        self.epoch, self.diverged = 0, False
        self.train_loss: list[float] = []
        self.test_loss: list[float] = []
        self._loss = get_loss("bce")
        self._build_net([2, *hidden, 1])
        self._structure = tuple(values[k] for k in STRUCTURE)
        self._stale = True

    def _build_net(self, sizes: list[int]) -> None:
        """The diagram with one small map per neuron (rebuilt when the layer sizes change)."""
        if self._net.get("sizes") == sizes:
            return
        ax = self._net_ax
        for artist in self._net.get("artists", []):
            artist.remove()
        ax.set_title("")
        d = NetworkDiagram(ax, sizes, names=False, node_size=0.0)
        fig_w, fig_h = self.fig.get_size_inches()
        box = ax.get_position()
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        per_x = box.width * fig_w / (x1 - x0)  # inches per data unit
        per_y = box.height * fig_h / (y1 - y0)
        half = min(0.22 * per_x, 0.42 * (1.0 / max(max(sizes) - 1, 1)) * per_y, 0.3)  # inches
        hx, hy = half / per_x, half / per_y
        images = []
        for p in d.pos:
            row = []
            for x, y in p:
                im = ax.imshow(np.zeros((GRID, GRID)), origin="lower", cmap=self._cmap, vmin=-1,
                               vmax=1, extent=(x - hx, x + hx, y - hy, y + hy), zorder=3,
                               interpolation="nearest")  # fmt: skip
                im.set_clip_path(None)
                row.append(im)
            images.append(row)
        ax.set(xlim=(x0, x1), ylim=(y0, y1), aspect="auto")  # imshow would make it "equal"
        ax.set_title("the network: edges = weights, squares = each neuron's $a$", fontsize=8)
        artists = [*d.edges, d.nodes, *(t for col in d.values for t in col)]
        artists += [im for row in images for im in row]
        self._net = {"sizes": sizes, "diagram": d, "images": images, "artists": artists}
        self._dynamic = []
        self._dyn([self._map, self._train_line, self._test_line, self._status_text, *d.edges])
        self._dyn([im for row in images for im in row])

    # ----- training ---------------------------------------------------------------------------
    def _train_epoch(self, values: dict[str, Any]) -> None:
        X, y, Xt, yt = self._data
        self.opt.eta, self.opt.l2 = float(values["eta"]), float(values["l2"])
        model, loss = self.model, self._loss
        model.train()
        for idx in minibatches(N, int(values["batch_size"]), self._shuffle):
            out = model.forward(X[idx])
            L, dout = loss(out, y[idx])
            if not np.isfinite(L):
                self.diverged = True
                break
            model.backward(dout, input_grad=False)
            self.opt.step()
        model.eval()
        out = model.forward(np.concatenate([X, Xt]))
        L_train, L_test = loss(out[:N], y)[0], loss(out[N:], yt)[0]
        self.diverged = self.diverged or not (np.isfinite(L_train) and np.isfinite(L_test))
        self.train_loss.append(L_train)
        self.test_loss.append(L_test)
        self.epoch += 1

    def _compute(self, values: dict[str, Any]) -> None:
        if tuple(values[k] for k in STRUCTURE) != self._structure:
            self._setup(values)
        model = self.model
        model.eval()
        model.record = True
        model.forward(self._grid)
        model.record = False
        hidden = [r.output for r in model.records if not isinstance(r.layer, Linear | Dropout)]
        recs = [*hidden, model.records[-1].output]  # the hidden a's, then the output logits
        prob = sigmoid(recs[-1]).reshape(GRID, GRID)
        self._map.set_data(prob)
        d, images = self._net["diagram"], self._net["images"]
        maps = [self._grid[:, 0:1], self._grid[:, 1:2], *recs]
        outs = [np.column_stack(maps[:2]), *maps[2:]]
        for lyr, row in enumerate(images):
            acts = outs[lyr] if lyr < len(outs) - 1 else 2 * prob.reshape(-1, 1) - 1
            # one fixed scale (|a| = 1 darkest) unless a unit exceeds it: a near-zero unit is
            # drawn pale, not stretched to full contrast
            lim = np.maximum(np.max(np.abs(acts), axis=0), 1.0)
            lim = np.where(np.isfinite(lim), lim, 1.0)
            for j, im in enumerate(row):
                im.set_data((acts[:, j] / lim[j]).reshape(GRID, GRID))
        lins = [layer for layer in model.layers if isinstance(layer, Linear)]
        wlim = max(float(np.abs(layer.W).max()) for layer in lins)
        for lyr, layer in enumerate(lins, start=1):
            d.set_edges(lyr, layer.W, lim=wlim if np.isfinite(wlim) else 1.0)
        epochs = np.arange(1, self.epoch + 1)
        self._train_line.set_data(epochs, np.clip(self.train_loss, 0, LOSS_TOP))
        self._test_line.set_data(epochs, np.clip(self.test_loss, 0, LOSS_TOP))
        self._fit_x(self._loss_ax, 0, float(max(50, 2 ** int(np.ceil(np.log2(self.epoch + 1))))))
        self._status_text.set_text("diverged: lower η" if self.diverged else "")
        X, y, Xt, yt = self._data
        acc = float(np.mean((model.forward(Xt) > 0) == (yt > 0.5)))
        last = (f"train loss {self.train_loss[-1]:.3f} · test loss {self.test_loss[-1]:.3f} · "
                if self.train_loss else "")  # fmt: skip
        self.info.value = f"epoch {self.epoch} · {last}test accuracy {acc:.0%}"
        self.state = {"epoch": self.epoch, "train_loss": list(self.train_loss),
                      "test_loss": list(self.test_loss), "accuracy": acc,
                      "diverged": self.diverged, "playing": self.playing}  # fmt: skip

    # ----- public -----------------------------------------------------------------------------
    def frame(self, epochs: int = 1) -> None:
        """Train ``epochs`` epochs with the current control values, then redraw."""
        values = self.values
        if tuple(values[k] for k in STRUCTURE) != self._structure:
            self._setup(values)
        with np.errstate(all="ignore"):
            for _ in range(epochs):
                if self.diverged:
                    break
                self._train_epoch(values)
        self.update()

    def run(self, epochs: int) -> dict[str, Any]:
        """Train ``epochs`` epochs now (blocking) and redraw once; returns ``state``."""
        self.frame(epochs)
        return self.state

    def restart(self) -> None:
        """A fresh network (seed 0) on the same data; the curves start again."""
        self._structure = ()
        self.update()

    def play(self) -> None:
        """Train frame after frame on the kernel's event loop until paused."""
        if self.playing:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                "play() needs a running event loop (a Jupyter kernel); in a script use run(epochs)"
            ) from None
        self.playing = True
        self._show_playing()
        self._task = loop.create_task(self._play())

    def pause(self) -> None:
        """Stop training now: no frame starts after this call."""
        self.playing = False
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._show_playing()

    async def _play(self) -> None:
        try:
            while self.playing and not self.diverged and self.epoch < MAX_EPOCHS:
                t0 = time.perf_counter()
                self.frame()
                # yield to the kernel: clicks and control changes are handled here
                await asyncio.sleep(max(0.005, 1.0 / MAX_FPS - (time.perf_counter() - t0)))
        finally:
            if self.playing:  # stopped by itself (diverged or MAX_EPOCHS)
                self.playing = False
                self._task = None
                self._show_playing()

    def _show_playing(self) -> None:
        if hasattr(self, "buttons"):
            self.buttons["play"].disabled = self.playing
            self.buttons["pause"].disabled = not self.playing
            self.buttons["step"].disabled = self.playing
        self.state["playing"] = self.playing

    def _on_change(self, change: dict[str, Any]) -> None:
        if self.playing:  # the next frame reads every control
            return
        super()._on_change(change)

    def close(self) -> None:
        self.pause()
        for b in getattr(self, "buttons", {}).values():
            b.close()
        super().close()
