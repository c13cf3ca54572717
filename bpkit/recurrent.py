"""A recurrent layer, and backpropagation through time (BPTT) as its backward pass.

Rows are examples. A sequence ``X`` has shape (n, T, d_in): ``X[:, t]`` holds step t of every
example. The hidden state ``h`` has shape (n, d_h). With the math's steps t = 1..T (code index
t - 1) and a start state ``h_0`` (zeros unless given), one step is::

    z_t = x_t @ W_x.T + h_{t-1} @ W_h.T + b        h_t = f(z_t)        (f = tanh by default)

The same ``W_x``, ``W_h`` and ``b`` serve every step: the unrolled network is a deep network with
tied weights. An optional ``Linear`` head reads ``y_t = h_t @ W_y.T + b_y`` at every step
(``output="sequence"``) or only at the last one (``output="last"``).

The backward pass walks from t = T down to 1 (a loop, no recursion, so T = 1000 is fine)::

    g_t     = dL/dh_t = (the gradient from the output at t) + delta_{t+1} @ W_h
    delta_t = dL/dz_t = g_t * f'(z_t)
    dW_x = sum_t delta_t.T @ x_t     dW_h = sum_t delta_t.T @ h_{t-1}     db = sum_t delta_t

Truncated BPTT to k steps (``truncate=k``): the error that enters at step t travels back through
at most k steps, z_t, z_{t-1}, ..., z_{t-k+1}, and is dropped after that. k = T is full BPTT.

Like every bpkit layer, ``backward(dout)`` takes the TRUE gradient of the batch-mean loss (the
1/n already applied by the loss), fills ``grads`` and returns dL/dX.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
from numpy.typing import DTypeLike
from threadpoolctl import ThreadpoolController

from bpkit._validate import SeedLike, check_finite, lookup, rng
from bpkit.init import get_initializer
from bpkit.layers import Layer, Linear

OUTPUTS = ("last", "sequence")


# f overwrites z with h = f(z) (the forward pass keeps only h); f' is written with h, so the
# backward pass needs only the states it kept.
def _tanh_prime(h: np.ndarray) -> np.ndarray:
    d = h * h
    np.subtract(1.0, d, out=d)
    return d


def _sigmoid(z: np.ndarray) -> None:
    e = np.exp(-np.abs(z))
    r = 1.0 / (1.0 + e)
    z[...] = np.where(z >= 0, r, e * r)


ACTIVATIONS: dict[str, tuple[Any, Any]] = {
    "tanh": (lambda z: np.tanh(z, out=z), _tanh_prime),
    "sigmoid": (_sigmoid, lambda h: h * (1.0 - h)),
    "relu": (lambda z: np.maximum(z, 0.0, out=z), lambda h: (h > 0).astype(h.dtype)),
    "linear": (lambda z: None, np.ones_like),
}


@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def _one_thread() -> Any:
    """The per-step products are small: one BLAS thread beats several that spin-wait."""
    return _blas().limit(limits=1, user_api="blas")


def spectral_radius(W: np.ndarray) -> float:
    """The largest |eigenvalue| of a square matrix: how much repeated products of W grow."""
    W = np.asarray(W)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"spectral_radius needs a square matrix, got shape {W.shape}")
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def with_radius(W: np.ndarray, radius: float) -> np.ndarray:
    """``W`` rescaled so that its spectral radius is ``radius`` (a new array)."""
    if not np.isfinite(radius) or radius < 0:
        raise ValueError(f"radius must be a finite number >= 0, got {radius!r}")
    rho = spectral_radius(W)
    if rho == 0:
        raise ValueError("with_radius: W has spectral radius 0 and cannot be rescaled")
    return W * (radius / rho)


def sequence_mse(y_hat: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """MSE over every step of a sequence output: ``L = sum((y_hat - y)**2) / (2 n T)``.

    Every step of every example weighs the same, as if the n * T predictions were n * T rows.

    Args:
        y_hat: predictions of shape (n, T, k) (``RNN(..., output="sequence")``).
        y: targets of the same shape.

    Returns:
        (L, dL/dy_hat) with ``dL/dy_hat = (y_hat - y) / (n T)``, shaped like ``y_hat``.
    """
    y_hat, y = np.asarray(y_hat), np.asarray(y)
    if y_hat.ndim != 3 or y.shape != y_hat.shape:
        raise ValueError(
            f"sequence_mse expects y_hat and y of the same shape (n, T, k), got {y_hat.shape} "
            f"and {y.shape}"
        )
    rows = y_hat.shape[0] * y_hat.shape[1]
    diff = y_hat - y
    L = float(np.vdot(diff, diff)) / (2 * rows)
    diff /= rows
    return L, diff


def _positive_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"RNN: {what} must be a positive int, got {value!r}")
    return int(value)


class RNN(Layer):
    """A plain (Elman) recurrent layer with tanh units, trained by backpropagation through time.

    Args:
        d_in: features per step of the input sequence.
        d_h: hidden units.
        d_out: units of the optional Linear head ``y_t = h_t @ W_y.T + b_y``; None for no head
            (the layer then returns the hidden states themselves).
        output: "last" returns the last step only, shape (n, d_out) (or (n, d_h) without a
            head); "sequence" returns every step, shape (n, T, d_out) (or (n, T, d_h)).
        activation: "tanh" (default), "sigmoid", "relu" or "linear".
        init: initializer for ``W_x`` and ``W_y`` (see ``bpkit.init``).
        radius: the spectral radius of ``W_h``. ``W_h`` is drawn from N(0, 1/d_h), whose radius
            is close to 1, and rescaled to exactly ``radius`` when it is given.
        truncate: None for full BPTT, or k >= 1 to let each error travel back at most k steps.
        seed: int, Generator or None, for the initial weights.
        dtype: float64 (default, for gradient checks) or float32.

    Params: ``W_x`` (d_h, d_in), ``W_h`` (d_h, d_h), ``b`` (d_h,), and with a head ``W_y``
    (d_out, d_h), ``b_y`` (d_out,). A ``Sequential`` can hold the layer, e.g.
    ``Sequential(RNN(1, 16), Linear(16, 1))``.

    After ``forward``: ``H`` (n, T, d_h) holds h_1..h_T and ``h0`` the start state. After
    ``backward``: ``dH`` (n, T, d_h) holds dL/dh_t (the errors flowing through each state,
    under truncation only what was kept) and ``dh0`` holds dL/dh_0.
    """

    def __init__(
        self,
        d_in: int,
        d_h: int,
        d_out: int | None = None,
        *,
        output: str = "last",
        activation: str = "tanh",
        init: Any = "xavier_uniform",
        radius: float | None = None,
        truncate: int | None = None,
        seed: SeedLike = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        super().__init__()
        self.d_in = _positive_int(d_in, "d_in")
        self.d_h = _positive_int(d_h, "d_h")
        self.d_out = None if d_out is None else _positive_int(d_out, "d_out")
        if output not in OUTPUTS:
            raise ValueError(f"RNN: output must be 'last' or 'sequence', got {output!r}")
        self.output = output
        self.activation = str(activation).lower()
        self._f, self._f_prime = lookup("activation", activation, ACTIVATIONS)
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise ValueError(f"RNN: dtype must be a float type, got {dtype}")
        self.truncate = truncate
        if truncate is not None:
            self._check_truncate(truncate, None)
        g = rng(seed)
        W_x = get_initializer(init)((self.d_h, self.d_in), seed=g, dtype=np.float64)
        W_h = g.standard_normal((self.d_h, self.d_h)) / np.sqrt(self.d_h)
        if radius is not None:
            W_h = with_radius(W_h, radius)
        self.params = {
            "W_x": W_x.astype(dtype),
            "W_h": W_h.astype(dtype),
            "b": np.zeros(self.d_h, dtype=dtype),
        }
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.head: Linear | None = None
        if self.d_out is not None:
            self.head = Linear(self.d_h, self.d_out, init=init, seed=g, dtype=dtype)
            self.params.update(W_y=self.head.params["W"], b_y=self.head.params["b"])
            self.grads.update(W_y=self.head.grads["W"], b_y=self.head.grads["b"])
        self._Ht: np.ndarray | None = None  # h_1..h_T, time-major (T, n, d_h)
        self._Xt: np.ndarray | None = None  # x_1..x_T, time-major (T, n, d_in)
        self.h0: np.ndarray | None = None
        self.dH: np.ndarray | None = None
        self.dh0: np.ndarray | None = None

    def __repr__(self) -> str:
        head = "" if self.d_out is None else f" -> {self.d_out}"
        return f"RNN({self.d_in} -> {self.d_h}{head}, {self.output})"

    @property
    def H(self) -> np.ndarray | None:
        """The hidden states h_1..h_T of the last forward pass, shape (n, T, d_h)."""
        return None if self._Ht is None else self._Ht.transpose(1, 0, 2)

    # ----- input checks -------------------------------------------------------------------------
    def _check_sequence(self, X: Any) -> np.ndarray:
        if not isinstance(X, np.ndarray):
            try:
                X = np.asarray(X, dtype=float)
            except (TypeError, ValueError) as err:
                raise ValueError(f"{self!r}: X could not be converted to numbers: {err}") from None
        want = f"(n, T, {self.d_in})"
        if X.ndim != 3:
            hint = (
                f" (one sequence needs shape (1, T, {self.d_in}); n examples of a single step "
                f"need (n, 1, {self.d_in}))"
                if X.ndim == 2
                else ""
            )
            raise ValueError(
                f"{self!r} expected a sequence X of shape {want} (examples, steps, features), "
                f"got a {X.ndim}-D array of shape {X.shape}{hint}"
            )
        n, T, d = X.shape
        if T == 0:
            raise ValueError(
                f"{self!r} got a sequence of length T = 0 (X of shape {X.shape}); it needs at "
                "least one time step"
            )
        if n == 0:
            raise ValueError(f"{self!r} got no examples (X of shape {X.shape})")
        if d != self.d_in:
            raise ValueError(
                f"{self!r} expected input with {self.d_in} features per step, got X of shape "
                f"{X.shape} ({d} features)"
            )
        if X.dtype.kind not in "biuf":
            raise ValueError(f"{self!r}: X must hold numbers, got dtype {X.dtype}")
        W = self.params["W_x"]
        if X.dtype != W.dtype:
            X = X.astype(W.dtype)
        check_finite(X, "X")
        return X

    def _check_truncate(self, k: Any, T: int | None) -> int | None:
        if k is None:
            return None
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            raise ValueError(
                f"{self!r}: truncate must be None (full BPTT) or a number of steps k >= 1, "
                f"got {k!r}"
            )
        if T is not None and k > T:
            raise ValueError(
                f"{self!r}: truncate={k} is longer than the sequence (T = {T} steps); use "
                f"1 <= truncate <= {T}, or None for full BPTT"
            )
        return int(k)

    # ----- forward ------------------------------------------------------------------------------
    def forward(self, X: np.ndarray, h0: np.ndarray | None = None) -> np.ndarray:
        """Run the recurrence over all T steps and cache what ``backward`` needs.

        Args:
            X: sequence of shape (n, T, d_in); NaN or inf raise ValueError.
            h0: start state of shape (n, d_h), or None for zeros.

        Returns:
            with a head: (n, d_out) for output="last", (n, T, d_out) for "sequence";
            without one: h_T of shape (n, d_h), or all states H of shape (n, T, d_h).
        """
        X = self._check_sequence(X)
        n, T, _ = X.shape
        self._check_truncate(self.truncate, T)
        p = self.params
        dtype = p["W_h"].dtype
        if h0 is None:
            h0 = np.zeros((n, self.d_h), dtype=dtype)
        else:
            h0 = np.asarray(h0)
            if h0.shape != (n, self.d_h):
                raise ValueError(
                    f"{self!r} expected h0 of shape ({n}, {self.d_h}) (one start state per "
                    f"example), got shape {h0.shape}"
                )
            h0 = h0.astype(dtype, copy=False)
            check_finite(h0, "h0")
        Xt = np.ascontiguousarray(X.transpose(1, 0, 2))  # (T, n, d_in): step t is contiguous
        Ht = Xt @ p["W_x"].T  # every input term at once: (T, n, d_h)
        Ht += p["b"]
        W_hT = p["W_h"].T
        f = self._f
        h = h_prev = h0
        with _one_thread():
            for t in range(T):  # z_t = x_t W_x^T + b + h_{t-1} W_h^T, h_t = f(z_t), in place
                h = Ht[t]
                h += h_prev @ W_hT
                f(h)
                h_prev = h
        self._Xt, self._Ht, self.h0 = Xt, Ht, h0
        if self.output == "last":
            return self.head.forward(h) if self.head is not None else h.copy()
        H = Ht.transpose(1, 0, 2)
        if self.head is None:
            return H.copy()
        out = self.head.forward(H.reshape(n * T, self.d_h))
        return out.reshape(n, T, self.d_out)

    # ----- backward -----------------------------------------------------------------------------
    def backward(self, dout: np.ndarray, truncate: Any = "default") -> np.ndarray:
        """Backpropagation through time; fills ``grads`` and returns dL/dX.

        Args:
            dout: dL/d(output), shaped like the output of ``forward`` (already holding 1/n).
            truncate: overrides the layer's ``truncate`` for this call (None = full BPTT).

        Returns:
            dL/dX of shape (n, T, d_in). Also sets ``dH`` (n, T, d_h), ``dh0`` (n, d_h) and
            ``grads``: ``W_x``, ``W_h``, ``b`` summed over the steps (and the head's).
        """
        Ht, Xt = self._cached(self._Ht), self._cached(self._Xt)
        T, n, d_h = Ht.shape
        k = self._check_truncate(self.truncate if truncate == "default" else truncate, T)
        dtype = Ht.dtype
        out_shape: tuple[int, ...] = (n, self.d_out if self.head is not None else d_h)
        if self.output == "sequence":
            out_shape = (n, T, out_shape[1])
        self._check_dout(dout, out_shape)
        dout = np.asarray(dout, dtype=dtype)
        # The errors that enter each state from the output: (T, n, d_h), or the last step only.
        if self.output == "last":
            last = self.head.backward(dout) if self.head is not None else dout
            direct: np.ndarray | None = None
        else:
            if self.head is not None:
                dflat = self.head.backward(dout.reshape(n * T, self.d_out))
                dout = dflat.reshape(n, T, d_h)
            direct = np.ascontiguousarray(dout.transpose(1, 0, 2))
            last = direct[T - 1]
        with _one_thread():
            if k is None or k >= T:
                D, G = self._bptt_full(Ht, direct, last)
            else:
                D, G = self._bptt_truncated(Ht, direct, last, k)
        self._gradients(D, Xt, Ht)
        self.dH = G.transpose(1, 0, 2)
        self.dh0 = D[0] @ self.params["W_h"]
        dX = D @ self.params["W_x"]  # (T, n, d_in)
        return dX.transpose(1, 0, 2)

    def _bptt_full(self, Ht, direct, last) -> tuple[np.ndarray, np.ndarray]:
        """delta_t = (direct_t + delta_{t+1} @ W_h) * f'(z_t), from t = T down to 1."""
        T = Ht.shape[0]
        W_h = self.params["W_h"]
        D = self._f_prime(Ht)  # f'(z_t) for every step at once; becomes delta_t in place
        G = np.empty_like(Ht)
        g = last.astype(Ht.dtype, copy=True)
        for t in range(T - 1, -1, -1):
            G[t] = g
            D[t] *= g
            if t:
                g = D[t] @ W_h  # the error reaching h_{t-1} through W_h
                if direct is not None:
                    g += direct[t - 1]
        return D, G

    def _bptt_truncated(self, Ht, direct, last, k) -> tuple[np.ndarray, np.ndarray]:
        """Each error keeps its own path back, for at most k steps (all paths batched)."""
        T, n, d_h = Ht.shape
        W_h = self.params["W_h"]
        D = np.zeros_like(Ht)
        G = np.zeros_like(Ht)
        prime = self._f_prime(Ht)
        flying = np.empty((0, n, d_h), dtype=Ht.dtype)  # dL/dh_t of each error still travelling
        age = np.empty(0, dtype=np.int64)  # steps each one has already gone back
        for t in range(T - 1, -1, -1):
            entering = last if t == T - 1 else (None if direct is None else direct[t])
            if entering is not None:
                flying = np.concatenate([entering[None].astype(Ht.dtype), flying])
                age = np.concatenate([[0], age])
            if not age.size:
                continue
            G[t] = flying.sum(axis=0)
            deltas = flying * prime[t]
            D[t] = deltas.sum(axis=0)
            going = age < k - 1  # an error that has reached z_{t-k+1} stops here
            flying = deltas[going] @ W_h
            age = age[going] + 1
        return D, G

    def _gradients(self, D: np.ndarray, Xt: np.ndarray, Ht: np.ndarray) -> None:
        """Shared weights: every step's term, summed (one matmul over all steps at once)."""
        T, n, d_h = D.shape
        Dflat = D.reshape(T * n, d_h)
        np.matmul(Dflat.T, Xt.reshape(T * n, -1), out=self.grads["W_x"])
        H_prev = np.concatenate([self.h0[None], Ht[:-1]])  # h_0..h_{T-1}
        np.matmul(Dflat.T, H_prev.reshape(T * n, d_h), out=self.grads["W_h"])
        np.sum(Dflat, axis=0, out=self.grads["b"])


__all__ = ["ACTIVATIONS", "RNN", "sequence_mse", "spectral_radius", "with_radius"]
