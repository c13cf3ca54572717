"""Layers: each one a forward pass and its backward pass, side by side.

Rows are examples. A layer maps ``a_prev`` of shape (n, d_in) to ``a`` of shape (n, d_out).

``forward(a_prev)`` computes the output and caches exactly what ``backward`` needs.
``backward(dout)`` takes ``dout = dL/d(output)``, fills ``grads`` and returns
``dL/d(input)``. Library gradients are the TRUE gradients of the batch-mean loss ``L``, so
``dout = delta / n`` where the rows of ``delta`` are the per-example deltas of the notebooks'
math; the ``1/n`` has already been applied by the loss.

Layers compute in the dtype of their parameters (float64 by default; float32 for speed) and do
not copy data they do not need to.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from bpkit._validate import SeedLike, lookup, rng
from bpkit.functional import as_float, sigmoid
from bpkit.init import get_initializer, zeros


class Layer:
    """Base class: ``params`` and ``grads`` are dicts with the same keys; ``training`` flag.

    Subclasses implement ``forward(a_prev) -> a`` and ``backward(dout) -> d_prev``.
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.training: bool = True

    def forward(self, a_prev: np.ndarray) -> np.ndarray:
        """Compute the output and cache what ``backward`` needs.

        Args:
            a_prev: input of shape (n, d_in).

        Returns:
            a: output of shape (n, d_out).
        """
        raise NotImplementedError(f"{type(self).__name__}.forward is not implemented")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Chain rule through this layer; fills ``grads``.

        Args:
            dout: dL/da of shape (n, d_out) (already holding the 1/n of the batch mean).

        Returns:
            dL/da_prev of shape (n, d_in).
        """
        raise NotImplementedError(f"{type(self).__name__}.backward is not implemented")

    def __call__(self, a_prev: np.ndarray) -> np.ndarray:
        return self.forward(a_prev)

    def train(self) -> Layer:
        """Switch to training mode (Dropout drops units). Returns self."""
        self.training = True
        return self

    def eval(self) -> Layer:
        """Switch to evaluation mode (Dropout is the identity). Returns self."""
        self.training = False
        return self

    def zero_grad(self) -> None:
        """Set every gradient array to 0, in place."""
        for g in self.grads.values():
            g.fill(0)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    # Shared checks, cheap enough for the hot path: they only compare shapes.
    def _cached(self, value: Any) -> Any:
        if value is None:
            raise RuntimeError(f"{self!r}: call forward before backward")
        return value

    def _check_dout(self, dout: np.ndarray, shape: tuple[int, ...]) -> None:
        if getattr(dout, "shape", None) != shape:
            got = getattr(dout, "shape", type(dout).__name__)
            raise ValueError(
                f"{self!r} backward expected dout of shape {shape} (the shape of its output), "
                f"got {got}"
            )


class Linear(Layer):
    """Fully connected layer ``z = a_prev @ W.T + b``.

    Args:
        d_in: number of input features.
        d_out: number of output units.
        init: initializer name (see ``bpkit.init``) or callable ``init(shape, seed, dtype)``.
        seed: int, Generator or None, for the initial weights.
        dtype: float64 (default, for gradient checks) or float32 (for speed).

    Params: ``W`` of shape (d_out, d_in), ``b`` of shape (d_out,), initialised to zeros.

    ``W`` is kept in column-major (Fortran) memory order, so ``W.T`` is an ordinary row-major
    (d_in, d_out) array and the forward product ``a_prev @ W.T`` is the plain, fastest case for
    BLAS. Shape, values and every formula are unchanged; only the memory layout differs.
    """

    def __init__(
        self,
        d_in: int,
        d_out: int,
        init: Any = "xavier_uniform",
        seed: SeedLike = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        super().__init__()
        for what, d in (("d_in", d_in), ("d_out", d_out)):
            if isinstance(d, bool) or not isinstance(d, int | np.integer) or d <= 0:
                raise ValueError(f"Linear: {what} must be a positive int, got {d!r}")
        self.d_in, self.d_out = int(d_in), int(d_out)
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise ValueError(f"Linear: dtype must be a float type, got {dtype}")
        W = np.asfortranarray(
            get_initializer(init)((self.d_out, self.d_in), seed=seed, dtype=dtype)
        )
        self.params = {"W": W, "b": zeros(self.d_out, dtype=dtype)}
        self.grads = {"W": np.zeros_like(W), "b": zeros(self.d_out, dtype=dtype)}
        self.a_prev: np.ndarray | None = None

    @property
    def W(self) -> np.ndarray:
        return self.params["W"]

    @property
    def b(self) -> np.ndarray:
        return self.params["b"]

    def __repr__(self) -> str:
        return f"Linear({self.d_in} -> {self.d_out})"

    def forward(self, a_prev: np.ndarray) -> np.ndarray:
        """``z = a_prev @ W.T + b``.

        Args:
            a_prev: array of shape (n, d_in). Converted to the layer's dtype if it differs.

        Returns:
            z: array of shape (n, d_out).
        """
        if not isinstance(a_prev, np.ndarray):
            a_prev = np.asarray(a_prev)
        if a_prev.ndim != 2 or a_prev.shape[1] != self.d_in:
            hint = " (a single example needs shape (1, d_in): use x.reshape(1, -1))"
            raise ValueError(
                f"{self!r} expected input with {self.d_in} features, got shape {a_prev.shape}"
                + (hint if a_prev.ndim == 1 else "")
            )
        W = self.params["W"]
        if a_prev.dtype != W.dtype:
            a_prev = a_prev.astype(W.dtype)
        self.a_prev = a_prev
        z = a_prev @ W.T
        z += self.params["b"]
        return z

    def backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """Gradients of ``z = a_prev @ W.T + b``.

        Args:
            dout: dL/dz of shape (n, d_out), already holding the 1/n (``dout = delta / n``).
            input_grad: set False to skip ``dL/da_prev`` (e.g. for the first layer, whose input
                is the data). Then None is returned.

        Returns:
            dL/da_prev = ``dout @ W``, shape (n, d_in). Also sets ``grads["W"] = dout.T @ a_prev``
            (d_out, d_in) and ``grads["b"] = dout.sum(axis=0)`` (d_out,), in place.
        """
        a_prev = self._cached(self.a_prev)
        self._check_dout(dout, (a_prev.shape[0], self.d_out))
        W = self.params["W"]
        if dout.dtype != W.dtype:
            dout = dout.astype(W.dtype)
        np.matmul(dout.T, a_prev, out=self.grads["W"])
        np.sum(dout, axis=0, out=self.grads["b"])
        return dout @ W if input_grad else None


class _Activation(Layer):
    """An element-wise ``a = f(z)``: z and a have the same shape (n, d) and dtype.

    ``cache`` holds what backward needs (``a`` itself, or the mask ``z > 0``).
    """

    def __init__(self) -> None:
        super().__init__()
        self.cache: np.ndarray | None = None


class Sigmoid(_Activation):
    """``a = sigmoid(z)``; backward: ``dL/dz = dout * a * (1 - a)`` (caches ``a``)."""

    def forward(self, z: np.ndarray) -> np.ndarray:
        self.cache = a = sigmoid(z)
        return a

    def backward(self, dout: np.ndarray) -> np.ndarray:
        a = self._cached(self.cache)
        self._check_dout(dout, a.shape)
        d = 1.0 - a
        d *= a
        d *= dout
        return d


class Tanh(_Activation):
    """``a = tanh(z)``; backward: ``dL/dz = dout * (1 - a**2)`` (caches ``a``)."""

    def forward(self, z: np.ndarray) -> np.ndarray:
        self.cache = a = np.tanh(as_float(z))
        return a

    def backward(self, dout: np.ndarray) -> np.ndarray:
        a = self._cached(self.cache)
        self._check_dout(dout, a.shape)
        d = a * a
        np.subtract(1.0, d, out=d)
        d *= dout
        return d


class ReLU(_Activation):
    """``a = max(z, 0)``; backward: ``dL/dz = dout * (z > 0)`` (caches ``a``; a > 0 iff z > 0)."""

    def forward(self, z: np.ndarray) -> np.ndarray:
        self.cache = a = np.maximum(as_float(z), 0)
        return a

    def backward(self, dout: np.ndarray) -> np.ndarray:
        a = self._cached(self.cache)
        self._check_dout(dout, a.shape)
        return dout * (a > 0)


class LeakyReLU(_Activation):
    """``a = z`` where ``z > 0`` else ``slope * z``; backward multiplies ``dout`` by 1 or slope."""

    def __init__(self, slope: float = 0.01) -> None:
        super().__init__()
        if not 0 <= slope < 1:
            raise ValueError(f"LeakyReLU: slope must be in [0, 1), got {slope}")
        self.slope = float(slope)

    def __repr__(self) -> str:
        return f"LeakyReLU(slope={self.slope})"

    def forward(self, z: np.ndarray) -> np.ndarray:
        z = as_float(z)
        self.cache = positive = z > 0
        return np.where(positive, z, self.slope * z)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        positive = self._cached(self.cache)
        self._check_dout(dout, positive.shape)
        return np.where(positive, dout, self.slope * dout)


class Dropout(Layer):
    """Inverted dropout. ``p_drop`` is the probability of DROPPING a unit (keep = 1 - p_drop).

    Training: ``mask = rng.random(shape) >= p_drop`` and ``a = a_prev * mask / (1 - p_drop)``,
    so the expected activation is unchanged and nothing needs rescaling at test time.
    Evaluation (``eval()``): the identity.

    Args:
        p_drop: drop probability, 0 <= p_drop < 1.
        seed: int, Generator or None. The same seed gives the same sequence of masks.
    """

    def __init__(self, p_drop: float | None = None, seed: SeedLike = None, **kwargs: Any) -> None:
        super().__init__()
        for wrong in ("p", "keep_prob", "p_keep", "rate"):
            if wrong in kwargs:
                raise TypeError(
                    f"Dropout takes p_drop, the probability of DROPPING a unit, not {wrong}= "
                    f"(keep probability = 1 - p_drop). Example: Dropout(p_drop=0.2) keeps 80%."
                )
        if kwargs:
            raise TypeError(f"Dropout got unexpected arguments {sorted(kwargs)}")
        if p_drop is None:
            raise TypeError("Dropout needs p_drop, the probability of DROPPING a unit")
        if isinstance(p_drop, bool) or not isinstance(p_drop, int | float | np.floating):
            raise TypeError(f"Dropout: p_drop must be a number, got {p_drop!r}")
        if not 0 <= p_drop < 1:
            raise ValueError(
                f"Dropout: p_drop is the probability of DROPPING a unit and must satisfy "
                f"0 <= p_drop < 1, got {p_drop}"
            )
        self.p_drop = float(p_drop)
        self.rng = rng(seed)
        self.mask: np.ndarray | None = None  # scaled mask (0 or 1/(1-p_drop)); None = identity

    def __repr__(self) -> str:
        return f"Dropout(p_drop={self.p_drop})"

    def forward(self, a_prev: np.ndarray) -> np.ndarray:
        """Drop units (training, p_drop > 0) or pass ``a_prev`` through unchanged.

        Args:
            a_prev: array of any shape, usually (n, d).

        Returns:
            array of the same shape and dtype.
        """
        a_prev = as_float(a_prev)
        if not self.training or self.p_drop == 0.0:
            self.mask = None
            return a_prev
        keep = self.rng.random(a_prev.shape) >= self.p_drop
        self.mask = keep * a_prev.dtype.type(1.0 / (1.0 - self.p_drop))
        return a_prev * self.mask

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """``dL/da_prev = dout * mask / (1 - p_drop)`` (the identity in eval mode)."""
        if self.mask is None:
            return dout
        self._check_dout(dout, self.mask.shape)
        return dout * self.mask


ACTIVATIONS: dict[str, type[Layer]] = {
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
}


def get_activation(name: str) -> Layer:
    """A new activation layer by name: "relu", "leaky_relu", "sigmoid" or "tanh".

    Raises:
        ValueError: for an unknown name; the message lists the valid names.
    """
    return lookup("activation", name, ACTIVATIONS, {"leakyrelu": "leaky_relu"})()
