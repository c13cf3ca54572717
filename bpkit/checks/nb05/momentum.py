"""nb05: exercise 4: the momentum update."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    WRONG_SIGN,
    CheckError,
    call,
    expect,
    expect_close,
    guard,
    passed,
)
from bpkit.checks.nb05._common import _asarray, _concatenate, _default_rng
from bpkit.optim import momentum_step as _ref_momentum_step

# ----- exercise 4: the momentum update -----------------------------------------------------------
# (name, seed, {parameter name: shape}, eta, beta); every case runs three steps
MomentumCase = tuple[str, int, dict, float, float]

REPLACED = "the parameter arrays were replaced, not updated in place"
ZERO_VELOCITY = "the velocity dict still holds zeros, so momentum never builds up"
OTHER_CONVENTION = "the velocity follows the other convention (v <- beta * v + g, p <- p - eta * v)"
SIGN = f"{WRONG_SIGN} (v <- beta * v - eta * g, then p <- p + v)"
PLAIN = "a plain gradient step that ignores the velocity"
OLD_V = "an update with the old velocity: update v first, then p <- p + v"
EMA = "a (1 - beta) factor on the gradient; this notebook's momentum has none"
NESTEROV = (
    "a Nesterov (look-ahead) step: this notebook's momentum is plain, "
    "v <- beta * v - eta * g, then p <- p + v"
)
BETA_G = (
    "beta applied to the gradient too, v <- beta * (v - eta * g): only the old "
    "velocity decays, v <- beta * v - eta * g"
)
ONE_MINUS_BETA_V = (
    "(1 - beta) as the factor on the old velocity: the velocity keeps a fraction "
    "beta of itself, v <- beta * v - eta * g"
)
NEVER_CHANGED = (
    "parameters that never changed: `p = p + v` only rebinds a name; update the array "
    "in place, params[k] += velocity[k]"
)
VELOCITY_SIGN = (
    "a velocity with the opposite sign (v <- beta * v + eta * g, then p <- p - v): "
    "the parameters move right, but this notebook stores v <- beta * v - eta * g and "
    "then p <- p + v"
)
ETA_IN_STEP = (
    "eta applied when moving p (v <- beta * v - g, then p <- p + eta * v): the "
    "parameters move right, but the stored velocity must already hold eta, "
    "v <- beta * v - eta * g, then p <- p + v"
)

VISIBLE_CASES: list[MomentumCase] = [
    ("W (3, 2) and b (3,), 3 steps", 0, {"W": (3, 2), "b": (3,)}, 0.1, 0.9),
    ("one vector, beta = 0.5", 1, {"w": (4,)}, 0.3, 0.5),
]


def _momentum_case(seed: int, shapes: dict[str, tuple[int, ...]]):
    g = _default_rng(seed)
    params = {k: g.standard_normal(s) for k, s in shapes.items()}
    grads = [{k: g.standard_normal(s) for k, s in shapes.items()} for _ in range(3)]
    return params, grads


def _replay_momentum(params, grads_seq, eta, beta, variant=""):
    p = {k: v.copy() for k, v in params.items()}
    v = {k: np.zeros_like(a) for k, a in p.items()}
    for grads in grads_seq:
        for k in p:
            g = grads[k]
            if variant == "sign":
                v[k] = beta * v[k] + eta * g
                p[k] += v[k]
            elif variant == "plain":
                p[k] -= eta * g
            elif variant == "old_v":
                p[k] += v[k]
                v[k] = beta * v[k] - eta * g
            elif variant == "ema":
                v[k] = beta * v[k] - (1 - beta) * eta * g
                p[k] += v[k]
            elif variant == "nesterov":
                v_old = v[k].copy()
                v[k] = beta * v[k] - eta * g
                p[k] += -beta * v_old + (1 + beta) * v[k]
            elif variant == "beta_g":
                v[k] = beta * (v[k] - eta * g)
                p[k] += v[k]
            elif variant == "one_minus_beta_v":
                v[k] = (1 - beta) * v[k] - eta * g
                p[k] += v[k]
            else:
                _ref_momentum_step({k: p[k]}, {k: g}, v, eta, beta)
    return p, v


def _flat(d: dict) -> np.ndarray:
    return _concatenate([_asarray(d[k], dtype=float).ravel() for k in sorted(d)])


def _check_momentum_step(student_fn: Callable[..., Any], *, cases: Sequence[MomentumCase]) -> None:
    """Check ``momentum_step(params, grads, velocity, eta, beta)`` over several steps.

    Convention (as in bpkit.optim): ``v <- beta * v - eta * g`` then ``p <- p + v``, in place,
    with the velocity dict starting at zeros.
    """
    guard()
    for name, seed, shapes, eta, beta in cases:
        params, grads_seq = _momentum_case(seed, shapes)
        what = f"momentum_step, case '{name}'"
        p = {k: v.copy() for k, v in params.items()}
        v = {k: np.zeros_like(a) for k, a in p.items()}
        p_ids = {k: id(a) for k, a in p.items()}
        for step, grads in enumerate(grads_seq, start=1):
            _call_update(student_fn, p, grads, v, eta, beta, what)
            expect(
                all(id(p[k]) == p_ids[k] for k in p),
                f"{what}: {REPLACED}. Write "
                "params[k] += velocity[k] so the model that owns the arrays sees the change.",
            )
            # The reference is computed after the call, in a helper: none is alive at any call.
            _compare_momentum(what, step, p, v, params, grads_seq[:step], eta, beta)
    passed("momentum_step")


def _compare_momentum(what, step, p, v, params, grads_seq, eta, beta) -> None:
    """Compare the live dicts after ``step`` updates with the reference, naming a mistake."""
    ref_p, ref_v = _replay_momentum(params, grads_seq, eta, beta)
    expect(
        bool((_flat(v) != 0).any()),
        f"{what}: after step {step} {ZERO_VELOCITY}. Store the new velocity: "
        "velocity[k] = beta * velocity[k] - eta * grads[k] (or update the array in place), "
        "then params[k] += velocity[k].",
    )
    alt_v = {k: -a / eta for k, a in ref_v.items()}
    if _close_flat(p, ref_p) and _close_flat(v, alt_v):
        raise CheckError(
            f"{what}: your parameters are right but {OTHER_CONVENTION}. This notebook stores "
            "v <- beta * v - eta * g and then p <- p + v; please use that form."
        )
    mistakes = {
        label: _flat(_replay_momentum(params, grads_seq, eta, beta, variant)[0])
        for label, variant in (
            (SIGN, "sign"),
            (PLAIN, "plain"),
            (OLD_V, "old_v"),
            (EMA, "ema"),
            (NESTEROV, "nesterov"),
            (BETA_G, "beta_g"),
            (ONE_MINUS_BETA_V, "one_minus_beta_v"),
        )
    }
    mistakes[NEVER_CHANGED] = _flat(params)
    # After one step, moving p with the old (zero) velocity and not moving p at all look the
    # same; the second step tells them apart, so an unmoved p is judged there.
    if step > 1 or not _close_flat(p, params):
        expect_close(
            f"{what}: the update at step {step}",
            _flat(p),
            _flat(ref_p),
            mistakes=mistakes,
        )
    expect_close(
        f"{what}: the velocity stored at step {step}",
        _flat(v),
        _flat(ref_v),
        mistakes={
            VELOCITY_SIGN: -_flat(ref_v),
            ETA_IN_STEP: _flat(ref_v) / eta,
        },
        hint="Store the new velocity in the dict: velocity[k] = beta * velocity[k] - "
        "eta * grads[k] (or update it in place).",
    )


def _call_update(fn, params, grads, velocity, eta, beta, what) -> None:
    """Call the student's update on the live dicts (they must change in place).

    ``params`` and ``velocity`` reach the student through the lambda, uncopied, so the update
    lands in the check's own dicts; ``grads`` is an argument of ``call``, which hands over a
    copy and fails the step if it changes that copy (the step must leave the gradients alone).
    """
    call(lambda grads, p=params, v=velocity: fn(p, grads, v, eta, beta), grads, what=what)


def _close_flat(a: dict, b: dict) -> bool:
    x, y = _flat(a), _flat(b)
    return x.shape == y.shape and bool((abs(x - y) <= 1e-9 + 1e-7 * abs(y)).all())
