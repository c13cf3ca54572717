"""nb02: Exercise 3: activation_prime."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit import functional
from bpkit.checks._core import (
    WRONG_SIGN,
    call,
    expect_close,
    expect_raises,
    guard,
    passed,
)
from bpkit.checks.nb02._common import _rng

# ----- Exercise 3: activation_prime ----------------------------------------------------------
REFERENCE_PRIME = {
    "sigmoid": functional.sigmoid_prime,
    "tanh": functional.tanh_prime,
    "relu": functional.relu_prime,
}
FORWARD = {"sigmoid": functional.sigmoid, "tanh": functional.tanh, "relu": functional.relu}
FROM_Z = (
    "f'(z) computed from z where it needs a = f(z): sigmoid' = a(1 - a) and tanh' = 1 - a**2 "
    "with a = f(z)"
)
F_ITSELF = "the activation f(z) itself instead of its derivative f'(z)"
KINK = "1 at the kink z = 0; this course takes relu'(0) = 0 (1 only where z > 0)"
NO_SQUARE = "1 - tanh(z) where 1 - tanh(z)**2 is needed"
MIXED_UP = "the derivative of {other} where {kind}'s is asked for (a mixed-up branch?)"
SIGN_OF_Z = "np.sign(z), which is -1 where z < 0: relu' is 0 there (1 only where z > 0)"
# What expect_raises(..., "kind", ...) says when another kind is answered or raises another error.
NO_VALUE_ERROR = "an unknown kind should raise ValueError"
MIXED_UPS = tuple(
    MIXED_UP.format(other=other, kind=kind)
    for kind in REFERENCE_PRIME
    for other in REFERENCE_PRIME
    if other != kind
)

# (name, seed, shape, scale); values are scale * normal, plus exact zeros for the ReLU kink.
ActCase = tuple[str, int, tuple[int, ...], float]
VISIBLE_ACT: list[ActCase] = [
    ("z of shape (4, 3)", 0, (4, 3), 2.0),
    ("z of shape (5, 2) with some entries exactly 0", 1, (5, 2), 1.0),
    ("large |z| around 1e4 (saturated units)", 2, (3, 3), 1e4),
]


def _act_z(seed: int, shape: tuple[int, ...], scale: float) -> np.ndarray:
    g = _rng(seed)
    z = scale * g.normal(size=shape)
    if 0.5 < scale < 1.5:
        z.ravel()[::3] = 0.0
    return z


def _check_activation_prime(fn: Callable[..., Any], cases: Sequence[ActCase]) -> None:
    guard()
    for kind in ("sigmoid", "tanh", "relu"):
        for name, seed, shape, scale in cases:
            z = _act_z(seed, shape, scale)
            what = f"activation_prime(z, {kind!r}) for {name}"
            got = call(fn, z, kind, what=what)
            right = REFERENCE_PRIME[kind](z)
            a = FORWARD[kind](z)
            mistakes: dict[str, Any] = {F_ITSELF: a, WRONG_SIGN: -right}
            for other, prime in REFERENCE_PRIME.items():
                if other != kind:
                    mistakes[MIXED_UP.format(other=other, kind=kind)] = prime(z)
            if kind == "sigmoid" and scale < 100:
                mistakes[FROM_Z] = z * (1 - z)
            if kind == "tanh" and scale < 100:
                mistakes[FROM_Z] = 1 - z * z
                mistakes[NO_SQUARE] = 1 - a
            if kind == "relu":
                mistakes[KINK] = (z >= 0).astype(float)
                mistakes[SIGN_OF_Z] = np.sign(z)
            expect_close(
                what,
                got,
                right,
                mistakes=mistakes,
                hint="Use bpkit.functional for f(z) itself: it is stable for large |z|.",
            )
    what = "activation_prime(z, 'softplus')"
    expect_raises(what, lambda: fn(_act_z(0, (2, 2), 1.0), "softplus"), "kind", "softplus")
    passed("activation_prime")
