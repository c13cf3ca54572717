"""nb06: exercise 5: gradient clipping by the global norm."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    MISSING_RETURN,
    call,
    expect,
    expect_close,
    guard,
    passed,
)
from bpkit.checks.nb06._common import _asarray, _concatenate, _default_rng, _sqrt
from bpkit.optim import clip_grad_norm as _ref_clip

# ----- exercise 5: gradient clipping by the global norm -------------------------------------------
# (name, seed, {array name: shape}, scale of the gradients, max_norm)
ClipCase = tuple[str, int, dict, float, float]

NEW_ARRAYS = "the dict now holds new arrays"
PER_ARRAY = (
    "clipping each gradient separately instead of by the global norm: compute one "
    "norm over all arrays, then scale them all by the same factor"
)
ALWAYS = "a rescaling that also scales gradients already below max_norm: leave them unchanged"
VALUES = "clipping each entry (value clipping) instead of rescaling by the global norm"
SUM_OF_NORMS = (
    "a sum of the arrays' norms; the global norm is the square root of the sum of "
    "all squared entries"
)
UNCHANGED = (
    "gradients that were not changed at all: `g = g * factor` only makes the name "
    "g point to a new array; scale the array itself, g *= factor"
)
UPSIDE_DOWN = "the factor upside down: multiply by max_norm / norm, which is below 1"
SQUARED = "the squared global norm used for clipping (take the square root of the sum of squares)"
LAST_ONLY = (
    "the norm of the last array only, not of all arrays together (is the norm "
    "overwritten inside a loop?)"
)
ROOT_OF_SUM = (
    "the square root of a sum of the arrays' norms; the global norm is the square "
    "root of the sum of all squared entries"
)
RMS = (
    "the root mean square of the entries; the global norm is the square root of "
    "their sum of squares, not of their mean"
)
# the returned norm
NO_RETURN = MISSING_RETURN
NORM_AFTER = "the norm after clipping; return the norm before clipping"
FACTOR = "the scaling factor; return the global norm before clipping"
NORM_SQUARED = "the squared global norm; return its square root"

VISIBLE_CASES: list[ClipCase] = [
    ("W, b, W: norm above max_norm", 0, {"0.W": (3, 2), "0.b": (3,), "2.W": (1, 3)}, 2.0, 1.0),
    ("one matrix, norm below max_norm", 1, {"W": (4, 4)}, 0.1, 5.0),
    ("two matrices, one much larger", 2, {"0.W": (2, 2), "2.W": (3, 3)}, 10.0, 3.0),
]


def _clip_case(seed: int, shapes: dict[str, tuple[int, ...]], scale: float):
    g = _default_rng(seed)
    return {k: scale * g.standard_normal(s) for k, s in shapes.items()}


def _global(grads: dict) -> float:
    return float(_sqrt(sum(float((a**2).sum()) for a in grads.values())))


def _flat(d: dict) -> np.ndarray:
    return _concatenate([_asarray(d[k], dtype=float).ravel() for k in sorted(d)])


def _check_clip_by_global_norm(
    student_fn: Callable[..., Any], *, cases: Sequence[ClipCase]
) -> None:
    """Check ``clip_by_global_norm(grads, max_norm)`` in place, and its returned norm."""
    guard()
    for name, seed, shapes, scale, max_norm in cases:
        grads = _clip_case(seed, shapes, scale)
        if name.startswith("two matrices"):
            grads["0.W"] *= 0.01  # one small array: per-array clipping would leave it alone
        original = {k: v.copy() for k, v in grads.items()}
        arrays = dict(grads)
        what = f"clip_by_global_norm, case '{name}' (max_norm={max_norm})"
        got = call(lambda g=grads, m=max_norm: student_fn(g, m), what=what)
        expect(
            all(grads[k] is arrays[k] for k in arrays),
            f"{what}: {NEW_ARRAYS}. Scale the arrays in place (g *= scale), so "
            "that a model holding them sees the clipped gradients.",
        )
        expected = {k: v.copy() for k, v in original.items()}
        norm = _ref_clip(expected, max_norm)
        per_array = {
            k: v * min(1.0, max_norm / float(_sqrt((v**2).sum()))) for k, v in original.items()
        }
        always = {k: v * max_norm / norm for k, v in original.items()}
        values = {k: np.clip(v, -max_norm, max_norm) for k, v in original.items()}
        sum_norms = sum(float(_sqrt((v**2).sum())) for v in original.values())
        by_sum = {k: v * min(1.0, max_norm / sum_norms) for k, v in original.items()}
        squared = {k: v * min(1.0, max_norm / norm**2) for k, v in original.items()}
        upside_down = {
            k: v * (norm / max_norm if norm > max_norm else 1.0) for k, v in original.items()
        }
        last = float(_sqrt((list(original.values())[-1] ** 2).sum()))
        by_last = {k: v * min(1.0, max_norm / last) for k, v in original.items()}
        rms = norm / float(_sqrt(sum(v.size for v in original.values())))
        by_rms = {k: v * min(1.0, max_norm / rms) for k, v in original.items()}
        root_sum = float(_sqrt(sum_norms))
        by_root_sum = {k: v * min(1.0, max_norm / root_sum) for k, v in original.items()}
        expect_close(
            f"{what}: the result of clipping",
            _flat(grads),
            _flat(expected),
            mistakes={
                PER_ARRAY: _flat(per_array),
                ALWAYS: _flat(always),
                VALUES: _flat(values),
                SUM_OF_NORMS: _flat(by_sum),
                UNCHANGED: _flat(original),
                UPSIDE_DOWN: _flat(upside_down),
                SQUARED: _flat(squared),
                LAST_ONLY: _flat(by_last),
                ROOT_OF_SUM: _flat(by_root_sum),
                RMS: _flat(by_rms),
            },
            rtol=1e-5,  # a safety epsilon, max_norm / (norm + 1e-6), is fine
        )
        expect_close(
            f"{what}: the returned norm",
            got,
            norm,
            mistakes={
                NORM_AFTER: min(norm, max_norm),
                FACTOR: min(1.0, max_norm / norm),
                NORM_SQUARED: norm**2,
            },
            rtol=1e-5,
        )
    passed("clip_by_global_norm")
