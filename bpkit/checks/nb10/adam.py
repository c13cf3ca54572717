"""nb10: exercise 3: Adam."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import WRONG_SIGN, call, expect, expect_close, guard, passed
from bpkit.checks.nb10._common import (
    NEVER_CHANGED,
    _case,
    _check_in_place,
    _errstate,
    _flat,
    _sqrt,
    _type,
    _zeros_like,
)

# ----- exercise 3: Adam -----------------------------------------------------------------------
AdamCase = tuple[str, int, dict[str, tuple[int, ...]], tuple[float, ...], float, float, float]

NO_CORRECTION = (
    "no bias correction: divide m by (1 - beta1**t) and s by (1 - beta2**t) before the step"
)
T_FROM_0 = (
    "t counted from 0 in the bias correction (1 - beta**0 = 0): increase state['t'] "
    "first, so the first step uses t = 1"
)
T_STUCK = (
    "a t that never grows: every step corrected with t = 1. Store the new count, state['t'] += 1"
)
SWAPPED = (
    "beta1 and beta2 swapped: beta1 (about 0.9) averages the gradients in m, beta2 "
    "(about 0.999) the squared gradients in s"
)
M_ONLY = "a bias correction of m only: s needs its own, s / (1 - beta2**t)"
S_ONLY = "a bias correction of s only: m needs its own, m / (1 - beta1**t)"
EPS_INSIDE = (
    "eps inside the square root: this notebook adds eps outside, m_hat / (sqrt(s_hat) + eps)"
)
STORED_HAT = (
    "the corrected m_hat and s_hat stored in the state: keep the raw averages m and s "
    "in the state, and correct a copy for the step"
)
SIGN = WRONG_SIGN + " (p <- p - eta * m_hat / (sqrt(s_hat) + eps))"


def _replay_adam(params, grads_seq, etas, b1, b2, eps, variant=""):
    if variant == "swapped":
        b1, b2 = b2, b1
    p = {k: a.copy() for k, a in params.items()}
    m = {k: _zeros_like(a) for k, a in p.items()}
    s = {k: _zeros_like(a) for k, a in p.items()}
    with _errstate(all="ignore"):
        for t, (grads, eta) in enumerate(zip(grads_seq, etas, strict=False), start=1):
            tc = {"t0": t - 1, "t_stuck": 1}.get(variant, t)
            for k in p:
                g = grads[k]
                m[k] = b1 * m[k] + (1 - b1) * g
                s[k] = b2 * s[k] + (1 - b2) * g * g
                m_hat = m[k] / (1 - b1**tc)
                s_hat = s[k] / (1 - b2**tc)
                if variant == "no_correction":
                    m_hat, s_hat = m[k], s[k]
                elif variant == "m_only":
                    s_hat = s[k]
                elif variant == "s_only":
                    m_hat = m[k]
                if variant == "eps_inside":
                    step = m_hat / _sqrt(s_hat + eps)
                else:
                    step = m_hat / (_sqrt(s_hat) + eps)
                p[k] = p[k] + eta * step if variant == "sign" else p[k] - eta * step
                if variant == "stored_hat":
                    m[k], s[k] = m_hat, s_hat
    return p, m, s


ADAM_CASES: tuple[AdamCase, ...] = (
    ("W (3, 2) and b (3,), betas (0.8, 0.95), eps = 0.05, 4 steps, eta 0.1 then 0.03", 4,
     {"W": (3, 2), "b": (3,)}, (0.1, 0.1, 0.03, 0.03), 0.8, 0.95, 0.05),
    ("one vector, the default betas (0.9, 0.999), eps = 1e-8, 3 steps", 5, {"w": (4,)},
     (0.01, 0.01, 0.01), 0.9, 0.999, 1e-8),
)  # fmt: skip


def _check_adam_step(student_fn: Callable[..., Any], *, cases: Sequence[AdamCase]) -> None:
    """Check ``adam_step(params, grads, state, eta, beta1, beta2, eps)`` over several steps.

    ``state = {"t": 0, "m": {k: zeros}, "s": {k: zeros}}``. Convention: ``t <- t + 1`` first;
    ``m <- beta1 m + (1 - beta1) g``; ``s <- beta2 s + (1 - beta2) g**2``;
    ``p <- p - eta * m_hat / (sqrt(s_hat) + eps)`` with ``m_hat = m / (1 - beta1**t)`` and
    ``s_hat = s / (1 - beta2**t)``.
    """
    guard()
    for name, seed, shapes, etas, b1, b2, eps in cases:
        params, grads_seq = _case(seed, shapes, len(etas), scale=eps if eps > 1e-3 else 1.0)
        what = f"adam_step, case '{name}'"
        p = {k: a.copy() for k, a in params.items()}
        state = {"t": 0, "m": {k: _zeros_like(a) for k, a in p.items()},
                 "s": {k: _zeros_like(a) for k, a in p.items()}}  # fmt: skip
        p_ids = {k: id(a) for k, a in p.items()}
        for step, (grads, eta) in enumerate(zip(grads_seq, etas, strict=True), start=1):
            call(
                lambda grads, p=p, st=state, eta=eta: student_fn(p, grads, st, eta, b1, b2, eps),  # noqa: B023
                grads,
                what=what,
            )
            _check_in_place(what, p, p_ids)
            _compare_adam(what, step, p, state, params, grads_seq[:step], etas[:step], b1, b2, eps)
    passed("adam_step")


def _compare_adam(what, step, p, state, params, grads_seq, etas, b1, b2, eps) -> None:
    ref_p, ref_m, ref_s = _replay_adam(params, grads_seq, etas, b1, b2, eps)
    t = state.get("t") if _type(state) is _type({}) else None
    ok_t = _type(t) in (_type(0), _type(0.0)) or isinstance(t, np.integer | np.floating)
    labels = (
        (NO_CORRECTION, "no_correction"),
        (T_FROM_0, "t0"),
        (T_STUCK, "t_stuck"),
        (SWAPPED, "swapped"),
        (M_ONLY, "m_only"),
        (S_ONLY, "s_only"),
        (EPS_INSIDE, "eps_inside"),
        (STORED_HAT, "stored_hat"),
        (SIGN, "sign"),
    )
    mistakes = {
        label: _flat(_replay_adam(params, grads_seq, etas, b1, b2, eps, variant)[0])
        for label, variant in labels
    }
    mistakes[NEVER_CHANGED] = _flat(params)
    expect_close(f"{what}: the parameters after step {step}", _flat(p), _flat(ref_p),
                 mistakes=mistakes)  # fmt: skip
    stuck = " It looks like a t that never grows (counted but not stored)." if t == 0 else ""
    expect(
        ok_t and t == step,
        f"{what}: state['t'] is {t!r} after {step} step(s); it counts the updates made, so "
        f"it should be {step}.{stuck} Start each call with state['t'] += 1.",
    )
    for i, (key, ref) in enumerate((("m", ref_m), ("s", ref_s)), start=1):
        got = state.get(key)
        expect(
            _type(got) is _type({}) and set(got) == set(ref),
            f"{what}: state[{key!r}] should stay a dict with the keys {sorted(ref)}.",
        )
        wrong = {}
        for label, variant in labels:
            if variant in ("swapped", "stored_hat"):
                wrong[label] = _flat(_replay_adam(params, grads_seq, etas, b1, b2, eps, variant)[i])
        expect_close(
            f"{what}: state[{key!r}] after step {step}",
            _flat(got),
            _flat(ref),
            mistakes=wrong,
            hint=f"Store the raw running average in state[{key!r}][k] (before the correction).",
        )
