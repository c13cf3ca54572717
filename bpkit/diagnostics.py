"""Health checks for a network after one forward and backward pass.

All functions read a ``bpkit.model.Sequential``: gradient norms and update ratios come from each
``Linear`` layer's ``grads["W"]``; activation statistics come from ``model.records``, which the
model keeps when built with ``record=True`` (e.g. ``mlp(sizes, record=True)``).

Typical use::

    model = mlp([64] + [32] * 10 + [1], activation="sigmoid", record=True)
    L, dL = mse(model(X), y)
    model.backward(dL)
    layer_grad_norms(model)      # {"0.W": 3e-9, ..., "20.W": 0.04}: vanishing at the input side
    activation_stats(model)      # mean, std and saturated fraction of every activation
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

# Class names (anywhere in the MRO) that count as activation layers, and their kind.
ACTIVATIONS = {"Sigmoid": "sigmoid", "Tanh": "tanh", "ReLU": "relu", "LeakyReLU": "leaky_relu"}
DEFAULT_TOL = 0.01


def activation_kind(layer: Any) -> str | None:
    """ "sigmoid" | "tanh" | "relu" | "leaky_relu" for an activation layer, else None."""
    for cls in type(layer).__mro__:
        if cls.__name__ in ACTIVATIONS:
            return ACTIVATIONS[cls.__name__]
    return None


def _linear_layers(model: Any) -> list[tuple[str, Any]]:
    layers = getattr(model, "layers", None)
    if layers is None:
        raise TypeError(f"expected a bpkit Sequential with .layers, got {type(model).__name__}")
    found = [
        (f"{i}.W", layer) for i, layer in enumerate(layers) if "W" in getattr(layer, "params", {})
    ]
    if not found:
        raise ValueError("the model has no layer with a weight matrix W (no Linear layers)")
    return found


def _grad_W(name: str, layer: Any) -> np.ndarray:
    g = getattr(layer, "grads", {}).get("W")
    if g is None:
        raise ValueError(f"layer {name} has no gradient yet: run model.backward(dL) first")
    return np.asarray(g, dtype=np.float64)


def layer_grad_norms(model: Any) -> dict[str, float]:
    """Frobenius norm ||dL/dW|| of every Linear layer, input side first.

    Returns:
      ``{"0.W": norm, "2.W": norm, ...}`` keyed like ``model.named_params()``; the values of
      the latest ``model.backward``. Vanishing gradients show as norms shrinking towards the
      input (small keys); exploding ones as norms growing there.
    """
    return {
        name: float(np.linalg.norm(_grad_W(name, layer))) for name, layer in _linear_layers(model)
    }


def update_ratio(model: Any, eta: float) -> dict[str, float]:
    """The update-to-data ratio ||eta * dL/dW|| / ||W|| of every Linear layer.

    A plain SGD step changes W by -eta * dL/dW, so this is the relative size of the next step.
    About 1e-3 is a common healthy value; much larger means eta is too big, much smaller that
    the layer barely learns. A layer with W == 0 gives ``inf``.
    """
    if not np.isfinite(eta) or eta < 0:
        raise ValueError(f"eta must be a finite number >= 0, got {eta}")
    out: dict[str, float] = {}
    for name, layer in _linear_layers(model):
        w = float(np.linalg.norm(layer.params["W"]))
        step = abs(eta) * float(np.linalg.norm(_grad_W(name, layer)))
        out[name] = step / w if w > 0 else float("inf")
    return out


def saturation_fraction(a: np.ndarray, activation: str, tol: float = DEFAULT_TOL) -> float:
    """The fraction of activations stuck where the derivative is (almost) zero.

    Inputs:
      a: activations a = f(z), any shape.
      activation: "sigmoid" (a within ``tol`` of 0 or 1), "tanh" (|a| within ``tol`` of 1),
        "relu" (a == 0: a dead unit for this example), "leaky_relu" (a < 0: the small-slope
        side; it still learns, slowly).
    Returns:
      a number in [0, 1].
    """
    a = np.asarray(a, dtype=np.float64)
    if a.size == 0:
        raise ValueError("saturation_fraction: empty activation array")
    if activation == "sigmoid":
        stuck = (a < tol) | (a > 1.0 - tol)
    elif activation == "tanh":
        stuck = np.abs(a) > 1.0 - tol
    elif activation == "relu":
        stuck = a == 0.0
    elif activation == "leaky_relu":
        stuck = a < 0.0
    else:
        raise ValueError(
            f"unknown activation {activation!r}; expected sigmoid, tanh, relu or leaky_relu"
        )
    return float(np.mean(stuck))


@dataclass(frozen=True)
class ActivationStats:
    """Statistics of one activation layer's output a over the batch (all units pooled)."""

    name: str  # "1.sigmoid": layer index and kind
    kind: str
    mean: float
    std: float
    saturation: float  # see saturation_fraction
    grad_std: float | None  # std of dL/da, None before backward


