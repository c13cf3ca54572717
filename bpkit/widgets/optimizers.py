"""Optimizers explorer: SGD, momentum, Nesterov, RMSprop and Adam side by side on a 2-D surface.

The surfaces (also used by notebook 10's race) are small closed-form functions of two
parameters ``w = (w_1, w_2)``:

* ``bowl``: an ill-conditioned quadratic, ``(w_1^2 + 50 w_2^2) / 2``;
* ``valley``: a Rosenbrock-like curved valley, ``(1 - w_1)^2 + 10 (w_2 - w_1^2)^2``;
* ``saddle``: ``w_1^2 / 2 + w_2^4 / 4 - w_2^2 / 2``, a saddle at the origin between two
  minima at ``(0, +-1)``, started almost on the ridge line ``w_2 = 0``;
* ``wells``: a sum of two tilted double wells, ``sum_i (w_i^2 - 1)^2 + c_i w_i``: four minima
  of different depths.

Every optimizer is bpkit's own (:mod:`bpkit.optim`), stepping on ``{"w": w}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bpkit.optim import UpdateRule, get_optimizer
from bpkit.plot._style import OKABE_ITO, PALETTE, SEQUENTIAL_CMAP
from bpkit.widgets._base import DIVERGED, Explorer, clip_diverged, eta_slider

__all__ = ["NAMES", "SURFACES", "OptimizersExplorer", "Surface", "make_rules", "trajectory"]

NAMES = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
LABELS = {"sgd": "SGD", "momentum": "momentum", "nesterov": "Nesterov", "rmsprop": "RMSprop",
          "adam": "Adam"}  # fmt: skip
MAX_STEPS = 300
LOSS_FLOOR = 1e-8
ESCAPE = 1e6  # a coordinate beyond this counts as diverged; the run stops there


@dataclass(frozen=True)
class Surface:
    """A loss over two parameters: ``f(w)``, ``grad(w)`` (w of shape (2,) or (k, 2)), where
    runs start, the lowest value ``f_min``, and the window the explorer draws."""

    name: str
    f: Callable[[np.ndarray], Any]
    grad: Callable[[np.ndarray], np.ndarray]
    start: tuple[float, float]
    f_min: float
    xlim: tuple[float, float]
    ylim: tuple[float, float]


def _bowl_f(w):
    w = np.asarray(w, dtype=float)
    return 0.5 * (w[..., 0] ** 2 + 50.0 * w[..., 1] ** 2)


def _bowl_g(w):
    w = np.asarray(w, dtype=float)
    if w.ndim == 1:  # one point: plain float arithmetic is several times faster than stack
        return np.array([w[0], 50.0 * w[1]])
    return np.stack([w[..., 0], 50.0 * w[..., 1]], axis=-1)


def _valley_f(w):
    w = np.asarray(w, dtype=float)
    x, y = w[..., 0], w[..., 1]
    return (1.0 - x) ** 2 + 10.0 * (y - x * x) ** 2


def _valley_g(w):
    w = np.asarray(w, dtype=float)
    x, y = w[..., 0], w[..., 1]
    if w.ndim == 1:
        x, y = float(x), float(y)
        return np.array([-2.0 * (1.0 - x) - 40.0 * x * (y - x * x), 20.0 * (y - x * x)])
    return np.stack([-2.0 * (1.0 - x) - 40.0 * x * (y - x * x), 20.0 * (y - x * x)], axis=-1)


def _saddle_f(w):
    w = np.asarray(w, dtype=float)
    x, y = w[..., 0], w[..., 1]
    return 0.5 * x * x + 0.25 * y**4 - 0.5 * y * y


def _saddle_g(w):
    w = np.asarray(w, dtype=float)
    x, y = w[..., 0], w[..., 1]
    if w.ndim == 1:
        x, y = float(x), float(y)
        return np.array([x, y**3 - y])
    return np.stack([x, y**3 - y], axis=-1)


TILT = np.array([0.3, 0.5])


def _wells_f(w):
    w = np.asarray(w, dtype=float)
    return ((w * w - 1.0) ** 2 + TILT * w).sum(axis=-1)


def _wells_g(w):
    w = np.asarray(w, dtype=float)
    return 4.0 * w * (w * w - 1.0) + TILT


def _wells_argmin() -> np.ndarray:
    """The deepest point of each coordinate's well: a grid search, then Newton steps."""
    x = np.linspace(-1.5, 1.5, 3001)
    w = np.array([x[((x * x - 1) ** 2 + c * x).argmin()] for c in TILT])
    for _ in range(20):
        w = w - (4 * w * (w * w - 1) + TILT) / (12 * w * w - 4)
    return w


