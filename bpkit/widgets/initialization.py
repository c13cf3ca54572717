"""Initialization explorer: how depth, activation and the initial weight scale decide whether
signals and gradients survive the trip through a deep network.

One seeded batch goes forward and backward through ``mlp([64] * depth + [1])`` (MSE on random
targets) and every layer's statistics are drawn: the spread of the activations, the fraction of
saturated (sigmoid/tanh) or dead (ReLU) units, and the gradient norm ||dL/dW||.

``depth`` counts Linear layers, as ``depth_profile`` in notebook 06 does: a net of depth 10 has
10 weight matrices W^(1) .. W^(10) and 9 hidden activations a^(1) .. a^(9) (the last Linear
layer gives the output).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bpkit.diagnostics import activation_stats, layer_grad_norms
from bpkit.plot._style import OKABE_ITO, PALETTE
from bpkit.widgets._base import Explorer

WIDTH = 64
N_EXAMPLES = (
    64  # keeps every matmul below the size where BLAS starts threads (slow on busy machines)
)
MIN_DEPTH, MAX_DEPTH = 2, 20  # Linear layers; depth 2 has one hidden layer
STD_RANGE = (1e-6, 1e4)
GRAD_RANGE = (1e-20, 1e6)
INITS = {"normal(scale)": "normal", "Xavier": "xavier_normal", "He": "he_normal"}


@lru_cache(maxsize=1)
def _batch() -> tuple[np.ndarray, np.ndarray]:
    g = np.random.default_rng(0)
    return g.standard_normal((N_EXAMPLES, WIDTH)), g.standard_normal((N_EXAMPLES, 1))


def scaled_normal(scale: float) -> Any:
    """An initializer ``init(shape, seed, dtype)`` drawing W ~ N(0, scale^2)."""
    from bpkit.init import normal

    def init(shape: Any, seed: Any = None, dtype: Any = np.float64) -> np.ndarray:
        return normal(shape, scale=scale, seed=seed, dtype=dtype)

    return init


def layer_statistics(depth: int, activation: str, init: str, scale: float) -> dict[str, np.ndarray]:
    """Forward and backward one seeded batch through ``mlp([64] * depth + [1])``.

    Inputs:
      depth: number of Linear layers (2 .. 20); activation: "sigmoid" | "tanh" | "relu";
      init: "normal" (with ``scale``), "xavier_normal" or "he_normal".
    Returns:
      ``{"std": (depth - 1,), "saturation": (depth - 1,), "grad_norm": (depth,), "loss"}``:
      the std and the saturated/dead fraction of each hidden activation, and ||dL/dW|| of every
      Linear layer (input side first, the output layer last).
    """
    from bpkit.losses import mse
    from bpkit.model import mlp

    X, y = _batch()
    initializer = scaled_normal(scale) if init == "normal" else init
    model = mlp(
        [WIDTH] * depth + [1],
        activation=activation,
        init=initializer,
        seed=0,
        record=True,
    )
    with np.errstate(all="ignore"):
        L, dout = mse(model.forward(X), y) if _finite(model, X) else (np.inf, None)
        if dout is None or not np.all(np.isfinite(dout)):
            return {
                "std": np.full(depth - 1, np.inf),
                "saturation": np.ones(depth - 1),
                "grad_norm": np.full(depth, np.inf),
                "loss": np.inf,
            }
        model.backward(dout)
        stats = activation_stats(model)
        norms = np.array(list(layer_grad_norms(model).values()))
    return {
        "std": np.array([s.std for s in stats]),
        "saturation": np.array([s.saturation for s in stats]),
        "grad_norm": norms,
        "loss": float(L),
    }


def _finite(model: Any, X: np.ndarray) -> bool:
    """Exploding activations overflow to inf; the losses (rightly) reject them."""
    with np.errstate(all="ignore"):
        return bool(np.all(np.isfinite(model.predict(X))))


class InitExplorer(Explorer):
    """Sliders for depth (the number of Linear layers), activation, initializer and the
    N(0, scale^2) scale. The x-axes show layers 1 .. depth.

    ``state`` after an update: ``std``, ``saturation`` (per hidden layer, depth - 1 values),
    ``grad_norm`` (per Linear layer, depth values, input side first), ``first_grad_norm`` (the
    first layer's ||dL/dW||) and ``ratio`` (first over last).
    """

    figsize = (6.6, 2.5)

    def _controls(self) -> dict[str, Any]:
        style = {"description_width": "initial"}
        return {
            "depth": widgets.IntSlider(
                value=10,
                min=MIN_DEPTH,
                max=MAX_DEPTH,
                description="depth (Linear layers)",
                style=style,
            ),
            "activation": widgets.Dropdown(
                options=["sigmoid", "tanh", "relu"],
                value="sigmoid",
                description="f",
                style=style,
                layout=widgets.Layout(width="130px"),
            ),
            "init": widgets.Dropdown(
                options=list(INITS),
                value="normal(scale)",
                description="init",
                style=style,
                layout=widgets.Layout(width="170px"),
            ),
            "scale": widgets.FloatLogSlider(
                value=0.1,
                base=10,
                min=-3,
                max=1,
                step=0.05,
                description="scale",
                readout_format=".3g",
                style=style,
            ),
        }

    def _build(self, fig: Figure) -> None:
        ax1, ax2, ax3 = fig.subplots(1, 3, gridspec_kw={"wspace": 0.5})
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.2, top=0.88)
        hidden = np.arange(1, MAX_DEPTH)  # a^(l) of the hidden layers l = 1 .. MAX_DEPTH - 1
        for ax in (ax1, ax2, ax3):
            ax.set_xlabel("layer $l$")
        ax1.set(yscale="log", ylim=STD_RANGE, ylabel="std of $a^{(l)}$", title="activations")
        (self._std_line,) = self._dyn(ax1.plot([], [], "-o", color=PALETTE[0], ms=2.5, lw=1))
        self._stat1 = self._status(ax1)
        ax2.set(ylim=(0, 1.05), ylabel="fraction", title="saturated / dead units")
        self._bars = self._dyn(
            list(ax2.bar(hidden, np.zeros(hidden.size), color=PALETTE[1], width=0.8))
        )
        ax3.set(
            yscale="log",
            ylim=GRAD_RANGE,
            ylabel="$\\|\\partial L/\\partial W^{(l)}\\|$",
            title="gradient norms",
        )
        (self._grad_line,) = self._dyn(ax3.plot([], [], "-o", color=PALETTE[2], ms=2.5, lw=1))
        self._stat3 = self._status(ax3)
        for ax in (ax1, ax2, ax3):
            self._style(ax)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        ax1.axhline(1.0, color=OKABE_ITO["black"], lw=0.5, ls=":")

    def _compute(self, values: dict[str, Any]) -> None:
        self.controls["scale"].disabled = values["init"] != "normal(scale)"
        depth = int(values["depth"])
        s = layer_statistics(
            depth, values["activation"], INITS[values["init"]], float(values["scale"])
        )
        std = np.clip(np.where(np.isfinite(s["std"]), s["std"], STD_RANGE[1]), *STD_RANGE)
        g = np.where(np.isfinite(s["grad_norm"]), s["grad_norm"], GRAD_RANGE[1])
        g = np.clip(g, *GRAD_RANGE)
        for ax in self.fig.axes:
            self._fit_x(ax, 0.4, depth + 0.6)  # layers 1 .. depth
        self._std_line.set_data(np.arange(1, depth), std)
        for i, bar in enumerate(self._bars):
            bar.set_height(s["saturation"][i] if i < depth - 1 else 0.0)
        self._grad_line.set_data(np.arange(1, depth + 1), g)
        exploded = not np.isfinite(s["loss"])
        self._stat1.set_text("overflow: activations exploded" if exploded else "")
        ratio = g[0] / g[-1]
        if exploded:
            msg = "exploded (overflow)"
        elif g[0] < 1e-6 or ratio < 1e-3:
            msg = f"vanishing: first/last = {ratio:.0e}"
        elif g[0] > 1e3 or ratio > 1e3:
            msg = "exploding gradients"
        else:
            msg = ""
        self._stat3.set_text(msg)
        self.state = dict(s, first_grad_norm=float(s["grad_norm"][0]), ratio=float(ratio))
