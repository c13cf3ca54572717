"""BPTT explorer: how the sequence length and the scale of W_h decide whether the error survives
the trip back through time.

A seeded tanh RNN (``bpkit.recurrent.RNN``, 32 hidden units) reads a batch of random sequences;
one loss at the last step sends its error back with full BPTT, and the picture shows
``||dL/dh_t||`` against the lag T - t, next to the eigenvalues of ``W_h`` (their size on a log axis,
where the unit circle is the line |lambda| = 1).
``W_h`` is one fixed random matrix rescaled to the chosen spectral radius, so moving the slider
changes only its scale. With ``f = "linear"`` the norms follow radius ** lag almost exactly;
tanh can only shrink them further (0 < tanh' <= 1).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from bpkit.plot._style import OKABE_ITO, PALETTE
from bpkit.recurrent import RNN, with_radius
from bpkit.widgets._base import Explorer

T_MAX = 200
D_H = 32
D_IN = 4
N_EXAMPLES = 16
NORM_RANGE = (1e-20, 1e12)
EIG_RANGE = (3e-3, 30.0)
ACTIVATIONS = ("tanh", "linear")


@lru_cache(maxsize=1)
def _setup() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fixed inputs (n, T_MAX, d_in), W_x, W_h with spectral radius 1, and the upstream error."""
    g = np.random.default_rng(0)
    X = 0.5 * g.standard_normal((N_EXAMPLES, T_MAX, D_IN))
    W_x = g.standard_normal((D_H, D_IN)) / np.sqrt(D_IN)
    W_h = with_radius(g.standard_normal((D_H, D_H)), 1.0)
    G = g.standard_normal((N_EXAMPLES, D_H)) / N_EXAMPLES
    return X, W_x, W_h, G


def lag_profile(T: int, radius: float, activation: str = "tanh") -> np.ndarray:
    """``||dL/dh_t||`` for a loss at the last step, by lag: entry j is step T - j.

    Inputs:
      T: sequence length (1 .. T_MAX); radius: spectral radius of W_h (> 0);
      activation: "tanh" or "linear".
    Returns:
      array of shape (T,), lag 0 first (may hold inf when the error explodes past float64).
    """
    X, W_x, W_h, G = _setup()
    layer = _layer(activation)
    layer.params["W_h"][...] = W_h * radius
    with np.errstate(all="ignore"):
        layer.forward(X[:, :T])
        layer.backward(G)
        norms = np.sqrt(np.einsum("ntd,ntd->t", layer.dH, layer.dH))
    return norms[::-1]


@lru_cache(maxsize=1)
def _eigenvalues() -> np.ndarray:
    return np.linalg.eigvals(_setup()[2])


@lru_cache(maxsize=len(ACTIVATIONS))
def _layer(activation: str) -> RNN:
    _, W_x, _, _ = _setup()
    layer = RNN(D_IN, D_H, activation=activation)
    layer.params["W_x"][...] = W_x
    return layer


class BPTTExplorer(Explorer):
    """Sliders for the sequence length T and the spectral radius of W_h (and f).

    ``state`` after an update: ``norms`` (``||dL/dh_t||`` by lag, lag 0 first), ``ratio``
    (``||dL/dh_1|| / ||dL/dh_T||``) and ``factor`` (the geometric-mean change per step back).
    """

    figsize = (6.6, 2.6)

    def _controls(self) -> dict[str, Any]:
        style = {"description_width": "initial"}
        return {
            "T": widgets.IntSlider(
                value=50, min=2, max=T_MAX, step=1, description="T (length)", style=style
            ),
            "radius": widgets.FloatLogSlider(
                value=0.9,
                base=10,
                min=-1,
                max=1,
                step=0.01,
                description="radius of W_h",
                readout_format=".3g",
                style=style,
            ),
            "f": widgets.Dropdown(
                options=list(ACTIVATIONS),
                value="tanh",
                description="f",
                style=style,
                layout=widgets.Layout(width="130px"),
            ),
        }

    def _build(self, fig: Figure) -> None:
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 2.2], "wspace": 0.35})
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.2, top=0.88)
        ax1.axvline(1.0, color=OKABE_ITO["black"], lw=0.6, ls=":")
        ax1.set(
            xscale="log",
            xlim=EIG_RANGE,
            ylim=(-190, 190),
            xlabel="$|\\lambda|$ (1 = the unit circle)",
            ylabel="angle of $\\lambda$ (degrees)",
            title="eigenvalues $\\lambda$ of $W_h$",
        )
        self._eig = self._dyn(ax1.scatter([], [], s=6, color=PALETTE[0]))
        self._eig_text = self._status(ax1, x=0.03, y=0.97, color=OKABE_ITO["black"])
        ax2.set(
            yscale="log",
            xlim=(0, T_MAX),
            ylim=NORM_RANGE,
            xlabel="lag $T - t$ (steps back from the loss)",
            ylabel="$\\|\\partial L/\\partial h_t\\|$",
            title="the error flowing back through time",
        )
        (self._line,) = self._dyn(ax2.plot([], [], "-", color=PALETTE[1], lw=1.4))
        (self._ref,) = self._dyn(ax2.plot([], [], "--", color=PALETTE[2], lw=0.9))
        self._status2 = self._status(ax2)
        for ax in (ax1, ax2):
            self._style(ax)
        ax2.legend(
            [self._line, self._ref],
            ["BPTT", "radius$^{lag}$ (the linear rate)"],
            loc="lower left",
            fontsize=7,
            frameon=False,
        )

    def _compute(self, values: dict[str, Any]) -> None:
        T, radius, f = int(values["T"]), float(values["radius"]), values["f"]
        norms = lag_profile(T, radius, f)
        lags = np.arange(T)
        shown = np.clip(np.where(np.isfinite(norms), norms, NORM_RANGE[1]), *NORM_RANGE)
        self._line.set_data(lags, shown)
        with np.errstate(all="ignore"):
            ref = np.clip(norms[0] * radius**lags, *NORM_RANGE)
        self._ref.set_data(lags, ref)
        eig = _eigenvalues() * radius
        self._eig.set_offsets(np.column_stack([np.abs(eig), np.degrees(np.angle(eig))]))
        self._eig_text.set_text(f"radius {radius:.2g}")
        first, last = norms[-1], norms[0]
        with np.errstate(all="ignore"):
            ratio = float(first / last)
            factor = float(ratio ** (1.0 / max(T - 1, 1)))
        if not np.isfinite(ratio) or ratio > 1e3:
            msg = (
                f"exploding: x{ratio:.0e} over {T - 1} steps" if np.isfinite(ratio) else "overflow"
            )
        elif ratio < 1e-3:
            msg = f"vanishing: x{ratio:.0e} over {T - 1} steps"
        else:
            msg = ""
        self._status2.set_text(msg)
        self.info.value = (
            f"||dL/dh_1|| / ||dL/dh_T|| = {ratio:.2e}, about x{factor:.3f} per step back "
            f"(radius {radius:.3g})"
        )
        self.state = {"norms": norms, "ratio": ratio, "factor": factor}


__all__ = ["BPTTExplorer", "lag_profile"]
