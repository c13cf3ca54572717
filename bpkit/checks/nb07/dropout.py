"""nb07: exercises 3 and 4: inverted dropout."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    KEEP_DROP_SWAPPED,
    CheckError,
    call,
    expect,
    expect_close,
    expect_shape,
    guard,
    passed,
)
from bpkit.checks.nb07._common import _asarray, _default_rng, _where

# ----- exercises 3 and 4: inverted dropout ------------------------------------------------------
NOT_INVERTED = "dropout that is not inverted: divide the kept units by (1 - p_drop)"
MASK_FIRST = "returned (mask, out): the pair is in the wrong order"
EVAL_DROPPED = "dropout was applied although training=False"
EVAL_SCALED = (
    "scaling in eval mode: at test time dropout does nothing (the scaling already happened "
    "during training)"
)
EVAL_TIMES_KEEP = (
    "a multiplication by (1 - p_drop) in eval mode, as in the original, non-inverted dropout; "
    "inverted dropout scales during training, so eval mode returns a unchanged"
)
EVAL_MASK_NONE = (
    "mask is None; in eval mode return a mask of all True (np.ones(a.shape, dtype=bool)): "
    "every unit is kept"
)
EVAL_MASK_FALSE = "the mask should be all True in eval mode (every unit is kept)"
ONE_MASK_PER_BATCH = (
    "every example (row) got the same mask: one mask was drawn for the units and shared by the "
    "whole batch"
)
ONE_DRAW_PER_EXAMPLE = (
    "every unit of an example (row) is kept or dropped together: one number was drawn per example"
)
SCALE_SWAPPED = f"{KEEP_DROP_SWAPPED} in the scaling (divide by 1 - p_drop, the keep probability)"
MASK_REVERSED = "the mask applied the wrong way round (True must mean kept)"
TIMES_KEEP = "kept units multiplied by (1 - p_drop) instead of divided by it"
MASK_NOT_REPRODUCIBLE = "two calls with generators made from the same seed gave different masks"
MASK_RNG_IGNORED = (
    "generators made from two different seeds gave the same mask: the function ignores its rng "
    "argument"
)
# dropout_backward
BACKWARD_NOT_INVERTED = NOT_INVERTED + " (in the backward pass too)"
BACKWARD_TIMES_KEEP = "a multiplication by (1 - p_drop); divide by it, as in the forward pass"
BACKWARD_SWAPPED = f"{KEEP_DROP_SWAPPED} (divide by 1 - p_drop)"
NO_MASK = "a missing mask: a dropped unit passes no gradient back"
BACKWARD_MASK_REVERSED = "the mask applied the wrong way round (True means kept)"

VISIBLE_BACKWARD: Sequence[tuple[int, tuple[int, int], float]] = (
    (3, (6, 5), 0.3),
    (4, (2, 9), 0.5),
)


def _dropout_call(fn: Callable[..., Any], a: np.ndarray, p: float, seed: int, training: bool):
    what = f"dropout_forward(a of shape {a.shape}, p_drop={p}, training={training})"
    got = call(fn, a, p, _default_rng(seed), training=training, what=what)
    if got is None:
        raise CheckError(f"{what} returned None. Return the pair (out, mask).")
    if not isinstance(got, tuple | list) or len(got) != 2:
        raise CheckError(f"{what} should return a pair (out, mask), got {type(got).__name__}.")
    out, mask = got
    if (
        isinstance(out, np.ndarray)
        and out.dtype.kind == "b"
        and not (isinstance(mask, np.ndarray) and mask.dtype.kind == "b")
    ):
        raise CheckError(f"{what} {MASK_FIRST}. Return (out, mask), the activations first.")
    expect_shape(f"{what}: out", out, a.shape)
    return what, _asarray(out), mask


def _check_dropout_forward(
    student_fn: Callable[..., Any],
    *,
    shape: tuple[int, int],
    p_drops: Sequence[float],
    seed: int,
) -> None:
    """Check ``dropout_forward(a, p_drop, rng, training) -> (out, mask)`` by its properties.

    Cases: eval mode is the identity with an all-True mask; in training every unit is either 0
    or a / (1 - p_drop), the kept ones are exactly where mask is True, the fraction dropped is
    p_drop (within 0.01 on 100 000 units), each example gets its own mask, p_drop = 0 keeps
    everything, and the mask comes from the rng argument (same seed, same mask; other seed,
    other mask).
    """
    guard()
    gen = _default_rng(seed)
    a = gen.uniform(0.5, 2.0, size=shape) * gen.choice([-1.0, 1.0], size=shape)  # no zeros

    what, out, eval_mask = _dropout_call(student_fn, a, p_drops[0], seed, training=False)
    zeroed = float((out == 0).mean()) if out.shape == a.shape else 0.0
    expect(
        zeroed == 0.0,
        f"{what}: {zeroed:.1%} of the units are 0 in eval mode: {EVAL_DROPPED}. At test time "
        "dropout does nothing: return a unchanged.",
    )
    expect_close(
        f"{what}: out",
        out,
        a,
        mistakes={
            EVAL_SCALED: a / (1 - p_drops[0]),
            EVAL_TIMES_KEEP: a * (1 - p_drops[0]),
        },
        hint="In eval mode return a unchanged.",
    )
    expect(
        eval_mask is not None,
        f"{what}: {EVAL_MASK_NONE}.",
    )
    eval_mask = _asarray(eval_mask)
    expect_shape(f"{what}: mask", eval_mask, a.shape)
    expect(
        bool((eval_mask == 1).all()),
        f"{what}: {EVAL_MASK_FALSE}, but {float((eval_mask != 1).mean()):.1%} of it is False.",
    )

    for p in p_drops:
        what, out, mask = _dropout_call(student_fn, a, p, seed, training=True)
        mask = _asarray(mask)
        expect_shape(
            f"{what}: mask",
            mask,
            a.shape,
            hint="Draw one number per unit, rng.random(a.shape): every example gets its own mask.",
        )
        expect(
            mask.dtype.kind == "b" or bool(((mask == 0) | (mask == 1)).all()),
            f"{what}: mask should be True (kept) / False (dropped), got values like "
            f"{mask.ravel()[:3]}.",
        )
        kept = mask.astype(bool)
        dropped = 1.0 - float(kept.mean())
        if abs(dropped - p) > 0.01:
            if abs(dropped - (1 - p)) <= 0.01:
                raise CheckError(
                    f"{what}: {dropped:.1%} of the units were dropped with p_drop = {p}: "
                    f"{KEEP_DROP_SWAPPED}. p_drop is the probability of DROPPING a unit, so keep a "
                    "unit when rng.random(...) >= p_drop."
                )
            raise CheckError(
                f"{what}: {dropped:.1%} of the units were dropped, expected about {p:.0%}."
            )
        if p > 0:
            expect(
                not bool((kept == kept[:1]).all()),
                f"{what}: {ONE_MASK_PER_BATCH}. Draw one number per unit and example, "
                "rng.random(a.shape).",
            )
            expect(
                not bool((kept == kept[:, :1]).all()),
                f"{what}: {ONE_DRAW_PER_EXAMPLE}. Draw one per unit, rng.random(a.shape).",
            )
        expect_close(
            f"{what}: out",
            out,
            _where(kept, a / (1 - p), 0.0),
            mistakes={
                NOT_INVERTED: _where(kept, a, 0.0),
                SCALE_SWAPPED: _where(kept, a / p, 0.0),
                MASK_REVERSED: _where(~kept, a / (1 - p), 0.0),
                TIMES_KEEP: _where(kept, a * (1 - p), 0.0),
            },
        )

    what, out, _ = _dropout_call(student_fn, a, 0.0, seed, training=True)
    expect_close(f"{what}: out", out, a, hint="With p_drop = 0 nothing is dropped.")

    _, first, _ = _dropout_call(student_fn, a, p_drops[0], seed + 1, training=True)
    _, again, _ = _dropout_call(student_fn, a, p_drops[0], seed + 1, training=True)
    expect(
        bool((first == again).all()),
        f"dropout_forward: {MASK_NOT_REPRODUCIBLE}. Draw the random numbers from the rng "
        "argument (rng.random(a.shape)), not from np.random.",
    )
    _, other, _ = _dropout_call(student_fn, a, p_drops[0], seed + 2, training=True)
    expect(
        not bool((first == other).all()),
        f"dropout_forward: {MASK_RNG_IGNORED}. Draw from it: rng.random(a.shape).",
    )
    passed("dropout_forward")


def _check_dropout_backward(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[int, tuple[int, int], float]],
) -> None:
    """Check ``dropout_backward(dout, mask, p_drop) -> dout * mask / (1 - p_drop)``."""
    guard()
    for seed, shape, p in cases:
        gen = _default_rng(seed)
        dout = gen.normal(size=shape)
        mask = gen.random(shape) >= p
        what = f"dropout_backward(dout of shape {shape}, mask, p_drop={p})"
        got = call(student_fn, dout, mask, p, what=what)
        expect_close(
            what,
            got,
            dout * mask / (1 - p),
            mistakes={
                BACKWARD_NOT_INVERTED: dout * mask,
                BACKWARD_TIMES_KEEP: dout * mask * (1 - p),
                BACKWARD_SWAPPED: dout * mask / p,
                NO_MASK: dout / (1 - p),
                BACKWARD_MASK_REVERSED: dout * ~mask / (1 - p),
            },
        )
    passed("dropout_backward")
