"""Learning-rate explorer: gradient descent with one eta on three problems side by side.

1. A 1-D tilted double well f(x) = x^4/4 - x^2/2 + 0.2 x, started at x = 2: a small eta crawls
   into the nearer (local) well, a larger one jumps to the global one, too large diverges.
2. An ill-conditioned 2-D bowl L(w) = (w_1^2 + kappa w_2^2) / 2: GD is stable only for
   eta < 2 / kappa, and the flat direction w_1 is slow for every stable eta.
3. A small tanh net on XOR-like data, trained full-batch with the same eta.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bpkit.plot._style import OKABE_ITO, PALETTE, SEQUENTIAL_CMAP
from bpkit.widgets._base import DIVERGED, Explorer, clip_diverged, eta_slider

KAPPA = 20.0
X0_1D = 2.0
W0_BOWL = (-4.0, 1.5)
MAX_STEPS = 200
LOSS_FLOOR = 1e-6


def f_1d(x: np.ndarray) -> np.ndarray:
    """The tilted double well f(x) = x^4/4 - x^2/2 + 0.2 x."""
    return x**4 / 4 - x**2 / 2 + 0.2 * x


def df_1d(x: np.ndarray) -> np.ndarray:
    return x**3 - x + 0.2


F_MIN_1D = float(f_1d(np.linspace(-2, 2, 40001)).min())


def bowl(w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
    """L(w) = (w_1^2 + kappa w_2^2) / 2, minimum 0 at the origin."""
    return 0.5 * (w1**2 + KAPPA * w2**2)


def gd_1d(eta: float, steps: int = MAX_STEPS) -> np.ndarray:
    """Iterates x_0 .. x_steps of gradient descent on ``f_1d``: array of shape (steps + 1,).

    Once |x| passes 1e6 the run has diverged; later iterates are inf.
    """
    xs = np.full(steps + 1, np.inf)
    x = X0_1D
    xs[0] = x
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            x = x - eta * df_1d(x)
            if not abs(x) < 1e6:
                break
            xs[t] = x
    return xs


def gd_bowl(eta: float, steps: int = MAX_STEPS) -> np.ndarray:
    """Iterates of GD on the bowl: array of shape (steps + 1, 2) (closed form per coordinate)."""
    t = np.arange(steps + 1)[:, None]
    factors = np.array([1.0 - eta, 1.0 - eta * KAPPA])
    with np.errstate(all="ignore"):
        path = np.asarray(W0_BOWL) * factors**t
    path[~np.isfinite(path)] = np.inf
    return path


NET_CHUNK = 50
_net_cache: dict[float, tuple[float, ...]] = {}


def net_losses(eta: float, steps: int) -> np.ndarray:
    """Training loss per epoch of a seeded 2-8-1 tanh net on XOR data, full batch, step ``eta``.

    Returns an array of shape (steps,); inf after a divergence. Cached per eta: the first k
    epochs of a longer run equal a run of k epochs (full batch, same seed), so a run is only
    extended, in chunks of NET_CHUNK epochs, when more steps are asked for.
    """
    cached = _net_cache.get(eta, ())
    if len(cached) < steps:
        from bpkit.data import xor
        from bpkit.model import mlp
        from bpkit.train import fit

        n_epochs = -(-steps // NET_CHUNK) * NET_CHUNK
        X, y = xor(n=64, noise=0.15, seed=0)
        model = mlp([2, 8, 1], activation="tanh", seed=0)
        h = fit(model, X, y, loss="bce", eta=eta, epochs=n_epochs, progress=False)
        out = list(h.loss)
        if h.diverged:
            out[-1] = np.inf
        cached = tuple(out + [np.inf] * (n_epochs - len(out)))
        if len(_net_cache) > 256:
            _net_cache.clear()
        _net_cache[eta] = cached
    return np.asarray(cached[:steps], dtype=np.float64)


class LearningRateExplorer(Explorer):
    """Drag eta (log scale, 1e-4 .. 10) and the number of steps; watch three problems respond.

    ``state`` after an update: ``x_1d`` (iterates), ``path`` (bowl iterates, (steps+1, 2)),
    ``final_dist`` (distance of the last bowl iterate from the minimum, inf when diverged),
    ``losses`` ({problem: per-step loss above its minimum}), ``diverged`` ({problem: bool}).
    """

    figsize = (6.6, 2.5)

    def _controls(self) -> dict[str, Any]:
        style = {"description_width": "initial"}
        return {
            "eta": eta_slider(0.05),
            "steps": widgets.IntSlider(
                value=50, min=1, max=MAX_STEPS, step=1, description="steps", style=style
            ),
        }

    def _build(self, fig: Figure) -> None:
        ax1, ax2, ax3 = fig.subplots(1, 3, gridspec_kw={"wspace": 0.45})
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.2, top=0.88)
        # 1-D well
        xs = np.linspace(-2.2, 2.2, 200)
        ax1.plot(xs, f_1d(xs), color=OKABE_ITO["black"], lw=1)
        ax1.set(
            xlim=(-2.2, 2.2),
            ylim=(-1.0, 2.5),
            xlabel="$x$",
            ylabel="$f(x)$",
            title="1-D: $x \\leftarrow x - \\eta f'(x)$",
        )
        (self._path1,) = self._dyn(ax1.plot([], [], "-o", color=PALETTE[0], ms=2.5, lw=0.7))
        self._stat1 = self._status(ax1)
        # bowl
        W1, W2 = np.meshgrid(np.linspace(-5, 5, 60), np.linspace(-2.5, 2.5, 60))
        ax2.contour(
            W1,
            W2,
            bowl(W1, W2),
            levels=np.geomspace(0.05, 120, 9),
            cmap=SEQUENTIAL_CMAP,
            linewidths=0.6,
        )
        ax2.plot([0], [0], "+", color=OKABE_ITO["black"], ms=6)
        ax2.set(
            xlim=(-5, 5),
            ylim=(-2.5, 2.5),
            xlabel="$w_1$",
            ylabel="$w_2$",
            title=f"bowl, $\\kappa$ = {KAPPA:g}",
        )
        (self._path2,) = self._dyn(ax2.plot([], [], "-o", color=PALETTE[1], ms=2.0, lw=0.7))
        self._stat2 = self._status(ax2)
        # loss per step
        ax3.set(
            yscale="log",
            ylim=(LOSS_FLOOR, DIVERGED * 3),
            xlabel="step",
            ylabel="$L - L^*$",
            title="loss above its minimum",
        )
        names = ("1-D", "bowl", "net (XOR)")
        self._curves = [
            self._dyn(ax3.plot([], [], color=PALETTE[i], lw=1.2, label=n)[0])
            for i, n in enumerate(names)
        ]
        ax3.legend(frameon=False, loc="lower left", fontsize=6)
        ax3.axhline(DIVERGED, color=OKABE_ITO["vermillion"], lw=0.6, ls=":")
        ax3.text(
            0.98,
            DIVERGED * 0.6,
            "diverged",
            ha="right",
            va="top",
            fontsize=6,
            color=OKABE_ITO["vermillion"],
            transform=ax3.get_yaxis_transform(),  # x in axes fractions: stays put as x changes
        )
        self._stat3 = self._status(ax3, y=0.8)
        for ax in (ax1, ax2, ax3):
            self._style(ax)
        ax3.xaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))

    def _compute(self, values: dict[str, Any]) -> None:
        eta, steps = float(values["eta"]), int(values["steps"])
        x = gd_1d(eta)[: steps + 1]
        path = gd_bowl(eta)[: steps + 1]
        net = net_losses(round(eta, 12), steps)
        t = np.arange(steps + 1)
        finite_x = x[np.isfinite(x)]
        self._path1.set_data(np.clip(finite_x, -2.2, 2.2), np.clip(f_1d(finite_x), -1, 2.5))
        shown = np.clip(np.where(np.isfinite(path), path, 1e6), -1e3, 1e3)
        self._path2.set_data(shown[:, 0], shown[:, 1])
        l1, d1 = clip_diverged(f_1d(x) - F_MIN_1D, LOSS_FLOOR)
        l2, d2 = clip_diverged(bowl(path[:, 0], path[:, 1]), LOSS_FLOOR)
        l3, d3 = clip_diverged(net, LOSS_FLOOR)
        self._fit_x(self.fig.axes[2], 0, steps)
        # the net's loss of epoch k is measured before its update, at iterate k (0 .. steps - 1)
        for line, ts, ls in (
            (self._curves[0], t, l1),
            (self._curves[1], t, l2),
            (self._curves[2], t[:-1], l3),
        ):
            line.set_data(ts, ls)
        self._stat1.set_text(f"diverged at step {d1}" if d1 >= 0 else "")
        self._stat2.set_text(f"diverged at step {d2}" if d2 >= 0 else "")
        gone = [n for n, d in (("1-D", d1), ("bowl", d2), ("net", d3)) if d >= 0]
        self._stat3.set_text("diverged: " + ", ".join(gone) if gone else "")
        end = path[-1]
        self.state = {
            "eta": eta,
            "steps": steps,
            "x_1d": x,
            "path": path,
            "final_dist": float(np.hypot(*end)) if np.all(np.isfinite(end)) else np.inf,
            "losses": {"1-D": l1, "bowl": l2, "net": l3},
            "diverged": {"1-D": d1 >= 0, "bowl": d2 >= 0, "net": d3 >= 0},
        }
