"""Backprop explorer: one training step of a small MLP, phase by phase, on its diagram.

The phases (see :func:`bpkit.widgets._step.phases`): the input; forward through each layer
(``z^l`` and ``a^l`` appear on the neurons); the loss; backward from the output (``delta^l`` on
the neurons, edges coloured by ``dL/dW^l``); the update (edges take the new weights, labelled with
the change ``-eta dL/dW``). Beside the diagram, the equation of the phase for the neuron or weight
picked in the dropdown, with the numbers substituted. Every number comes from bpkit's own model
(:func:`~bpkit.widgets._step.trace_step`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from bpkit.layers import Linear, Sigmoid, Tanh
from bpkit.model import Sequential
from bpkit.plot._style import RC
from bpkit.plot.diagram import NetworkDiagram, fmt, sub, sup
from bpkit.widgets._base import Explorer
from bpkit.widgets._step import StepTrace, equation, phase_title, phases, trace_step

__all__ = ["BackpropExplorer", "paint", "xor_net"]

MAX_EDGE_LABELS = 12  # label the change of each weight when a layer has at most this many edges


def xor_net() -> tuple[Sequential, np.ndarray, np.ndarray]:
    """The network of notebook 02 (2 inputs, 4 tanh units, 1 sigmoid output, seeds 1 and 2)
    and the four XOR corners with their targets: X of shape (4, 2), y of shape (4, 1)."""
    model = Sequential(Linear(2, 4, seed=1), Tanh(), Linear(4, 1, seed=2), Sigmoid())
    X = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    return model, X, y


def items(sizes: list[int]) -> list[tuple[str, tuple]]:
    """Dropdown options: "the layer at work" (follows the phase), every neuron of layers
    1 .. K, then every weight."""
    K = len(sizes) - 1
    out: list[tuple[str, tuple]] = [("the layer at work, unit 1", ("auto",))]
    out += [(f"neuron a{sup(lyr)}{sub(j + 1)}", ("neuron", lyr, j))
           for lyr in range(1, K + 1) for j in range(sizes[lyr])]  # fmt: skip
    out += [(f"weight W{sup(lyr)}{sub(j + 1, k + 1)}", ("weight", lyr, j, k))
            for lyr in range(1, K + 1) for j in range(sizes[lyr])
            for k in range(sizes[lyr - 1])]  # fmt: skip
    return out


def paint(d: NetworkDiagram, labels: list[list[Any]], t: StepTrace, step: int, i: int) -> dict:
    """Show phase ``step`` of ``t`` on diagram ``d`` for example ``i``; return what is shown.

    ``labels[l - 1]`` holds the edge-label Texts of ``W^l`` (empty for large layers).
    Returns ``{key: text}`` for every number on the diagram: ``("x", 0, j)``, ``("z", l, j)``,
    ``("a", l, j)``, ``("delta", l, j)``, ``("L",)`` and ``("change", l, j, k)``.
    """
    kind, at = phases(t.K)[step]
    shown: dict[tuple, str] = {}
    wlim = max(float(np.abs(t.W[lyr]).max()) for lyr in range(1, t.K + 1))
    if kind == "update":
        wlim = max(wlim, max(float(np.abs(t.W_new[lyr]).max()) for lyr in range(1, t.K + 1)))
    texts: list[list[str]] = [[""] * s for s in t.sizes]
    texts[0] = [fmt(v) for v in t.a[0][i]]
    for j, s in enumerate(texts[0]):
        shown[("x", 0, j)] = s
    reached = t.K if kind in ("loss", "backward", "update") else (at if kind == "forward" else 0)
    for lyr in range(1, reached + 1):  # z and a on the layer at work, a on the layers before
        for j in range(t.sizes[lyr]):
            shown[("a", lyr, j)] = as_ = fmt(t.a[lyr][i, j])
            texts[lyr][j] = f"a {as_}"
            if kind == "forward" and lyr == at:
                shown[("z", lyr, j)] = zs = fmt(t.z[lyr][i, j])
                texts[lyr][j] = f"z {zs}\na {as_}"
    back = (
        range(at, t.K + 1) if kind == "backward" else range(1, t.K + 1) if kind == "update" else []
    )
    for lyr in back:
        for j in range(t.sizes[lyr]):
            ds = fmt(t.delta[lyr][i, j])
            shown[("delta", lyr, j)] = ds
            shown.pop(("z", lyr, j), None)
            shown.pop(("a", lyr, j), None)
            texts[lyr][j] = f"δ {ds}"
    if kind in ("loss", "backward", "update"):
        shown[("L",)] = fmt(t.L)
        texts[t.K] = [f"{s}\nL {fmt(t.L)}" if j == 0 else s for j, s in enumerate(texts[t.K])]
    for lyr in range(len(t.sizes)):
        d.set_text(lyr, texts[lyr])
    for lyr in range(1, t.K + 1):
        if kind == "backward" and lyr >= at:
            d.set_edges(lyr, t.dW[lyr])
        elif kind == "update":
            d.set_edges(lyr, t.W_new[lyr], lim=wlim)
        else:
            dim = kind == "forward" and lyr != at
            d.set_edges(lyr, t.W[lyr], lim=wlim, alpha=0.35 if dim else 1.0)
        for idx, lab in enumerate(labels[lyr - 1]):
            if kind == "update":
                j, k = divmod(idx, t.sizes[lyr - 1])
                s = fmt(-t.eta * t.dW[lyr][j, k])
                lab.set_text(s)
                shown[("change", lyr, j, k)] = s
            lab.set_visible(kind == "update")
    return shown


def _edge_labels(ax: Any, d: NetworkDiagram) -> list[list[Any]]:
    out = []
    for lyr in range(1, len(d.sizes)):
        prev, cur = d.pos[lyr - 1], d.pos[lyr]
        if len(prev) * len(cur) > MAX_EDGE_LABELS:
            out.append([])
            continue
        labs = []
        for j in range(len(cur)):
            for k in range(len(prev)):
                frac = 0.3 + 0.4 * (k + 0.5) / len(prev)  # spread the labels along the edges
                x, y = prev[k] + frac * (cur[j] - prev[k])
                labs.append(ax.text(x, y, "", fontsize=5, ha="center", va="center", zorder=6,
                                    visible=False, bbox=dict(boxstyle="round,pad=0.1",
                                    facecolor="white", edgecolor="none", alpha=0.8)))  # fmt: skip
        out.append(labs)
    return out


class BackpropExplorer(Explorer):
    """One training step, phase by phase: ◀ / ▶ buttons and a slider walk through the phases.

    Args:
      model: a Sequential of Linear layers, each optionally followed by Sigmoid, Tanh, ReLU or
        LeakyReLU (e.g. ``mlp([2, 3, 2], "relu")``); default: notebook 02's XOR net.
      X: inputs of shape (n, d_0), one example or a small batch; y: its targets for ``loss``.
      loss: "mse" (on the output a^K), "bce" or "softmax_ce" (on logits); eta: learning rate.

    Controls: ``phase`` (0 .. 2K + 2), ``show`` (the neuron or weight whose equation is
    shown), ``example`` (whose numbers are on the neurons; 1 .. n).
    ``state`` after an update: ``phase`` (kind, layer), ``shown`` ({key: text}, see
    :func:`paint`) and ``equation`` (the text beside the diagram). ``trace`` holds every number.
    The model passed in is not changed.
    """

    figsize = (4.6, 3.0)

    def __init__(self, model: Sequential | None = None, X: Any = None, y: Any = None, *,
                 loss: str = "mse", eta: float = 0.5, mode: str = "auto") -> None:  # fmt: skip
        if model is None:
            model, X0, y0 = xor_net()
            X = X0[:1] if X is None else X
            y = y0[:1] if y is None else y
        if X is None or y is None:
            raise ValueError("give X and y (one example or a small batch) with the model")
        X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        self.trace = trace_step(model, X, y, loss=loss, eta=eta)
        if self.trace.K > 4 or max(self.trace.sizes) > 8 or self.trace.n > 8:
            raise ValueError(f"the diagram is for up to 4 layers of up to 8 units and 8 examples; "
                             f"got sizes {self.trace.sizes} and n = {self.trace.n}")  # fmt: skip
        self.phases = phases(self.trace.K)
        super().__init__(mode=mode)
        self.equation = widgets.HTML(layout=widgets.Layout(width="330px"))
        self.back_button = widgets.Button(description="◀", layout=widgets.Layout(width="40px"),
                                   tooltip="previous phase")  # fmt: skip
        self.next_button = widgets.Button(description="▶", layout=widgets.Layout(width="40px"),
                                      tooltip="next phase")  # fmt: skip
        self.back_button.on_click(lambda _: self.step(-1))
        self.next_button.on_click(lambda _: self.step(+1))
        c = self.controls
        view = self.widget.children[1]
        self._show_equation()
        self.widget = widgets.VBox([
            widgets.HBox([self.back_button, c["phase"], self.next_button, c["show"], c["example"]],
                         layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([view, self.equation]),
            self.info,
        ])  # fmt: skip

    def _controls(self) -> dict[str, Any]:
        style = {"description_width": "initial"}
        n, options = self.trace.n, items(self.trace.sizes)
        return {
            "phase": widgets.IntSlider(value=0, min=0, max=len(self.phases) - 1,
                                       description="phase", style=style),
            "show": widgets.Dropdown(options=options, value=("auto",), description="equation for",
                                     style=style, layout=widgets.Layout(width="230px")),
            "example": widgets.IntSlider(value=1, min=1, max=n, description="example",
                                         disabled=n == 1, style=style,
                                         layout=widgets.Layout(width="200px")),
        }  # fmt: skip

    def _build(self, fig: Figure) -> None:
        ax = fig.add_axes((0.01, 0.0, 0.98, 0.98))
        self.diagram = NetworkDiagram(ax, self.trace.sizes)
        self._labels = _edge_labels(ax, self.diagram)
        self._dyn(self.diagram.dynamic())
        self._dyn([lab for labs in self._labels for lab in labs])

    def _compute(self, values: dict[str, Any]) -> None:
        step, i = int(values["phase"]), int(values["example"]) - 1
        shown = paint(self.diagram, self._labels, self.trace, step, i)
        phase = self.phases[step]
        eq = equation(self.trace, phase, values["show"], i)
        self.state = {"phase": phase, "step": step, "shown": shown, "equation": eq}
        self.info.value = (
            f"numbers on the neurons: example {i + 1} of n = {self.trace.n}; "
            "edges: width grows with |value|; purple &gt; 0, orange &lt; 0"
        )
        if hasattr(self, "equation"):
            self._show_equation()

    def _render(self) -> None:
        """The picture depends only on the phase and the example (the equation is HTML), so
        each one is drawn once and kept: stepping back to a phase already seen costs no drawing."""
        key = (self.state["step"], int(self.values["example"]))
        frames = self.__dict__.setdefault("_frames", {})
        if self.mode == "png" and key in frames:
            assert self.image is not None
            self.image.value = frames[key]
            return
        super()._render()
        if self.mode == "png" and self.image is not None:
            frames[key] = self.image.value

    def _show_equation(self) -> None:
        text = self.state["equation"].replace("&", "&amp;").replace("<", "&lt;")
        self.equation.value = (
            f"<div class='bpkit-equation' style='font-size:13px;line-height:1.6'>"
            f"<b>phase {self.state['step'] + 1}/{len(self.phases)} · "
            f"{phase_title(self.trace, self.state['phase'])}</b><br>"
            + text.replace("\n", "<br>")
            + "</div>"
        )

    # ----- public -----------------------------------------------------------------------------
    def step(self, by: int = 1) -> None:
        """Move ``by`` phases forward (negative: back), staying within the step."""
        slider = self.controls["phase"]
        slider.value = int(np.clip(slider.value + by, slider.min, slider.max))

    def save(self, path: str | Path, fps: float = 1.0, dpi: float = 100.0) -> Path:
        """Write every phase, with its equation under the diagram, as an animation (e.g. a GIF,
        with matplotlib's Pillow writer) for slides. Returns the path written."""
        from matplotlib.animation import PillowWriter

        path = Path(path)
        with mpl.rc_context(RC):
            fig = Figure(figsize=(self.figsize[0] + 1.6, self.figsize[1] + 0.7))
            ax = fig.add_axes((0.01, 0.16, 0.98, 0.74))
            d = NetworkDiagram(ax, self.trace.sizes)
            labels = _edge_labels(ax, d)
            title = fig.text(0.02, 0.97, "", fontsize=8, va="top")
            eq = fig.text(0.02, 0.02, "", fontsize=7, va="bottom", wrap=True)
            writer = PillowWriter(fps=fps)
            i = int(self.values["example"]) - 1
            with writer.saving(fig, str(path), dpi):
                for step, phase in enumerate(self.phases):
                    paint(d, labels, self.trace, step, i)
                    title.set_text(f"phase {step + 1}/{len(self.phases)} · "
                                   f"{phase_title(self.trace, phase)}")  # fmt: skip
                    eq.set_text(equation(self.trace, phase, self.values["show"], i))
                    writer.grab_frame()
        return path
