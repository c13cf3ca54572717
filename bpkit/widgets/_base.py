"""The shared machinery of every explorer: controls, a figure built once, fast in-place redraws.

How a picture reaches the browser:

* ``mode="png"`` (the default with matplotlib's inline backend): the figure lives on an
  off-screen Agg canvas. Static parts (axes, ticks, contours) are drawn once and cached as a
  background bitmap; on every change only the artists that move are redrawn on top of it
  (blitting), then the bitmap is encoded as a PNG with fast compression and sent in an
  ``ipywidgets.Image``. This costs a few ms instead of a full draw (tens of ms). When a control
  changes the extent of the run (steps, epochs, depth), the x-axis is fitted to it with
  :meth:`Explorer._fit_x`, and only that axes' column of the background is drawn again; the
  last few backgrounds are kept, so going back to a run length already shown draws nothing.
* ``mode="ipympl"`` (the default after ``%matplotlib widget``): the figure's own canvas
  widget is shown, and a change calls ``canvas.draw_idle()``.

Slider callbacks run in the kernel one at a time. Two guards keep a drag from queueing stale
frames: explorers whose update is inherently slow mark their controls ``continuous_update=False``
(they fire on release), and every explorer throttles: inside a running kernel, a change that
arrives sooner than one update-duration after the previous update only schedules a single
trailing update (on the kernel's event loop), which then draws the latest values.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import IdentityTransform
from PIL import Image as PILImage
from threadpoolctl import threadpool_limits

from bpkit.plot._style import RC, WARN_COLOR, style_axes

# Values outside this range are drawn at the edge and labelled "diverged".
DIVERGED = 1e4
# Inside a kernel, updates start at least this many seconds (or one update-duration) apart.
MIN_INTERVAL = 0.03
# Static layers kept per explorer, one per combination of x-ranges (about 0.7 MB each).
BACKGROUNDS = 12


def ipympl_active() -> bool:
    """True when the user turned on ``%matplotlib widget`` (the ipympl backend)."""
    backend = str(mpl.rcParams._get("backend")).lower()  # does not trigger backend resolution
    return "ipympl" in backend or backend == "widget"


class Explorer:
    """Base class: subclasses define ``_controls``, ``_build`` and ``_compute``.

    Attributes:
      controls: ``{name: ipywidgets control}``; setting ``controls[name].value`` updates the plot.
      fig: the matplotlib Figure (built once).
      widget: the ipywidgets box holding controls and picture (what ``show()`` displays).
      timings: seconds taken by each update (recompute + redraw + PNG).
      render_timings: the redraw + PNG part of each update.
      info: an HTML line under the figure for numbers that change (set by subclasses).
      state: the numbers behind the picture after the last update (for tests and notebooks).
    """

    figsize: tuple[float, float] = (6.0, 3.2)
    dpi: float = 100.0

    def __init__(self, *, mode: str = "auto") -> None:
        if mode not in ("auto", "png", "ipympl"):
            raise ValueError(f"mode must be 'auto', 'png' or 'ipympl', got {mode!r}")
        self.mode = ("ipympl" if ipympl_active() else "png") if mode == "auto" else mode
        self.timings: list[float] = []
        self.render_timings: list[float] = []
        self.state: dict[str, Any] = {}
        self._dynamic: list[Artist] = []
        self._background: Any = None
        self._stale = True  # the whole cached background must be drawn (again) before blitting
        self._stale_axes: list[Axes] = []  # axes whose static layer must be drawn again
        self._columns: dict[Axes, tuple[float, float]] | None = None  # see _axes_columns
        # static layers already drawn, by the x-ranges of the axes (most recent last)
        self._backgrounds: OrderedDict[tuple, tuple[Any, dict | None]] = OrderedDict()
        self._hold = False
        self._pending: asyncio.TimerHandle | None = None
        self._last_end = 0.0
        self.n_throttled = 0  # changes folded into a later update
        self.controls: dict[str, widgets.ValueWidget] = self._controls()
        with mpl.rc_context(RC):
            self.fig = self._new_figure()
            self._build(self.fig)
        # numbers shown as text under the figure: the browser renders them, which is much
        # cheaper than drawing glyphs into the figure on every update
        self.info = widgets.HTML(value="")
        self.image: widgets.Image | None = None
        if self.mode == "png":
            self.image = widgets.Image(format="png")
            view: widgets.Widget = self.image
        else:
            view = self.fig.canvas
        self.update()
        for w in self.controls.values():
            w.observe(self._on_change, names="value")
        box = widgets.HBox(
            list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")
        )
        self.widget = widgets.VBox([box, view, self.info])

    # ----- for subclasses -------------------------------------------------------------------
    def _controls(self) -> dict[str, widgets.ValueWidget]:
        raise NotImplementedError

    def _build(self, fig: Figure) -> None:
        """Create axes and artists; register the ones that change with ``self._dyn``."""
        raise NotImplementedError

    def _compute(self, values: dict[str, Any]) -> None:
        """Recompute from the control values and update the registered artists in place."""
        raise NotImplementedError

    def _dyn(self, artist: Any) -> Any:
        """Register an artist that changes on updates (drawn over the cached background)."""
        if isinstance(artist, list):
            for a in artist:
                self._dyn(a)
            return artist
        if self.mode == "png":
            artist.set_animated(True)
        self._dynamic.append(artist)
        return artist

    def _status(self, ax: Axes, x: float = 0.03, y: float = 0.97, **kw: Any) -> Any:
        """A changing text in the top-left of ``ax`` (e.g. "diverged at step 12")."""
        opts: dict[str, Any] = dict(
            ha="left",
            va="top",
            fontsize=7,
            color=WARN_COLOR,
            transform=ax.transAxes,
            bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none", alpha=0.85),
        )
        opts.update(kw)
        return self._dyn(ax.text(x, y, "", **opts))

    @staticmethod
    def _style(ax: Axes, nbins: int = 3) -> Axes:
        return style_axes(ax, nbins=nbins)

    def _fit_x(self, ax: Axes, lo: float, hi: float) -> None:
        """Fit the x-axis of ``ax`` to the run shown (e.g. 0 .. steps); when the range changes,
        the static layer of ``ax`` (ticks and labels) is drawn again on the next render."""
        if tuple(ax.get_xlim()) != (lo, hi):
            ax.set_xlim(lo, hi)
            if self.mode == "png" and ax not in self._stale_axes:
                self._stale_axes.append(ax)

    # ----- public -----------------------------------------------------------------------------
    @property
    def values(self) -> dict[str, Any]:
        """The current control values, ``{name: value}``."""
        return {k: w.value for k, w in self.controls.items()}

    def set(self, **values: Any) -> None:
        """Set several controls at once with a single update, e.g. ``ex.set(eta=0.1, steps=50)``."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise KeyError(f"unknown control(s) {sorted(unknown)}; controls: {list(self.controls)}")
        with self._held():
            for k, v in values.items():
                self.controls[k].value = v
        self.update()

    def update(self) -> None:
        """Recompute and redraw from the current control values."""
        t0 = time.perf_counter()
        # Diverging runs are shown, never warned about. The explorers' arrays are tiny: one BLAS
        # thread is faster for them than several that spin-wait for a busy core.
        with np.errstate(all="ignore"), threadpool_limits(1, user_api="blas"):
            self._compute(self.values)
        t1 = time.perf_counter()
        self._render()
        t2 = time.perf_counter()
        self.render_timings.append(t2 - t1)
        self.timings.append(t2 - t0)
        self._last_end = t2

    def show(self) -> None:
        """Display the explorer (controls and figure) in the notebook."""
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def png(self) -> bytes:
        """The picture as PNG bytes: the frame currently shown (``mode="png"``), or a fresh
        rendering of the figure (``mode="ipympl"``)."""
        if self.image is not None:
            return bytes(self.image.value)
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png")
        return buf.getvalue()

    def close(self) -> None:
        """Release the figure and widgets."""
        if self.mode == "ipympl":
            import matplotlib.pyplot as plt

            plt.close(self.fig)
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        for w in (*self.controls.values(), self.info, self.image, self.widget):
            if w is not None:
                w.close()

    # ----- rendering --------------------------------------------------------------------------
    def _new_figure(self) -> Figure:
        if self.mode == "ipympl":
            import matplotlib.pyplot as plt

            with plt.ioff():
                fig = plt.figure(figsize=self.figsize, dpi=self.dpi)
            canvas = fig.canvas
            for attr, val in (("header_visible", False), ("footer_visible", False)):
                if hasattr(canvas, attr):
                    setattr(canvas, attr, val)
            return fig
        fig = Figure(figsize=self.figsize, dpi=self.dpi)
        FigureCanvasAgg(fig)
        return fig

    @contextmanager
    def _held(self) -> Iterator[None]:
        self._hold = True
        try:
            yield
        finally:
            self._hold = False

    def _on_change(self, change: dict[str, Any]) -> None:
        if self._hold:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no kernel event loop (scripts, tests): update right away
            self.update()
            return
        if self._pending is not None:  # a trailing update is due; it will read the new value
            self.n_throttled += 1
            return
        last = self.timings[-1] if self.timings else 0.0
        wait = self._last_end + max(last, MIN_INTERVAL) - time.perf_counter()
        if wait <= 0:
            self.update()
        else:
            self.n_throttled += 1
            self._pending = loop.call_later(wait, self._flush)

    def _flush(self) -> None:
        self._pending = None
        self.update()

    def _full_draw(self) -> None:
        """Draw the static parts and cache them. It runs on the next render after
        ``self._stale = True`` (set it after changing static artists; x-ranges that follow the
        run go through :meth:`_fit_x` instead)."""
        if self.mode == "png":
            canvas = self.fig.canvas
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            self._columns = None  # measured when a partial redraw first needs them
            self._remember()
        self._stale, self._stale_axes = False, []

    def _x_ranges(self) -> tuple:
        return tuple(tuple(ax.get_xlim()) for ax in self.fig.axes)

    def _remember(self) -> None:
        """Keep the current static layer for its x-ranges: going back to a run length already
        shown (a slider dragged back) costs no drawing at all."""
        self._backgrounds[self._x_ranges()] = (self._background, self._columns)
        self._backgrounds.move_to_end(self._x_ranges())
        while len(self._backgrounds) > BACKGROUNDS:
            self._backgrounds.popitem(last=False)

    def _axes_columns(self, renderer: Any) -> dict[Axes, tuple[float, float]]:
        """The full-height pixel column each axes may repaint: from the right edge of its left
        neighbour's tight box to the left edge of its right neighbour's (or the figure's edge).
        Measured once, when a partial redraw first needs them (tight boxes cost about as much
        as a draw), then kept: the neighbours of a redrawn axes do not change."""
        boxes = sorted(
            ((ax.get_tightbbox(renderer), ax) for ax in self.fig.axes), key=lambda b: b[0].x0
        )
        columns = {}
        for i, (box, ax) in enumerate(boxes):
            left = boxes[i - 1][0].x1 + 1 if i > 0 else 0.0
            right = boxes[i + 1][0].x0 - 1 if i + 1 < len(boxes) else self.fig.bbox.width
            if left > box.x0 or right < box.x1:  # overlapping neighbours: no column of its own
                continue
            columns[ax] = (left, right)
        return columns

    def _redraw_axes(self, axes: list[Axes]) -> None:
        """Draw the static layer of some axes again, over the cached background.

        Each axes owns the full-height column between its neighbours (see ``_axes_columns``);
        the column is painted with the figure colour and the axes drawn into it (animated
        artists excluded, as in a full draw). That costs about one axes' share of a full draw,
        and gives the same pixels. Falls back to a full draw when an axes has no column.
        """
        canvas, fig = self.fig.canvas, self.fig
        renderer = canvas.get_renderer()
        if self._columns is None:
            self._columns = self._axes_columns(renderer)
        if any(ax not in self._columns for ax in axes):
            self._full_draw()
            return
        canvas.restore_region(self._background)
        for ax in axes:
            x0, x1 = self._columns[ax]
            blank = Rectangle(
                (x0, 0), x1 - x0, fig.bbox.height, facecolor=fig.get_facecolor(), edgecolor="none"
            )
            blank.set_figure(fig)
            blank.set_transform(IdentityTransform())  # display (pixel) coordinates
            blank.draw(renderer)
            ax.draw(renderer)
        self._background = canvas.copy_from_bbox(fig.bbox)
        self._stale_axes = []
        self._remember()

    def _render(self) -> None:
        if self.mode != "png":
            self.fig.canvas.draw_idle()
            return
        if self._stale:  # first draw, or static artists changed: every kept layer is outdated
            self._backgrounds.clear()
            self._full_draw()
        elif self._stale_axes:
            kept = self._backgrounds.get(self._x_ranges())
            if kept is not None:
                self._background, self._columns = kept
                self._backgrounds.move_to_end(self._x_ranges())
                self._stale_axes = []
            elif len(self._stale_axes) == len(self.fig.axes):
                self._full_draw()
            else:
                self._redraw_axes(self._stale_axes)
        canvas = self.fig.canvas
        canvas.restore_region(self._background)
        for artist in self._dynamic:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        w, h = canvas.get_width_height(physical=True)
        img = PILImage.frombuffer("RGBA", (w, h), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        # opaque RGB with the fastest zlib level: ~25% less to encode, ~30 kB per frame
        img.convert("RGB").save(buf, format="png", compress_level=1)
        assert self.image is not None
        self.image.value = buf.getvalue()


def eta_slider(value: float = 0.05, **kw: Any) -> widgets.FloatLogSlider:
    """The learning-rate slider of every explorer: log scale over 1e-4 .. 10."""
    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=-4,
        max=1,
        step=0.05,
        description="η (eta)",
        readout_format=".3g",
        style={"description_width": "initial"},
        **kw,
    )


def clip_diverged(values: np.ndarray, lo: float, hi: float = DIVERGED) -> tuple[np.ndarray, int]:
    """Clip a series for display; return it and the index of the first diverged entry (-1: none).

    Inputs:
      values: array of shape (n,) (may hold inf/NaN).
    """
    v = np.asarray(values, dtype=np.float64)
    bad = ~np.isfinite(v) | (np.abs(v) > hi)
    first = int(np.argmax(bad)) if bad.any() else -1
    shown = np.clip(np.where(np.isfinite(v), v, hi), lo, hi)
    if first >= 0:
        shown[first:] = hi
    return shown, first
