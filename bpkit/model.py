"""Sequential models: a list of layers run forward in order and backward in reverse.

``mlp([2, 16, 16, 1], activation="tanh")`` builds Linear/activation stacks. Parameters are named
"<layer index>.<param>", e.g. "0.W", "0.b", "2.W", and ``named_params()`` / ``named_grads()``
return the layers' own arrays, so in-place updates (``W -= eta * dW``) change the model.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from bpkit._validate import SeedLike, as_array, rng
from bpkit.layers import Dropout, Layer, Linear, get_activation


@dataclass
class LayerRecord:
    """What one layer saw in the last forward/backward pass (``Sequential(record=True)``).

    Attributes:
        name: e.g. "0.Linear" (index and layer type).
        layer: the layer object.
        output: the layer's output from the last forward, shape (n, d_out).
        grad_output: dL/d(output) from the last backward, same shape, or None before backward.
    """

    name: str
    layer: Layer
    output: np.ndarray | None = None
    grad_output: np.ndarray | None = None


class Sequential:
    """Layers applied in order: ``a = layers[-1](... layers[0](X))``.

    Args:
        *layers: Layer objects (a single list of layers is accepted too).
        record: keep a ``LayerRecord`` per layer with its output and, after ``backward``, the
            gradient with respect to that output (``model.records``). Off by default: it keeps
            references to every activation.
    """

    def __init__(self, *layers: Layer, record: bool = False) -> None:
        if len(layers) == 1 and isinstance(layers[0], list | tuple):
            layers = tuple(layers[0])
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"Sequential: item {i} is not a Layer, got {type(layer).__name__}")
        self.layers: list[Layer] = list(layers)
        self.record = record
        self.training = True
        self.records: list[LayerRecord] = [
            LayerRecord(f"{i}.{type(layer).__name__}", layer) for i, layer in enumerate(layers)
        ]

    # ----- forward and backward -----------------------------------------------------------
    def forward(self, X: np.ndarray) -> np.ndarray:
        """Run every layer in order.

        Args:
            X: input of shape (n, d_in).

        Returns:
            the last layer's output, shape (n, d_out).
        """
        a = X
        for layer, rec in zip(self.layers, self.records, strict=True):
            a = layer.forward(a)
            if self.record:
                rec.output, rec.grad_output = a, None
        return a

    __call__ = forward

    def backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """Backpropagate ``dout = dL/d(output)`` through every layer, filling their ``grads``.

        Args:
            dout: gradient of the batch loss with respect to the model output, shape (n, d_out),
                as returned by a loss (it already holds the 1/n).
            input_grad: set False to skip computing dL/dX (saves one matmul when only the
                parameter gradients are needed, as in training). Then None is returned.

        Returns:
            dL/dX of shape (n, d_in), or None when ``input_grad`` is False.
        """
        stop = 0 if input_grad else self._first_param_layer()
        for i in range(len(self.layers) - 1, stop - 1, -1):
            if self.record:
                self.records[i].grad_output = dout
            layer = self.layers[i]
            if i == stop and not input_grad and isinstance(layer, Linear):
                layer.backward(dout, input_grad=False)  # the data needs no gradient
                return None
            dout = layer.backward(dout)
        return dout if input_grad else None

    def _first_param_layer(self) -> int:
        for i, layer in enumerate(self.layers):
            if layer.params:
                return i
        return len(self.layers)

    # ----- modes and gradients ------------------------------------------------------------
    def train(self) -> Sequential:
        """Training mode for every layer (Dropout active). Returns self."""
        self.training = True
        for layer in self.layers:
            layer.train()
        return self

    def eval(self) -> Sequential:
        """Evaluation mode for every layer (Dropout is the identity). Returns self."""
        self.training = False
        for layer in self.layers:
            layer.eval()
        return self

    def zero_grad(self) -> None:
        """Set every gradient to 0 in place."""
        for layer in self.layers:
            layer.zero_grad()

    def named_params(self) -> dict[str, np.ndarray]:
        """{"0.W": W, "0.b": b, ...}: the layers' own arrays (not copies)."""
        return {
            f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.params.items()
        }

    def named_grads(self) -> dict[str, np.ndarray]:
        """{"0.W": dL/dW, ...}, same keys as ``named_params``: the layers' own arrays."""
        return {
            f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.grads.items()
        }

    @property
    def n_params(self) -> int:
        """Total number of scalar parameters."""
        return sum(p.size for p in self.named_params().values())

    def get_weights(self) -> dict[str, np.ndarray]:
        """A copy of every parameter, keyed like ``named_params``."""
        return {k: v.copy() for k, v in self.named_params().items()}

    def set_weights(self, weights: Mapping[str, ArrayLike]) -> None:
        """Copy ``weights`` (as from ``get_weights``) into the model's arrays, in place.

        Raises:
            ValueError: if keys are missing or unknown, or a shape differs.
        """
        params = self.named_params()
        missing = sorted(set(params) - set(weights))
        unknown = sorted(set(weights) - set(params))
        if missing or unknown:
            raise ValueError(
                f"set_weights: keys do not match the model (missing {missing}, unknown {unknown})"
            )
        for k, p in params.items():
            w = as_array(weights[k], f"weights[{k!r}]")
            if w.shape != p.shape:
                raise ValueError(f"set_weights: {k} must have shape {p.shape}, got {w.shape}")
        for k, p in params.items():
            np.copyto(p, weights[k], casting="same_kind")

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Forward pass in evaluation mode (Dropout off), without recording.

        The previous mode (train/eval) is restored afterwards.

        Args:
            X: input of shape (n, d_in); NaN or inf raise ValueError.

        Returns:
            the model output, shape (n, d_out).
        """
        X = as_array(X, "X", ndim=2)
        was_training, was_recording = self.training, self.record
        self.eval()
        self.record = False
        try:
            return self.forward(X)
        finally:
            self.record = was_recording
            if was_training:
                self.train()

    # ----- container protocol -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, i: int) -> Layer:
        return self.layers[i]

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __repr__(self) -> str:
        inner = "".join(f"\n  ({i}) {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential({inner}\n)  # {self.n_params} parameters"


def mlp(
    sizes: Sequence[int],
    activation: str = "relu",
    init: Any = None,
    out_activation: str | None = None,
    p_drop: float = 0.0,
    seed: SeedLike = 0,
    dtype: DTypeLike = np.float64,
    record: bool = False,
) -> Sequential:
    """A multilayer perceptron: Linear, activation (, Dropout) for each hidden layer.

    Args:
        sizes: layer widths [d_in, h_1, ..., d_out]; at least two numbers.
        activation: hidden activation, "relu" | "leaky_relu" | "tanh" | "sigmoid".
        init: initializer name or callable; None picks "he_normal" for relu/leaky_relu and
            "xavier_uniform" otherwise.
        out_activation: activation after the last Linear, or None for raw outputs (logits;
            the losses take logits).
        p_drop: dropout probability after each hidden activation (0 = no Dropout layers).
        seed: the same seed gives the same weights and dropout masks.
        dtype: float64 (default) or float32.
        record: passed to ``Sequential``.

    Returns:
        the Sequential model.
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or any(s <= 0 for s in sizes):
        raise ValueError(
            f"mlp: sizes must list >= 2 positive widths [d_in, ..., d_out], got {sizes}"
        )
    get_activation(activation)  # fail early on a bad name
    if out_activation is not None:
        get_activation(out_activation)
    if not 0 <= p_drop < 1:
        Dropout(p_drop)  # raises the error that explains p_drop
    if init is None:
        init = (
            "he_normal"
            if activation.lower().replace("-", "_") in ("relu", "leaky_relu")
            else ("xavier_uniform")
        )
    g = rng(seed)
    layers: list[Layer] = []
    for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(Linear(d_in, d_out, init=init, seed=g, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(get_activation(activation))
            if p_drop > 0:
                layers.append(Dropout(p_drop, seed=g.spawn(1)[0]))
        elif out_activation is not None:
            layers.append(get_activation(out_activation))
    return Sequential(*layers, record=record)
