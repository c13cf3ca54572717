"""Update rules with one interface: momentum, Nesterov, RMSprop and Adam.

:class:`Momentum` (plain SGD when ``beta = 0``), :class:`Nesterov`, :class:`RMSprop` and
:class:`Adam` share one signature, ``rule.step(params, grads)``, and keep their state per
parameter in ``rule.state[name]`` (a dict of arrays, e.g. ``rule.state["0.W"]["v"]``), so
notebooks and explorers can inspect and plot it. ``rule.t`` counts the steps taken. ``fit``
accepts a rule as an object or by name (:func:`get_optimizer`, :data:`OPTIMIZERS`).

- Momentum: the velocity form of :mod:`bpkit.optim` (``v <- beta * v - eta * g``, ``W <- W + v``).
- Nesterov, in the same velocity form: ``v <- beta * v - eta * g`` then
  ``W <- W + beta * v - eta * g`` (with the *new* ``v``). This is Sutskever's look-ahead
  momentum rewritten so that ``g`` is taken at the stored weights (the variable kept is the
  look-ahead point); it equals ``W <- W - beta * v_old + (1 + beta) * v``.
- RMSprop: ``s <- beta * s + (1 - beta) * g**2`` then ``W <- W - eta * g / (sqrt(s) + eps)``.
- Adam: ``t <- t + 1``; ``m <- beta1 * m + (1 - beta1) * g``;
  ``s <- beta2 * s + (1 - beta2) * g**2``; ``m_hat = m / (1 - beta1**t)``,
  ``s_hat = s / (1 - beta2**t)``; ``W <- W - eta * m_hat / (sqrt(s_hat) + eps)``.
  ``t`` counts from 1 at the first step, so the corrections undo the zero start of ``m`` and
  ``s`` exactly. Without them a step is off by ``(1 - beta1**t) / sqrt(1 - beta2**t)``: for
  the defaults (0.9, 0.999) about 3.2 times too large at ``t = 1``, more in the next dozens of
  steps, and still 1.26 times at ``t = 1000``.
- Where eps sits: *outside* the square root, added to ``sqrt(s)`` (``sqrt(s_hat)`` for Adam),
  as in the RMSprop lecture notes, the Adam paper and PyTorch. (Keras' RMSprop and some
  textbooks put it inside, ``sqrt(s + eps)``; with eps = 1e-8 the two differ only where
  ``s`` is about eps or smaller.)
- eta and the state: Momentum and Nesterov keep eta inside ``v`` (a change of eta reaches the
  steps gradually); RMSprop and Adam multiply by eta only when stepping, so a new eta applies
  to the very next step in full.
- L2 is *coupled*: ``SGD(l2=...)`` / ``fit(l2=...)`` adds ``l2 * W`` to the gradient before the
  rule sees it, so with RMSprop or Adam the penalty gradient is rescaled per coordinate like
  every other gradient. ``Adam(weight_decay=...)`` is the *decoupled* form of AdamW
  (Loshchilov & Hutter): weights (not biases) shrink by ``W <- W - eta * weight_decay * W``
  before the Adam step, whatever their gradients.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bpkit._params import Arrays, is_weight
from bpkit._params import check_same_keys as _check_same_keys


def _check_eta(eta: float) -> float:
    if isinstance(eta, bool) or not np.isfinite(eta) or eta <= 0:
        raise ValueError(f"eta (learning rate) must be a finite number > 0, got {eta!r}")
    return float(eta)


def _check_beta(beta: float, name: str) -> float:
    if isinstance(beta, bool) or not (np.isfinite(beta) and 0 <= beta < 1):
        raise ValueError(f"{name} must be in [0, 1), got {beta!r}")
    return float(beta)


def _check_eps(eps: float) -> float:
    if isinstance(eps, bool) or not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a finite number > 0, got {eps!r}")
    return float(eps)


class UpdateRule:
    """What every update rule shares: ``step(params, grads)`` and per-parameter state.

    Subclasses set ``name`` and ``slots`` (the state arrays each parameter gets, all starting
    at zeros) and implement ``_update(p, g, state)``.

    Attributes:
        eta: learning rate; may be changed between steps (``fit`` does this for schedules).
        state: name -> {slot: array shaped like the parameter}, created at the first step that
            sees the name (e.g. ``{"v": ...}`` for momentum, ``{"m": ..., "s": ...}`` for Adam).
        t: number of steps taken so far (0 before the first).
    """

    name = ""
    slots: tuple[str, ...] = ()

    def __init__(self, eta: float) -> None:
        self.eta = _check_eta(eta)
        self.state: dict[str, dict[str, np.ndarray]] = {}
        self.t = 0

    def step(self, params: Arrays, grads: Arrays) -> None:
        """One update of every parameter, in place.

        Args:
            params: name -> parameter array (any shape); updated in place.
            grads: name -> gradient array, same keys and shapes; not changed.
        """
        _check_same_keys(params, grads)
        self.t += 1
        for name, p in params.items():
            g = np.asarray(grads[name])
            if g.shape != p.shape:
                raise ValueError(
                    f"{type(self).__name__}: gradient {name!r} has shape {g.shape}, "
                    f"parameter has {p.shape}"
                )
            st = self.state.get(name)
            if st is None:
                st = self.state[name] = {k: np.zeros_like(p) for k in self.slots}
            elif any(a.shape != p.shape for a in st.values()):
                raise ValueError(
                    f"{type(self).__name__}: its state for {name!r} has another shape than the "
                    f"parameter {p.shape}; use a new optimizer (or .reset()) for a new model"
                )
            self._update(name, p, g, st)

    def reset(self) -> None:
        """Forget all state (as if no step had been taken)."""
        self.state.clear()
        self.t = 0

    def _update(self, name: str, p: np.ndarray, g: np.ndarray, st: dict[str, np.ndarray]) -> None:
        raise NotImplementedError

    def _params_text(self) -> str:
        return f"eta={self.eta:g}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._params_text()})"


class Momentum(UpdateRule):
    """SGD with momentum, velocity form: ``v <- beta * v - eta * g``, ``W <- W + v``.

    ``beta = 0`` is plain SGD (``W <- W - eta * g``, and no state is kept). State: ``"v"``.
    The same update as :func:`momentum_step` and as ``SGD(momentum=beta)``.
    """

    name = "momentum"

    def __init__(self, eta: float = 0.1, beta: float = 0.9) -> None:
        super().__init__(eta)
        self.beta = _check_beta(beta, "beta")
        self.slots = ("v",) if self.beta else ()

    def _update(self, name, p, g, st) -> None:
        v = self._velocity(p, g, st)
        if v is not None:
            p += v

    def _velocity(self, p, g, st) -> np.ndarray | None:
        """``v <- beta * v - eta * g`` in place; with ``beta = 0``, the plain step on p and None."""
        if not self.beta:
            p -= self.eta * g
            return None
        v = st["v"]
        v *= self.beta
        v -= self.eta * g
        return v

    def _params_text(self) -> str:
        return f"eta={self.eta:g}, beta={self.beta:g}"


class Nesterov(Momentum):
    """Nesterov momentum, velocity form: ``v <- beta * v - eta * g``, ``W <- W + beta*v - eta*g``.

    State: ``"v"``. See the module docstring for why this is the look-ahead rule.
    """

    name = "nesterov"

    def _update(self, name, p, g, st) -> None:
        v = self._velocity(p, g, st)
        if v is not None:
            p += self.beta * v - self.eta * g


class RMSprop(UpdateRule):
    """RMSprop: ``s <- beta * s + (1 - beta) * g**2``, ``W <- W - eta * g / (sqrt(s) + eps)``.

    State: ``"s"`` (the running mean of squared gradients). eps sits outside the square root.
    """

    name = "rmsprop"
    slots = ("s",)

    def __init__(self, eta: float = 0.001, beta: float = 0.99, eps: float = 1e-8) -> None:
        super().__init__(eta)
        self.beta = _check_beta(beta, "beta")
        self.eps = _check_eps(eps)

    def _update(self, name, p, g, st) -> None:
        s = st["s"]
        s *= self.beta
        s += (1.0 - self.beta) * g * g
        p -= self.eta * g / (np.sqrt(s) + self.eps)

    def _params_text(self) -> str:
        return f"eta={self.eta:g}, beta={self.beta:g}, eps={self.eps:g}"


class Adam(UpdateRule):
    """Adam with bias correction (Kingma & Ba, 2015); optional decoupled weight decay (AdamW).

    ``m <- beta1 * m + (1 - beta1) * g``, ``s <- beta2 * s + (1 - beta2) * g**2``,
    ``W <- W - eta * (m / (1 - beta1**t)) / (sqrt(s / (1 - beta2**t)) + eps)``, with
    ``t = 1`` at the first step. State: ``"m"`` and ``"s"``; ``t`` is shared.

    Args:
        eta, beta1, beta2, eps: as above; eta > 0, betas in [0, 1), eps > 0.
        weight_decay: decoupled decay (>= 0): weights (``"W"``, ``"<i>.W"``) are first shrunk,
            ``W <- W - eta * weight_decay * W``. Biases are not decayed.
    """

    name = "adam"
    slots = ("m", "s")

    def __init__(
        self,
        eta: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(eta)
        self.beta1 = _check_beta(beta1, "beta1")
        self.beta2 = _check_beta(beta2, "beta2")
        self.eps = _check_eps(eps)
        if isinstance(weight_decay, bool) or not (np.isfinite(weight_decay) and weight_decay >= 0):
            raise ValueError(f"weight_decay must be a finite number >= 0, got {weight_decay!r}")
        self.weight_decay = float(weight_decay)

    def _update(self, name, p, g, st) -> None:
        m, s = st["m"], st["s"]
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        s *= self.beta2
        s += (1.0 - self.beta2) * g * g
        if self.weight_decay and is_weight(name):
            p -= (self.eta * self.weight_decay) * p
        m_hat = m / (1.0 - self.beta1**self.t)
        s_hat = s / (1.0 - self.beta2**self.t)
        p -= self.eta * m_hat / (np.sqrt(s_hat) + self.eps)

    def _params_text(self) -> str:
        text = f"eta={self.eta:g}, beta1={self.beta1:g}, beta2={self.beta2:g}, eps={self.eps:g}"
        return text + (f", weight_decay={self.weight_decay:g}" if self.weight_decay else "")


#: name -> (class, keyword arguments): what :func:`get_optimizer` builds for each name.
OPTIMIZERS: dict[str, tuple[type[UpdateRule], dict[str, Any]]] = {
    "sgd": (Momentum, {"beta": 0.0}),
    "momentum": (Momentum, {}),
    "nesterov": (Nesterov, {}),
    "rmsprop": (RMSprop, {}),
    "adam": (Adam, {}),
}


def get_optimizer(optimizer: str | UpdateRule, **kwargs: Any) -> UpdateRule:
    """An update rule from its name (``"sgd"``, ``"momentum"``, ``"nesterov"``, ``"rmsprop"``,
    ``"adam"``; case-insensitive) with ``kwargs`` passed to its class, or the object itself.

    Example:
        >>> get_optimizer("adam", eta=0.01)
        Adam(eta=0.01, beta1=0.9, beta2=0.999, eps=1e-08)
    """
    if isinstance(optimizer, UpdateRule):
        if kwargs:
            raise ValueError(
                f"options {sorted(kwargs)} only apply to an optimizer given by name; set them on "
                f"the object {optimizer!r} instead"
            )
        return optimizer
    key = optimizer.lower() if isinstance(optimizer, str) else None
    if key not in OPTIMIZERS:
        known = ", ".join(repr(k) for k in OPTIMIZERS)
        raise ValueError(
            f"unknown optimizer {optimizer!r}; known optimizers: {known} "
            "(or pass an object such as bpkit.optim.Adam(eta=0.001))"
        )
    cls, defaults = OPTIMIZERS[key]
    return cls(**{**defaults, **kwargs})