def _records(model: Any) -> list[Any]:
    records = getattr(model, "records", None)
    if not records or all(getattr(r, "output", None) is None for r in records):
        raise ValueError(
            "no recorded activations: build the model with record=True "
            "(e.g. mlp(sizes, record=True)) and run a forward pass first"
        )
    return list(records)


def activation_stats(model: Any, tol: float = DEFAULT_TOL) -> list[ActivationStats]:
    """Mean, std and saturation of every activation layer, input side first.

    Needs a model built with ``record=True`` after a forward pass (and a backward pass for
    ``grad_std``).
    """
    out = []
    for rec in _records(model):
        kind = activation_kind(rec.layer)
        if kind is None:
            continue
        a = np.asarray(rec.output, dtype=np.float64)
        g = getattr(rec, "grad_output", None)
        out.append(
            ActivationStats(
                name=f"{_index(model, rec)}.{kind}",
                kind=kind,
                mean=float(a.mean()),
                std=float(a.std()),
                saturation=saturation_fraction(a, kind, tol),
                grad_std=None if g is None else float(np.std(g)),
            )
        )
    if not out:
        raise ValueError("the model has no activation layers (Sigmoid, Tanh, ReLU, LeakyReLU)")
    return out


def _index(model: Any, rec: Any) -> int:
    for i, layer in enumerate(model.layers):
        if layer is rec.layer:
            return i
    return -1


def layer_values(model: Any, which: str = "activations") -> dict[str, np.ndarray]:
    """Recorded arrays per activation layer, for histograms.

    which: "activations" (a = f(z)) or "gradients" (dL/da, after backward).
    Returns:
      ``{"1.sigmoid": array of shape (n, d), ...}``.
    """
    if which not in ("activations", "gradients"):
        raise ValueError(f"which must be 'activations' or 'gradients', got {which!r}")
    out: dict[str, np.ndarray] = {}
    for rec in _records(model):
        kind = activation_kind(rec.layer)
        if kind is None:
            continue
        arr = rec.output if which == "activations" else rec.grad_output
        if arr is None:
            raise ValueError("no recorded gradients: run model.backward(dL) after the forward pass")
        out[f"{_index(model, rec)}.{kind}"] = np.asarray(arr, dtype=np.float64)
    return out


def update_ratio_logger(model: Any) -> tuple[Callable[[int, Any], None], dict[str, list[float]]]:
    """A ``fit`` callback that records the update-to-data ratio of every layer once per epoch.

    Usage::

        log_ratios, ratios = update_ratio_logger(model)
        fit(model, X, y, eta=0.1, callback=log_ratios)
        bpkit.plot.update_ratios(ratios)

    Returns:
      the callback ``(epoch, history) -> None`` and the dict it fills,
      ``{"0.W": [ratio after epoch 0, ...], ...}``, using the last batch's gradients and the
      epoch's eta (``history.eta``).
    """
    ratios: dict[str, list[float]] = {}

    def callback(epoch: int, history: Any) -> None:
        etas = getattr(history, "eta", None) or [0.0]
        for name, value in update_ratio(model, float(etas[-1])).items():
            ratios.setdefault(name, []).append(value)

    return callback, ratios
