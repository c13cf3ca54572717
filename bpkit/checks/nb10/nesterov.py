"""nb10: exercise 1: Nesterov momentum."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bpkit.checks._core import WRONG_SIGN, call, expect, expect_close, guard, passed
from bpkit.checks.nb10._common import StepCase, _case, _check_in_place, _flat, _zeros_like

# ----- exercise 1: Nesterov momentum ----------------------------------------------------------
CLASSICAL = (
    "classical momentum (p <- p + v): Nesterov moves by the look-ahead, "
    "p <- p + beta * v - eta * g, with the new v"
)
NO_GRADIENT = "a missing gradient term: p <- p + beta * v - eta * g, not p + beta * v"
ONE_PLUS_BETA = (
    "(1 + beta) * v: the gradient enters the move once through v and once on its "
    "own, p <- p + beta * v - eta * g"
)
SIGN = WRONG_SIGN + " (v <- beta * v - eta * g, p <- p + beta * v - eta * g)"
PLAIN = "a plain gradient step that ignores the velocity"
OTHER_FORM = (
    "the other form of momentum (u <- beta * u + g, p <- p - eta * (g + beta * u)), "
    "which agrees only while eta is constant; this notebook's velocity keeps eta "
    "inside, v <- beta * v - eta * g"
)
REBOUND = (
    "parameters that never changed: `p = p + ...` only rebinds a name; update the array "
    "in place, params[k] += ..."
)
VELOCITY_ZEROS = "the velocity dict still holds zeros"
VELOCITY_OTHER_FORM = (
    "the other form of momentum (a velocity without eta, u <- beta * u + g): this "
    "notebook stores v <- beta * v - eta * g"
)
VELOCITY_SIGN = "a velocity with the opposite sign: store v <- beta * v - eta * g"


def _replay_nesterov(params, grads_seq, etas, beta, variant=""):
    p = {k: v.copy() for k, v in params.items()}
    v = {k: _zeros_like(a) for k, a in p.items()}
    u = {k: _zeros_like(a) for k, a in p.items()}  # the other form's buffer
    for grads, eta in zip(grads_seq, etas, strict=False):
        for k in p:
            g = grads[k]
            v_old = v[k]
            v[k] = beta * v_old - eta * g
            if variant == "":
                p[k] = p[k] + beta * v[k] - eta * g
            elif variant == "classical":
                p[k] = p[k] + v[k]
            elif variant == "no_g":
                p[k] = p[k] + beta * v[k]
            elif variant == "one_plus_beta":
                p[k] = p[k] + (1 + beta) * v[k]
            elif variant == "sign":
                v[k] = beta * v_old + eta * g
                p[k] = p[k] + beta * v[k] + eta * g
            elif variant == "plain":
                p[k] = p[k] - eta * g
            elif variant == "other_form":
                u[k] = beta * u[k] + g
                p[k] = p[k] - eta * (g + beta * u[k])
    return p, v


NESTEROV_CASES: tuple[StepCase, ...] = (
    ("W (3, 2) and b (3,), 4 steps, eta 0.1 then 0.05", 0, {"W": (3, 2), "b": (3,)},
     (0.1, 0.1, 0.05, 0.05), 0.9, 0.0),
    ("one vector, beta = 0.5, 3 steps", 1, {"w": (4,)}, (0.3, 0.3, 0.3), 0.5, 0.0),
)  # fmt: skip


def _check_nesterov_step(student_fn: Callable[..., Any], *, cases: Sequence[StepCase]) -> None:
    """Check ``nesterov_step(params, grads, velocity, eta, beta)`` over several steps.

    Convention: ``v <- beta * v - eta * g``, then ``p <- p + beta * v - eta * g`` (new v),
    in place, with the velocity dict starting at zeros.
    """
    guard()
    for name, seed, shapes, etas, beta, _ in cases:
        params, grads_seq = _case(seed, shapes, len(etas))
        what = f"nesterov_step, case '{name}'"
        p = {k: a.copy() for k, a in params.items()}
        v = {k: _zeros_like(a) for k, a in p.items()}
        p_ids = {k: id(a) for k, a in p.items()}
        for step, (grads, eta) in enumerate(zip(grads_seq, etas, strict=True), start=1):
            call(
                lambda grads, p=p, v=v, eta=eta: student_fn(p, grads, v, eta, beta),  # noqa: B023
                grads,
                what=what,
            )
            _check_in_place(what, p, p_ids)
            _compare_nesterov(what, step, p, v, params, grads_seq[:step], etas[:step], beta)
    passed("nesterov_step")


def _compare_nesterov(what, step, p, v, params, grads_seq, etas, beta) -> None:
    # After one step, classical momentum and a plain step both give p - eta * g; the second
    # step tells them apart, so such a p is judged there.
    first = _flat(_replay_nesterov(params, grads_seq, etas, beta, "plain")[0])
    if (
        step == 1
        and _flat(p).shape == first.shape
        and bool((abs(_flat(p) - first) <= 1e-9 + 1e-7 * abs(first)).all())
    ):
        return
    ref_p, ref_v = _replay_nesterov(params, grads_seq, etas, beta)
    expect(
        bool((_flat(v) != 0).any()),
        f"{what}: after step {step} {VELOCITY_ZEROS}. Store the new "
        "velocity: velocity[k] = beta * velocity[k] - eta * grads[k] (or update it in place).",
    )
    mistakes = {
        label: _flat(_replay_nesterov(params, grads_seq, etas, beta, variant)[0])
        for label, variant in (
            (CLASSICAL, "classical"),
            (NO_GRADIENT, "no_g"),
            (ONE_PLUS_BETA, "one_plus_beta"),
            (SIGN, "sign"),
            (PLAIN, "plain"),
            (OTHER_FORM, "other_form"),
        )
    }
    mistakes[REBOUND] = _flat(params)
    expect_close(f"{what}: the parameters after step {step}", _flat(p), _flat(ref_p),
                 mistakes=mistakes)  # fmt: skip
    expect_close(
        f"{what}: the velocity stored at step {step}",
        _flat(v),
        _flat(ref_v),
        mistakes={
            VELOCITY_OTHER_FORM: _flat(_replay_other_u(grads_seq, beta)),
            VELOCITY_SIGN: -_flat(ref_v),
        },
        hint="Store the new velocity in the dict: velocity[k] = beta * velocity[k] - "
        "eta * grads[k].",
    )


def _replay_other_u(grads_seq, beta):
    u = {k: _zeros_like(a) for k, a in grads_seq[0].items()}
    for grads in grads_seq:
        for k in u:
            u[k] = beta * u[k] + grads[k]
    return u