def _wells_min() -> float:
    return float(_wells_f(_wells_argmin()))


SURFACES: dict[str, Surface] = {
    "bowl": Surface("bowl", _bowl_f, _bowl_g, (-4.0, 1.0), 0.0, (-5.0, 5.0), (-1.6, 1.6)),
    "valley": Surface("valley", _valley_f, _valley_g, (-1.5, 2.0), 0.0, (-2.0, 2.0), (-1.0, 3.0)),
    "saddle": Surface("saddle", _saddle_f, _saddle_g, (2.0, 1e-3), -0.25, (-2.5, 2.5), (-1.6, 1.6)),
    "wells": Surface(
        "wells", _wells_f, _wells_g, (1.4, 1.3), _wells_min(), (-1.8, 1.8), (-1.8, 1.8)
    ),  # fmt: skip
}


def make_rules(eta: float, beta1: float = 0.9, beta2: float = 0.999) -> dict[str, UpdateRule]:
    """The five optimizers with one eta: momentum and Nesterov use ``beta1``, RMSprop uses
    ``beta2`` for its running mean of g**2, Adam both."""
    return {
        "sgd": get_optimizer("sgd", eta=eta),
        "momentum": get_optimizer("momentum", eta=eta, beta=beta1),
        "nesterov": get_optimizer("nesterov", eta=eta, beta=beta1),
        "rmsprop": get_optimizer("rmsprop", eta=eta, beta=beta2),
        "adam": get_optimizer("adam", eta=eta, beta1=beta1, beta2=beta2),
    }


def trajectory(
    rule: UpdateRule, surface: Surface | str, steps: int, start: Any = None
) -> np.ndarray:
    """Iterates ``w_0 .. w_steps`` of ``rule`` on ``surface``: array of shape (steps + 1, 2).

    A run whose coordinates leave ``[-1e6, 1e6]`` (or turn NaN) has diverged: its later rows
    are inf.
    """
    s = SURFACES[surface] if isinstance(surface, str) else surface
    path = np.full((steps + 1, 2), np.inf)
    w = np.array(s.start if start is None else start, dtype=float)
    path[0] = w
    _extend(rule, s, path, 0, steps)
    return path


def _extend(rule: UpdateRule, s: Surface, path: np.ndarray, done: int, steps: int) -> int:
    """Continue a run from row ``done`` of ``path`` (the rule holds its state) up to ``steps``;
    return the last row reached (less than ``steps`` when the run diverged)."""
    w = path[done].copy()
    params, grad, step = {"w": w}, s.grad, rule.step
    with np.errstate(all="ignore"):
        for t in range(done + 1, steps + 1):
            step(params, {"w": grad(w)})
            a, b = float(w[0]), float(w[1])
            if not (abs(a) < ESCAPE and abs(b) < ESCAPE):  # also False for NaN
                return t - 1
            path[t, 0], path[t, 1] = a, b
    return steps


