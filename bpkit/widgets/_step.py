"""One training step of an MLP, recorded phase by phase, and its equations with numbers in them.

:func:`trace_step` runs bpkit's own model on a copy of the network: forward (with
``record=True``), the loss, backward, and one :class:`~bpkit.optim.SGD` update, and keeps every
number a picture of the step shows. Deltas are per example, as in the notebooks:
``delta^l = n * dL/dz^l`` (bpkit's layers pass on ``dL/dz = delta / n``).

:func:`equation` writes the equation of one phase for one neuron or weight, in the notebooks'
notation, with those numbers substituted, e.g.
``δ¹₂ = (Σₖ W²ₖ₂ δ²ₖ) · f′(z¹₂) = (0.31 · (−0.12)) · 0.42 = −0.0156``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np

from bpkit.functional import sigmoid, softmax
from bpkit.layers import Layer, LeakyReLU, Linear, ReLU, Sigmoid, Tanh
from bpkit.losses import get_loss
from bpkit.model import Sequential
from bpkit.optim import SGD
from bpkit.plot.diagram import fmt, sub, sup

__all__ = ["StepTrace", "equation", "phase_title", "phases", "trace_step"]

LOSSES = ("mse", "bce", "softmax_ce")
F_NAMES = {Sigmoid: "σ", Tanh: "tanh", ReLU: "ReLU", LeakyReLU: "leaky ReLU"}
MAX_TERMS = 4  # terms of a sum written out; the rest is "+ …"


@dataclass
class StepTrace:
    """Every number of one step. Lists are indexed by the layer ``l`` (entry 0 unused, except
    ``a[0] = X``); arrays have one row per example.

    Attributes:
      sizes: [d_0, ..., d_K]; f: activation name per layer (``f[l]``, "identity" for none).
      X: (n, d_0); y: targets as given to the loss; loss: "mse", "bce" or "softmax_ce".
      z, a, fprime, delta: (n, d_l) per layer (``fprime[l] = f'(z^l)``, ``delta`` per example).
      p: (n, d_K) the predicted probabilities (bce: sigmoid, softmax_ce: softmax), or None.
      L: the batch-mean loss; eta: the learning rate.
      W, b: the parameters before the step, (d_l, d_{l-1}) and (d_l,); dW, db: their gradients;
      W_new, b_new: after the update ``W - eta * dW``.
    """

    sizes: list[int]
    f: list[str]
    X: np.ndarray
    y: np.ndarray
    loss: str
    eta: float
    z: list[Any]
    a: list[Any]
    fprime: list[Any]
    delta: list[Any]
    p: np.ndarray | None
    L: float
    W: list[Any]
    b: list[Any]
    dW: list[Any]  # noqa: N815 (the course's name)
    db: list[Any]
    W_new: list[Any]
    b_new: list[Any]

    @property
    def K(self) -> int:
        """The number of layers with weights."""
        return len(self.sizes) - 1

    @property
    def n(self) -> int:
        return int(self.X.shape[0])


def blocks(model: Sequential) -> list[tuple[Linear, Layer | None]]:
    """Split ``model`` into (Linear, activation or None) pairs; reject other layers."""
    out: list[tuple[Linear, Layer | None]] = []
    for i, layer in enumerate(model.layers):
        if isinstance(layer, Linear):
            out.append((layer, None))
        elif type(layer) in F_NAMES and out and out[-1][1] is None:
            out[-1] = (out[-1][0], layer)
        else:
            raise ValueError(
                f"the step explorer draws Linear layers, each followed by at most one of "
                f"Sigmoid, Tanh, ReLU or LeakyReLU; layer {i} is {layer!r}"
            )
    if not out:
        raise ValueError("the model has no Linear layer")
    return out


def trace_step(
    model: Sequential, X: np.ndarray, y: Any, loss: str = "mse", eta: float = 0.5
) -> StepTrace:
    """Run one training step of ``model`` on a copy of it and record every number.

    Inputs:
      model: a Sequential of Linear layers, each optionally followed by an activation.
      X: array of shape (n, d_0); y: targets for ``loss`` ((n, d_K) for mse and bce, (n,)
        class indices for softmax_ce); loss: "mse", "bce" (logits) or "softmax_ce" (logits).
    Returns:
      a StepTrace; ``model`` itself is left unchanged.
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    net = copy.deepcopy(model)
    parts = blocks(net)
    if loss != "mse" and parts[-1][1] is not None:
        raise ValueError(f"loss {loss!r} takes logits: the last Linear layer needs no activation")
    net.train()
    net.record = True
    X = np.asarray(X, dtype=np.float64)
    W = [None] + [lin.W.copy() for lin, _ in parts]
    b = [None] + [lin.b.copy() for lin, _ in parts]
    out = net.forward(X)
    L, dout = get_loss(loss)(out, y)
    net.backward(dout)
    n = X.shape[0]
    z: list[Any] = [None]
    a: list[Any] = [X]
    fprime: list[Any] = [None]
    delta: list[Any] = [None]
    dW: list[Any] = [None]
    db: list[Any] = [None]
    f = ["input"]
    for rec_i, layer in enumerate(net.layers):
        rec = net.records[rec_i]
        if isinstance(layer, Linear):
            z.append(rec.output.copy())
            a.append(rec.output.copy())
            delta.append(n * rec.grad_output)
            fprime.append(np.ones_like(rec.output))
            dW.append(layer.grads["W"].copy())
            db.append(layer.grads["b"].copy())
            f.append("identity")
        else:
            a[-1] = rec.output.copy()
            fprime[-1] = layer.backward(np.ones_like(rec.output))  # f'(z), entry by entry
            f[-1] = F_NAMES[type(layer)]
    p = None
    if loss == "bce":
        p = sigmoid(z[-1])
    elif loss == "softmax_ce":
        p = softmax(z[-1])
    SGD(net, eta=eta).step()
    W_new = [None] + [lin.W.copy() for lin, _ in parts]
    b_new = [None] + [lin.b.copy() for lin, _ in parts]
    sizes = [parts[0][0].d_in] + [lin.d_out for lin, _ in parts]
    return StepTrace(sizes, f, X, np.asarray(y), loss, float(eta), z, a, fprime, delta, p,
                     float(L), W, b, dW, db, W_new, b_new)  # fmt: skip


# ----- phases -----------------------------------------------------------------------------------
def phases(K: int) -> list[tuple[str, int]]:
    """The phases of a step of a K-layer net: ``("start", 0)``, ``("forward", 1 .. K)``,
    ``("loss", K)``, ``("backward", K .. 1)``, ``("update", 0)``: 2K + 3 in all."""
    return (
        [("start", 0)]
        + [("forward", lyr) for lyr in range(1, K + 1)]
        + [("loss", K)]
        + [("backward", lyr) for lyr in range(K, 0, -1)]
        + [("update", 0)]
    )


def phase_title(t: StepTrace, phase: tuple[str, int]) -> str:
    kind, lyr = phase
    s, s1 = sup(lyr), sup(lyr - 1)
    if kind == "start":
        return f"the input and the weights before the step (n = {t.n})"
    if kind == "forward":
        return f"forward, layer {lyr}: z{s} = W{s} a{s1} + b{s},  a{s} = f(z{s})"
    if kind == "loss":
        return f"the loss L = {fmt(t.L)}"
    if kind == "backward":
        return f"backward, layer {lyr}: δ{s} on the neurons, ∂L/∂W{s} on the edges"
    return f"update: W ← W − η ∂L/∂W  (η = {fmt(t.eta)}); edges show the new W"


# ----- equations --------------------------------------------------------------------------------
def _p(v: float) -> str:
    """A number inside a product: negatives in parentheses."""
    s = fmt(v)
    return f"({s})" if s.startswith("−") else s


def _sum(terms: list[str]) -> str:
    shown = " + ".join(terms[:MAX_TERMS])
    return shown + (" + …" if len(terms) > MAX_TERMS else "")


def _a(t: StepTrace, lyr: int, k: Any) -> str:
    """The symbol of unit k of layer lyr's output (the input is x)."""
    return f"x{k}" if lyr == 0 else f"a{sup(lyr)}{k}"


def forward_eq(t: StepTrace, lyr: int, j: int, i: int = 0) -> str:
    s, sj = sup(lyr), sub(j + 1)
    W, a_prev = t.W[lyr][j], t.a[lyr - 1][i]
    terms = [f"{_p(W[k])} · {_p(a_prev[k])}" for k in range(len(W))]
    z, a = t.z[lyr][i, j], t.a[lyr][i, j]
    line1 = (f"z{s}{sj} = Σₖ W{s}{sj}ₖ {_a(t, lyr - 1, 'ₖ')} + b{s}{sj} = ({_sum(terms)}) + "
             f"{_p(t.b[lyr][j])} = {fmt(z)}")  # fmt: skip
    f = t.f[lyr]
    if f == "identity":
        return line1 + f"\na{s}{sj} = z{s}{sj} = {fmt(a)}  (no activation)"
    return line1 + f"\na{s}{sj} = {f}(z{s}{sj}) = {f}({fmt(z)}) = {fmt(a)}"


def loss_eq(t: StepTrace) -> str:
    K, n = t.K, t.n
    s = sup(K)
    if t.loss == "mse":
        y = t.y.reshape(t.a[K].shape)
        terms = [
            f"({fmt(t.a[K][i, j])} − {fmt(y[i, j])})²" for i in range(n) for j in range(t.sizes[K])
        ]
        return f"L = 1/(2n) Σᵢ ‖a{s}ᵢ − yᵢ‖² = ({_sum(terms)}) / {2 * n} = {fmt(t.L)}"
    if t.loss == "bce":
        return (f"L = −(1/n) Σᵢ [yᵢ log σ(z{s}ᵢ) + (1 − yᵢ) log(1 − σ(z{s}ᵢ))] = {fmt(t.L)}"
                f"  (n = {n})")  # fmt: skip
    return f"L = −(1/n) Σᵢ log softmax(z{s}ᵢ)_yᵢ = {fmt(t.L)}  (n = {n})"


def delta_eq(t: StepTrace, lyr: int, j: int, i: int = 0) -> str:
    s, sj, d = sup(lyr), sub(j + 1), t.delta[lyr][i, j]
    if lyr == t.K:
        if t.loss == "mse":
            y = t.y.reshape(t.a[lyr].shape)[i, j]
            return (f"δ{s}{sj} = (a{s}{sj} − y{sj}) · f′(z{s}{sj}) = ({fmt(t.a[lyr][i, j])} − "
                    f"{fmt(y)}) · {_p(t.fprime[lyr][i, j])} = {fmt(d)}")  # fmt: skip
        if t.loss == "bce":
            y = t.y.reshape(t.a[lyr].shape)[i, j]
            return f"δ{s}{sj} = σ(z{s}{sj}) − y{sj} = {fmt(t.p[i, j])} − {fmt(y)} = {fmt(d)}"
        hit = float(int(t.y[i]) == j)
        return (f"δ{s}{sj} = softmax(z{s}){sj} − [y={j + 1}] = {fmt(t.p[i, j])} − {fmt(hit)} "
                f"= {fmt(d)}")  # fmt: skip
    s1 = sup(lyr + 1)
    Wn, dn = t.W[lyr + 1][:, j], t.delta[lyr + 1][i]
    terms = [f"{_p(Wn[k])} · {_p(dn[k])}" for k in range(len(Wn))]
    return (f"δ{s}{sj} = (Σₖ W{s1}ₖ{sj} δ{s1}ₖ) · f′(z{s}{sj}) = ({_sum(terms)}) · "
            f"{_p(t.fprime[lyr][i, j])} = {fmt(d)}")  # fmt: skip


def grad_eq(t: StepTrace, lyr: int, j: int, k: int | None) -> str:
    """∂L/∂W^l_jk (k given) or ∂L/∂b^l_j (k None): the batch mean of the per-example terms."""
    s, n, dj = sup(lyr), t.n, t.delta[lyr][:, j]
    if k is None:
        terms = [fmt(dj[i]) for i in range(n)]
        return (f"∂L/∂b{s}{sub(j + 1)} = (1/n) Σᵢ δ{s}{sub(j + 1)},ᵢ = (1/{n}) · ({_sum(terms)}) "
                f"= {fmt(t.db[lyr][j])}")  # fmt: skip
    ak = t.a[lyr - 1][:, k]
    terms = [f"{_p(dj[i])} · {_p(ak[i])}" for i in range(n)]
    return (
        f"∂L/∂W{s}{sub(j + 1, k + 1)} = (1/n) Σᵢ δ{s}{sub(j + 1)},ᵢ "
        f"{_a(t, lyr - 1, sub(k + 1))},ᵢ = (1/{n}) · ({_sum(terms)}) = {fmt(t.dW[lyr][j, k])}"
    )


def update_eq(t: StepTrace, lyr: int, j: int, k: int | None) -> str:
    s = sup(lyr)
    if k is None:
        name, old, g, new = f"b{s}{sub(j + 1)}", t.b[lyr][j], t.db[lyr][j], t.b_new[lyr][j]
    else:
        name, old = f"W{s}{sub(j + 1, k + 1)}", t.W[lyr][j, k]
        g, new = t.dW[lyr][j, k], t.W_new[lyr][j, k]
    return (f"{name} ← {name} − η ∂L/∂{name} = {fmt(old)} − {fmt(t.eta)} · {_p(g)} = {fmt(new)}"
            f"   (change −η ∂L/∂{name} = {fmt(-t.eta * g)})")  # fmt: skip


def resolve_auto(t: StepTrace, phase: tuple[str, int]) -> tuple:
    """What ``("auto",)`` stands for in a phase: unit 1 of the layer at work (the output
    neuron for the loss, ``W^K_11`` for the update and ``W^1_11`` at the start)."""
    kind, at = phase
    if kind == "start":
        return ("weight", 1, 0, 0)
    if kind == "update":
        return ("weight", t.K, 0, 0)
    return ("neuron", at, 0)


def equation(t: StepTrace, phase: tuple[str, int], item: tuple, i: int = 0) -> str:
    """The equation of ``phase`` for ``item``, with example ``i``'s numbers substituted.

    Inputs:
      item: ``("neuron", l, j)`` (unit j of layer l >= 1), ``("weight", l, j, k)`` (``W^l_jk``),
        with 0-based j, k (shown from 1), or ``("auto",)`` (see :func:`resolve_auto`).
    Returns:
      one or two lines of text; a note when the phase has not reached the item yet.
    """
    kind, at = phase
    if item[0] == "auto":
        item = resolve_auto(t, phase)
    lyr, j = item[1], item[2]
    k = item[3] if item[0] == "weight" else None
    name = f"a{sup(lyr)}{sub(j + 1)}" if k is None else f"W{sup(lyr)}{sub(j + 1, k + 1)}"
    if kind == "loss":
        return loss_eq(t)
    if kind == "update":
        return update_eq(t, lyr, j, k)
    if kind == "start":
        if k is None:
            return f"{name}: its z and a are computed in the forward pass through layer {lyr}"
        return f"{name} = {fmt(t.W[lyr][j, k])} before the step"
    if kind == "forward":
        if lyr <= at:
            return forward_eq(t, lyr, j, i)
        if k is not None:
            return f"{name} = {fmt(t.W[lyr][j, k])}, used by the forward pass later in the step"
        return f"{name} is computed in the forward pass through layer {lyr}, later in the step"
    # backward
    if lyr >= at:
        return delta_eq(t, lyr, j, i) if k is None else grad_eq(t, lyr, j, k)
    what = f"δ{sup(lyr)}{sub(j + 1)}" if k is None else f"∂L/∂{name}"
    return f"{what} is computed in the backward pass through layer {lyr}, later in the step"
