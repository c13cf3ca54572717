"""Gradient-descent updates: SGD, momentum, L1/L2 penalties, clipping, learning-rate schedules.

Every function here works on *dicts of arrays* (the ``params``/``grads`` dicts of a layer, or the
``named_params()``/``named_grads()`` of a model) and updates the arrays **in place**, so a model
that holds views of those arrays sees the change.

Conventions
-----------
- Plain step: ``W <- W - eta * dW``.
- Momentum (the "velocity" form): ``v <- beta * v - eta * dW`` then ``W <- W + v``. ``v`` starts
  at zero, so the first momentum step equals a plain step. With a constant gradient ``g`` the
  step approaches ``-eta * g / (1 - beta)``.

  ``v`` holds past gradients *already multiplied by the eta of their step*. The other common
  form (PyTorch's ``SGD(momentum=...)``) keeps ``u <- beta * u + dW`` and steps
  ``W <- W - eta * u``. While eta is constant the two give the same weights (``v = -eta * u``).
  Once eta changes mid-run (a schedule, or setting ``SGD.eta``) they differ: here the old eta
  stays inside ``v``, so after eta is halved the steps shrink gradually, over roughly
  ``1 / (1 - beta)`` steps, while PyTorch's form halves the very next step, momentum included.
- Penalties apply to weights only (keys ``"W"`` or ending in ``".W"``), never to biases:
  L2 adds ``lam / 2 * sum(W**2)`` to L (gradient ``lam * W``), L1 adds ``lam * sum(|W|)``
  (gradient ``lam * sign(W)``, taking ``sign(0) = 0``).
- Clipping rescales *all* gradients together when their global norm
  ``sqrt(sum of every squared entry)`` exceeds ``max_norm``; it keeps the direction.

Update rules
------------
:class:`~bpkit.update_rules.Momentum`, ``Nesterov``, ``RMSprop`` and ``Adam`` share one interface
and live in :mod:`bpkit.update_rules`; they are importable from here as well.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bpkit._params import Arrays, is_weight
from bpkit._params import check_same_keys as _check_same_keys
from bpkit.update_rules import (
    OPTIMIZERS,
    Adam,
    Momentum,
    Nesterov,
    RMSprop,
    UpdateRule,
    get_optimizer,
)

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "Adam",
    "Momentum",
    "Nesterov",
    "RMSprop",
    "UpdateRule",
    "get_optimizer",
    "clip_grad_norm",
    "cyclical_schedule",
    "is_weight",
    "l1_penalty",
    "l2_penalty",
    "momentum_step",
    "sgd_step",
    "step_schedule",
]


def _check_nonnegative(value: float, name: str) -> None:
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


def _scaled(g: np.ndarray, eta: float, scratch: dict[str, np.ndarray] | None, name: str):
    """``eta * g``, written into a reused buffer when ``scratch`` is given.

    Reusing the buffer means a training step allocates no new arrays: large temporaries cost
    fresh memory pages on every step, which is a visible part of a small network's step time.
    """
    if scratch is None:
        return eta * g
    buf = scratch.get(name)
    if buf is None or buf.shape != g.shape or buf.dtype != g.dtype:
        buf = scratch[name] = np.empty_like(g)
    return np.multiply(g, eta, out=buf)


def sgd_step(
    params: Arrays, grads: Arrays, eta: float, scratch: dict[str, np.ndarray] | None = None
) -> None:
    """One plain gradient-descent step, in place: ``p <- p - eta * g`` for every key.

    Args:
        params: name -> parameter array (any shape); updated in place.
        grads: name -> gradient array, same keys and shapes as ``params``.
        eta: learning rate.
        scratch: optional dict of reusable buffers (see ``SGD``); only affects speed.
    """
    _check_same_keys(params, grads)
    for name, p in params.items():
        p -= _scaled(grads[name], eta, scratch, name)


def momentum_step(
    params: Arrays,
    grads: Arrays,
    velocity: dict[str, np.ndarray],
    eta: float,
    beta: float,
    scratch: dict[str, np.ndarray] | None = None,
) -> None:
    """One momentum step, in place: ``v <- beta * v - eta * g`` then ``p <- p + v``.

    ``velocity`` carries the eta of earlier steps: if ``eta`` differs from the last call, only
    the new ``- eta * g`` term uses it (see the module docstring for how this differs from the
    ``u <- beta * u + g; p <- p - eta * u`` form).

    Args:
        params: name -> parameter array; updated in place.
        grads: name -> gradient array, same keys and shapes as ``params``.
        velocity: name -> velocity array. Missing keys are created as zeros, so an empty dict
            is the right starting state. Updated in place.
        eta: learning rate.
        beta: momentum coefficient in [0, 1).
        scratch: optional dict of reusable buffers (see ``SGD``); only affects speed.
    """
    _check_same_keys(params, grads)
    for name, p in params.items():
        v = velocity.get(name)
        if v is None:
            v = velocity[name] = np.zeros_like(p)
        v *= beta
        v -= _scaled(grads[name], eta, scratch, name)
        p += v


def l2_penalty(params: Arrays, lam: float) -> tuple[float, dict[str, np.ndarray]]:
    """L2 (weight-decay) penalty ``lam / 2 * sum(W**2)`` over the weights, and its gradient.

    Args:
        params: name -> array; only weights (``"W"`` or ``"<i>.W"``) are penalised.
        lam: penalty strength (>= 0).

    Returns:
        ``(value, grads)``: the penalty (a float) and a dict with the same keys as ``params``
        holding ``lam * W`` for weights and zeros for everything else.
    """
    _check_nonnegative(lam, "l2")
    value = 0.0
    grads = {}
    for name, p in params.items():
        if is_weight(name):
            value += 0.5 * lam * float(np.vdot(p, p))
            grads[name] = lam * p
        else:
            grads[name] = np.zeros_like(p)
    return value, grads


def l1_penalty(params: Arrays, lam: float) -> tuple[float, dict[str, np.ndarray]]:
    """L1 penalty ``lam * sum(|W|)`` over the weights, and its (sub)gradient ``lam * sign(W)``.

    Args:
        params: name -> array; only weights (``"W"`` or ``"<i>.W"``) are penalised.
        lam: penalty strength (>= 0).

    Returns:
        ``(value, grads)`` as in :func:`l2_penalty`; at ``W == 0`` the gradient is 0.
    """
    _check_nonnegative(lam, "l1")
    value = 0.0
    grads = {}
    for name, p in params.items():
        if is_weight(name):
            value += lam * float(np.abs(p).sum())
            grads[name] = lam * np.sign(p)
        else:
            grads[name] = np.zeros_like(p)
    return value, grads


def clip_grad_norm(grads: Arrays, max_norm: float) -> float:
    """Scale all gradients in place so that their global L2 norm is at most ``max_norm``.

    The global norm is ``sqrt(sum over every array of sum(g**2))``. If it exceeds ``max_norm``
    every gradient is multiplied by ``max_norm / norm``; otherwise nothing changes.

    Args:
        grads: name -> gradient array; scaled in place.
        max_norm: the largest allowed norm (> 0).

    Returns:
        The global norm *before* clipping (useful to log exploding gradients).
    """
    if not np.isfinite(max_norm) or max_norm <= 0:
        raise ValueError(f"clip_norm must be a finite number > 0, got {max_norm!r}")
    norm = float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads.values())))
    if norm > max_norm:
        scale = max_norm / norm
        for g in grads.values():
            g *= scale
    return norm


def step_schedule(eta0: float, drop: float = 0.5, every: int = 10) -> Callable[[int], float]:
    """Step decay: ``eta(t) = eta0 * drop ** (t // every)``.

    ``fit`` calls the schedule once per epoch with ``t = 0, 1, 2, ...``.

    Example:
        >>> s = step_schedule(0.1, drop=0.5, every=10)
        >>> s(0), s(9), s(10), s(25)
        (0.1, 0.1, 0.05, 0.025)
    """
    if eta0 <= 0 or not 0 < drop <= 1:
        raise ValueError(f"step_schedule needs eta0 > 0 and 0 < drop <= 1, got {eta0}, {drop}")
    if int(every) != every or every < 1:
        raise ValueError(f"step_schedule needs an integer every >= 1, got {every!r}")

    def eta(t: int) -> float:
        return eta0 * drop ** (int(t) // int(every))

    return eta


def cyclical_schedule(eta_min: float, eta_max: float, period: int) -> Callable[[int], float]:
    """Triangular cyclical learning rate (Smith, 2017).

    ``eta`` rises linearly from ``eta_min`` (at ``t = 0``) to ``eta_max`` (at ``t = period / 2``)
    and falls back to ``eta_min`` (at ``t = period``), then repeats.

    Example:
        >>> s = cyclical_schedule(0.0, 1.0, period=4)
        >>> [s(t) for t in range(6)]
        [0.0, 0.5, 1.0, 0.5, 0.0, 0.5]
    """
    if not 0 <= eta_min <= eta_max:
        raise ValueError(
            f"cyclical_schedule needs 0 <= eta_min <= eta_max, got {eta_min}, {eta_max}"
        )
    if int(period) != period or period < 2:
        raise ValueError(f"cyclical_schedule needs an integer period >= 2, got {period!r}")

    def eta(t: int) -> float:
        phase = (int(t) % int(period)) / period  # position in the cycle, in [0, 1)
        height = 1.0 - abs(2.0 * phase - 1.0)  # 0 -> 1 -> 0 over one cycle
        return eta_min + (eta_max - eta_min) * height

    return eta


class SGD:
    """Stochastic gradient descent on a model, with optional momentum, penalties and clipping.

    ``step()`` reads ``model.named_grads()`` (filled by ``model.backward``), and updates
    ``model.named_params()`` in place. The model's own gradients are left untouched: penalties
    and clipping act on a working copy. The order:

    1. add the penalty gradients (``l2 * W`` and ``l1 * sign(W)``, weights only) to the grads;
    2. clip the global norm of the grads to ``clip_norm`` (if given);
    3. plain step ``W <- W - eta * g``, or momentum ``v <- momentum * v - eta * g; W <- W + v``,
       or, when ``rule`` is given (an :class:`UpdateRule` such as :class:`Adam`), that rule's
       step with ``rule.eta`` set to ``eta`` first (so L2 is coupled: see the module docstring).

    Attributes:
        eta: learning rate; may be changed between steps (schedules do this). With momentum a
            change reaches the steps gradually, because the velocity keeps the old eta (see
            the module docstring).
        penalty: value of the L1 + L2 penalty at the weights *before* the last step.
        grad_norm: global gradient norm before clipping at the last step (None if not clipping).
        velocity: name -> velocity array (momentum only).
        rule: the update rule, or None for the built-in plain/momentum step.
    """

    def __init__(
        self,
        model: Any,
        eta: float = 0.1,
        momentum: float = 0.0,
        l2: float = 0.0,
        l1: float = 0.0,
        clip_norm: float | None = None,
        rule: UpdateRule | None = None,
    ) -> None:
        if rule is not None and momentum:
            raise ValueError(
                f"momentum={momentum!r} and rule={rule!r} both set the update; give the rule its "
                "own beta (e.g. Momentum(eta, beta=0.9)) and leave momentum at 0"
            )
        if rule is not None and not isinstance(rule, UpdateRule):
            raise TypeError(f"rule must be a bpkit.optim.UpdateRule or None, got {rule!r}")
        if not np.isfinite(eta) or eta <= 0:
            raise ValueError(f"eta (learning rate) must be a finite number > 0, got {eta!r}")
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        _check_nonnegative(l2, "l2")
        _check_nonnegative(l1, "l1")
        if clip_norm is not None and (not np.isfinite(clip_norm) or clip_norm <= 0):
            raise ValueError(f"clip_norm must be None or a finite number > 0, got {clip_norm!r}")
        self.model = model
        self.eta = float(eta)
        self.momentum = float(momentum)
        self.l2 = float(l2)
        self.l1 = float(l1)
        self.clip_norm = clip_norm
        self.rule = rule
        self.velocity: dict[str, np.ndarray] = {}
        self._scratch: dict[str, np.ndarray] = {}  # reused buffers for eta * g
        self.penalty = 0.0
        self.grad_norm: float | None = None

    def zero_grad(self) -> None:
        """Set every gradient of the model to zero."""
        self.model.zero_grad()

    def penalty_value(self) -> float:
        """The L1 + L2 penalty at the current weights (0.0 when both are off)."""
        params = self.model.named_params()
        value = 0.0
        for name, W in params.items():
            if is_weight(name):
                if self.l2:
                    value += 0.5 * self.l2 * float(np.vdot(W, W))
                if self.l1:
                    value += self.l1 * float(np.abs(W).sum())
        return value

    def step(self) -> None:
        """Apply one update to the model's parameters, in place (see the class docstring)."""
        params = self.model.named_params()
        grads = self.model.named_grads()
        self.penalty = 0.0
        if self.l2 or self.l1 or self.clip_norm is not None:
            # A working copy: the model keeps reporting the gradients of the data loss.
            grads = {name: g.copy() for name, g in grads.items()}
        for lam, penalty in ((self.l2, l2_penalty), (self.l1, l1_penalty)):
            if lam:
                value, pgrads = penalty(params, lam)
                self.penalty += value
                for name, pg in pgrads.items():
                    if is_weight(name):
                        grads[name] += pg
        if self.clip_norm is not None:
            self.grad_norm = clip_grad_norm(grads, self.clip_norm)
        if self.rule is not None:
            self.rule.eta = self.eta
            self.rule.step(params, grads)
        elif self.momentum:
            momentum_step(params, grads, self.velocity, self.eta, self.momentum, self._scratch)
        else:
            sgd_step(params, grads, self.eta, self._scratch)