class OptimizersExplorer(Explorer):
    """Five optimizers on one surface: the paths (left) and the loss above its minimum (right).

    Controls: ``eta`` (log slider, one rate for all five), ``beta1`` (momentum, Nesterov and
    Adam's first moment), ``beta2`` (RMSprop and Adam's second moment), ``surface`` and
    ``steps``.

    ``state`` after an update: ``paths`` ({name: (steps + 1, 2) iterates}), ``losses``
    ({name: L - L* per step, clipped for display}), ``final`` ({name: L - L* at the end, inf when
    diverged}) and ``diverged`` ({name: bool}).
    """

    figsize = (6.6, 2.7)

    def __init__(self, *, mode: str = "auto", prerender: bool = True) -> None:
        super().__init__(mode=mode)
        if prerender:
            self.prerender()

    def _controls(self) -> dict[str, Any]:
        style = {"description_width": "initial"}
        return {
            "eta": eta_slider(0.01),
            "beta1": widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01,
                                         description="β₁", style=style),
            "beta2": widgets.FloatSlider(value=0.999, min=0.5, max=0.999, step=0.001,
                                         description="β₂", readout_format=".3f", style=style),
            "surface": widgets.Dropdown(options=list(SURFACES), value="valley",
                                        description="surface", style=style),
            "steps": widgets.IntSlider(value=100, min=1, max=MAX_STEPS, step=1,
                                       description="steps", style=style),
        }  # fmt: skip

    def _build(self, fig: Figure) -> None:
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"wspace": 0.35, "width_ratios": (1.1, 1)})
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.18, top=0.9)
        self._ax_map, self._ax_loss = ax1, ax2
        self._contours: dict[str, Any] = {}
        self._surface_bg: dict[str, Any] = {}
        self._cache: dict[tuple, list] = {}
        self._surface_shown = ""
        (self._minimum,) = ax1.plot([], [], "*", color=OKABE_ITO["black"], ms=7, mfc="white")
        (self._start,) = ax1.plot([], [], "o", color=OKABE_ITO["black"], ms=3)
        self._paths = {}
        self._curves = {}
        for i, name in enumerate(NAMES):
            (self._paths[name],) = self._dyn(
                ax1.plot([], [], "-", color=PALETTE[i], lw=1.1, label=LABELS[name])
            )
            (self._curves[name],) = self._dyn(ax2.plot([], [], color=PALETTE[i], lw=1.2))
        ax1.legend(frameon=False, loc="lower left", fontsize=6, ncol=2, handlelength=1.2)
        ax1.set(xlabel="$w_1$", ylabel="$w_2$")
        ax2.set(yscale="log", ylim=(LOSS_FLOOR, DIVERGED * 3), xlim=(0, MAX_STEPS), xlabel="step",
                ylabel="$L - L^*$", title="loss above its minimum")  # fmt: skip
        ax2.axhline(DIVERGED, color=OKABE_ITO["vermillion"], lw=0.6, ls=":")
        self._status_text = self._status(ax2, y=0.2)
        for ax in (ax1, ax2):
            self._style(ax)
        ax2.xaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))

    def _runs(self, s: Surface, eta: float, beta1: float, beta2: float, steps: int) -> dict:
        """{name: iterates (MAX_STEPS + 1, 2), valid up to ``steps``} for these settings.

        Runs are cached per setting with their rules, so moving only the step slider slices
        (or extends) runs already made instead of starting them again.
        """
        key = (s.name, round(eta, 12), beta1, beta2)
        entry = self._cache.get(key)
        if entry is None:
            if len(self._cache) > 64:
                self._cache.clear()
            paths = {}
            for name in NAMES:
                path = np.full((MAX_STEPS + 1, 2), np.inf)
                path[0] = s.start
                paths[name] = path
            entry = self._cache[key] = [
                make_rules(eta, beta1, beta2),
                paths,
                dict.fromkeys(NAMES, 0),
            ]
        rules, paths, done = entry
        for name in NAMES:
            if done[name] < steps and np.isfinite(paths[name][done[name]]).all():
                reached = _extend(rules[name], s, paths[name], done[name], steps)
                done[name] = steps if reached == steps else MAX_STEPS  # diverged: nothing to add
        return paths

    def _draw_surface(self, s: Surface) -> None:
        """Show the contours and window of ``s`` (static: part of the cached background).

        Every surface's contours are built once and shown or hidden; the background bitmap of
        each surface is kept after its first full draw, so switching back costs no redraw.
        """
        ax = self._ax_map
        if s.name not in self._contours:
            W1, W2 = np.meshgrid(np.linspace(*s.xlim, 80), np.linspace(*s.ylim, 80))
            Z = s.f(np.stack([W1, W2], axis=-1)) - s.f_min
            levels = np.geomspace(max(float(Z.min()), 1e-3) + 1e-3, float(Z.max()), 12)
            self._contours[s.name] = ax.contour(W1, W2, Z, levels=levels, cmap=SEQUENTIAL_CMAP,
                                                linewidths=0.5)  # fmt: skip
        for name, contours in self._contours.items():
            contours.set_visible(name == s.name)
        ax.set(xlim=s.xlim, ylim=s.ylim, title=f"surface: {s.name}")
        minima = {"bowl": [(0, 0)], "valley": [(1, 1)], "saddle": [(0, 1), (0, -1)]}
        pts = np.array(minima.get(s.name, [_wells_argmin()]), dtype=float)
        self._minimum.set_data(pts[:, 0], pts[:, 1])
        self._start.set_data([s.start[0]], [s.start[1]])
        self._surface_shown = s.name
        cached = self._surface_bg.get(s.name)
        if cached is not None and self.mode == "png":
            self._background, self._stale = cached, False
        else:
            self._stale = True

    def _full_draw(self) -> None:
        super()._full_draw()
        if self.mode == "png":
            self._surface_bg[self._surface_shown] = self._background

    def prerender(self) -> None:
        """Draw and cache the background of every surface now (about 0.1 s each), so that the
        first switch to each surface is as fast as the later ones."""
        if self.mode != "png":
            return
        shown = self._surface_shown
        for name, surface in SURFACES.items():
            if name not in self._surface_bg:
                self._draw_surface(surface)
                self._full_draw()
        self._draw_surface(SURFACES[shown])

    def _compute(self, values: dict[str, Any]) -> None:
        eta, steps = float(values["eta"]), int(values["steps"])
        s = SURFACES[values["surface"]]
        if s.name != self._surface_shown:
            self._draw_surface(s)
        runs = self._runs(s, eta, float(values["beta1"]), float(values["beta2"]), steps)
        (x0, x1), (y0, y1) = s.xlim, s.ylim
        t = np.arange(steps + 1)
        paths, losses, final, diverged = {}, {}, {}, {}
        for name in NAMES:
            path = runs[name][: steps + 1]
            ok = np.isfinite(path).all(axis=1)
            shown = path[ok]
            self._paths[name].set_data(np.clip(shown[:, 0], 2 * x0 - x1, 2 * x1 - x0),
                                       np.clip(shown[:, 1], 2 * y0 - y1, 2 * y1 - y0))  # fmt: skip
            gap = np.where(ok, s.f(np.where(ok[:, None], path, 0.0)) - s.f_min, np.inf)
            curve, first = clip_diverged(np.maximum(gap, 0.0), LOSS_FLOOR)
            self._curves[name].set_data(t, curve)
            paths[name], losses[name] = path, curve
            diverged[name] = first >= 0
            final[name] = float(gap[-1]) if ok[-1] else np.inf
        gone = [LABELS[n] for n in NAMES if diverged[n]]
        self._status_text.set_text("diverged: " + ", ".join(gone) if gone else "")
        best = min(NAMES, key=lambda n: final[n])
        self.info.value = (
            f"after {steps} steps, L − L*: "
            + ", ".join(f"{LABELS[n]} {final[n]:.2g}" for n in NAMES)
            + f" &nbsp; (lowest: <b>{LABELS[best]}</b>)"
        )
        self.state = {
            "eta": eta,
            "steps": steps,
            "surface": s.name,
            "paths": paths,
            "losses": losses,
            "final": final,
            "diverged": diverged,
        }
