"""Visible checks for notebook 07: regularization.

One function per exercise. Each runs named, seeded cases against bpkit's own implementation
(``bpkit.optim`` penalties, ``bpkit.augment``) or a formula, and names the likely mistake. Dropout
masks and initial weights are random, so they are checked by their properties (which units are
zero, what the kept ones are scaled by, the fraction dropped, the standard deviation), never by
the order in which a student draws random numbers.

The penalties' weight matrices hold exact zeros, where the L1 (sub)gradient must be 0. Early
stopping and shifted images are named by the variant of the rule that explains every case, not
just the first one that fails.

The keyword arguments let the hidden tests (``bpkit_grader.nb07``) run the same checks on other
shapes, strengths and seeds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.augment import shift_images as _ref_shift
from bpkit.checks._core import (
    KEEP_DROP_SWAPPED,
    WRONG_SIGN,
    CheckError,
    call,
    error_kind,
    expect,
    expect_close,
    expect_shape,
    guard,
    passed,
)
from bpkit.optim import is_weight as _is_weight
from bpkit.optim import l1_penalty as _ref_l1
from bpkit.optim import l2_penalty as _ref_l2

_asarray = np.asarray
_default_rng = np.random.default_rng
_where = np.where
_sqrt = np.sqrt
_abs = np.absolute
_zeros_like = np.zeros_like
_roll = np.roll
_sign = np.sign

PENALIZED_BIASES = "the biases penalized too (only the weights W are penalized)"
MISSING_LAM = "a missing lam"
LAST_ONLY = (
    "only the last weight matrix counted: add every layer's term (value += ..., not value = ...)"
)
NO_WEIGHTS = (
    'no weight penalized at all: a weight\'s name ends in W ("0.W", "2.W" or just "W"), '
    'e.g. name.split(".")[-1] == "W"'
)
NOT_INVERTED = "dropout that is not inverted: divide the kept units by (1 - p_drop)"

Arrays = dict[str, np.ndarray]
Shapes = dict[str, tuple[int, ...]]

_PENALTY_CASES: Sequence[tuple[str, int, Shapes, float]] = (
    ("one layer", 1, {"W": (3, 4), "b": (3,)}, 0.1),
    ("a 2-layer model", 2, {"0.W": (5, 2), "0.b": (5,), "2.W": (1, 5), "2.b": (1,)}, 0.03),
)


def _params(seed: int, shapes: Shapes) -> Arrays:
    """Seeded parameters; every weight matrix holds exact zeros (each fourth entry), where the
    L1 (sub)gradient must be 0."""
    gen = _default_rng(seed)
    params = {name: gen.normal(size=shape) for name, shape in shapes.items()}
    for name, p in params.items():
        if _is_weight(name):
            p.ravel()[::4] = 0.0
    return params


def _pair(got: Any, what: str) -> tuple[Any, Any]:
    if got is None:
        raise CheckError(f"{what} returned None. Return the pair (value, grads).")
    if not isinstance(got, tuple | list) or len(got) != 2:
        raise CheckError(f"{what} should return a pair (value, grads), got {type(got).__name__}.")
    if isinstance(got[0], dict) and not isinstance(got[1], dict):
        raise CheckError(
            f"{what} returned (grads, value): the pair is in the wrong order. Return "
            "(value, grads), the penalty first."
        )
    return got[0], got[1]


def _check_grads(what: str, grads: Any, params: Arrays, ref: Arrays, mistakes: dict) -> None:
    expect(
        isinstance(grads, dict) and set(grads) == set(params),
        f"{what}: grads should be a dict with the same keys as params {sorted(params)}, got "
        f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}. Give every "
        "parameter a gradient (zeros for biases).",
    )
    for name in params:
        expect_close(
            f"{what}: grads[{name!r}]",
            grads[name],
            ref[name],
            mistakes={label: m[name] for label, m in mistakes.items()},
        )


def _penalty_check(
    student_fn: Callable[..., Any],
    fn_name: str,
    reference: Callable[[Arrays, float], tuple[float, Arrays]],
    wrong_values: Callable[[Arrays, float, float], dict[str, float]],
    wrong_grads: Callable[[Arrays, float], dict[str, Arrays]],
    cases: Sequence[tuple[str, int, Shapes, float]],
) -> None:
    for label, seed, shapes, lam in cases:
        params = _params(seed, shapes)
        what = f"{fn_name} ({label}, lam={lam})"
        value, grads = _pair(call(student_fn, params, lam, what=what), what)
        ref_value, ref_grads = reference(params, lam)
        expect_close(
            f"{what}: the penalty value",
            value,
            ref_value,
            mistakes=wrong_values(params, lam, ref_value),
        )
        _check_grads(what, grads, params, ref_grads, wrong_grads(params, lam))


def _all_sum(params: Arrays, fn: Callable[[np.ndarray], float]) -> float:
    return sum(fn(p) for p in params.values())


def _weights_sum(params: Arrays, fn: Callable[[np.ndarray], float]) -> float:
    return sum(fn(p) for k, p in params.items() if _is_weight(k))


def _last_weight(params: Arrays, fn: Callable[[np.ndarray], float]) -> float:
    weights = [p for k, p in params.items() if _is_weight(k)]
    return fn(weights[-1]) if weights else 0.0


def _weights_only(params: Arrays, fn: Callable[[np.ndarray], np.ndarray]) -> Arrays:
    """{name: fn(W)} for weights and zeros for biases: the shape of every penalty gradient."""
    return {k: fn(p) if _is_weight(k) else _zeros_like(p) for k, p in params.items()}


# ----- exercises 1 and 2: the L2 and L1 penalties -----------------------------------------------
def l2_penalty(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, int, Shapes, float]] = _PENALTY_CASES,
) -> None:
    """Check ``l2_penalty(params, lam) -> (lam/2 * sum of W**2, {name: lam * W or 0})``."""
    guard()

    def values(params: Arrays, lam: float, ref: float) -> dict[str, float]:
        squares = _weights_sum(params, lambda p: float((p * p).sum()))
        return {
            "a missing 1/2 (the penalty is lam / 2 times the sum of squares)": 2 * ref,
            PENALIZED_BIASES: 0.5 * lam * _all_sum(params, lambda p: float((p * p).sum())),
            "the norm instead of its square": 0.5 * lam * _sqrt(squares),
            MISSING_LAM + " in the value": 0.5 * squares,
            "a mean of the squares instead of their sum": 0.5
            * lam
            * _weights_sum(params, lambda p: float((p * p).mean())),
            LAST_ONLY: 0.5 * lam * _last_weight(params, lambda p: float((p * p).sum())),
            NO_WEIGHTS: 0.0,
        }

    def grads(params: Arrays, lam: float) -> dict[str, Arrays]:
        return {
            WRONG_SIGN: _weights_only(params, lambda p: -lam * p),
            PENALIZED_BIASES: {k: lam * p for k, p in params.items()},
            MISSING_LAM: _weights_only(params, lambda p: p),
            "an extra factor 2 (the 1/2 cancels the 2 from the square)": _weights_only(
                params, lambda p: 2 * lam * p
            ),
        }

    _penalty_check(student_fn, "l2_penalty", _ref_l2, values, grads, cases)
    passed("l2_penalty")


def l1_penalty(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, int, Shapes, float]] = _PENALTY_CASES,
) -> None:
    """Check ``l1_penalty(params, lam) -> (lam * sum of |W|, {name: lam * sign(W) or 0})``."""
    guard()

    def values(params: Arrays, lam: float, ref: float) -> dict[str, float]:
        return {
            PENALIZED_BIASES: lam * _all_sum(params, lambda p: float(_abs(p).sum())),
            "a sum without the absolute value": lam
            * _weights_sum(params, lambda p: float(p.sum())),
            "the L2 penalty instead of L1": 0.5
            * lam
            * _weights_sum(params, lambda p: float((p * p).sum())),
            "an extra 1/2 (the 1/2 belongs to L2, where it cancels the 2 of the square)": 0.5 * ref,
            MISSING_LAM + " in the value": ref / lam if lam else ref,
            "a mean of |W| instead of the sum": lam
            * _weights_sum(params, lambda p: float(_abs(p).mean())),
            LAST_ONLY: lam * _last_weight(params, lambda p: float(_abs(p).sum())),
            NO_WEIGHTS: 0.0,
        }

    def grads(params: Arrays, lam: float) -> dict[str, Arrays]:
        with np.errstate(all="ignore"):
            ratio = _weights_only(params, lambda p: lam * p / _abs(p))
        return {
            WRONG_SIGN: _weights_only(params, lambda p: -lam * _sign(p)),
            PENALIZED_BIASES: {k: lam * _sign(p) for k, p in params.items()},
            "the L2 gradient lam * W instead of lam * sign(W)": _weights_only(
                params, lambda p: lam * p
            ),
            MISSING_LAM: _weights_only(params, _sign),
            "sign(0) taken as +1: where a weight is exactly 0 the gradient must be 0, as the "
            "docstring says (np.sign(0) == 0; a test like w >= 0 gives +lam there)": (
                _weights_only(params, lambda p: lam * _where(p >= 0, 1.0, -1.0))
            ),
            "sign(0) taken as -1: where a weight is exactly 0 the gradient must be 0, as the "
            "docstring says (np.sign(0) == 0; a test like w > 0 gives -lam there)": (
                _weights_only(params, lambda p: lam * _where(p > 0, 1.0, -1.0))
            ),
            "lam * W / |W|, which is 0 / 0 = NaN where a weight is exactly 0; use "
            "lam * np.sign(W), which is 0 there": ratio,
        }

    _penalty_check(student_fn, "l1_penalty", _ref_l1, values, grads, cases)
    passed("l1_penalty")


# ----- exercises 3 and 4: inverted dropout ------------------------------------------------------
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
        raise CheckError(
            f"{what} returned (mask, out): the pair is in the wrong order. Return (out, mask), "
            "the activations first."
        )
    expect_shape(f"{what}: out", out, a.shape)
    return what, _asarray(out), mask


def dropout_forward(
    student_fn: Callable[..., Any],
    *,
    shape: tuple[int, int] = (400, 250),
    p_drops: Sequence[float] = (0.2, 0.5),
    seed: int = 7,
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
        f"{what}: {zeroed:.1%} of the units are 0 in eval mode: dropout was applied although "
        "training=False. At test time dropout does nothing: return a unchanged.",
    )
    expect_close(
        f"{what}: out",
        out,
        a,
        mistakes={
            "scaling in eval mode: at test time dropout does nothing (the scaling already "
            "happened during training)": a / (1 - p_drops[0]),
            "a multiplication by (1 - p_drop) in eval mode, as in the original, non-inverted "
            "dropout; inverted dropout scales during training, so eval mode returns a "
            "unchanged": a * (1 - p_drops[0]),
        },
        hint="In eval mode return a unchanged.",
    )
    expect(
        eval_mask is not None,
        f"{what}: mask is None; in eval mode return a mask of all True (np.ones(a.shape, "
        "dtype=bool)): every unit is kept.",
    )
    eval_mask = _asarray(eval_mask)
    expect_shape(f"{what}: mask", eval_mask, a.shape)
    expect(
        bool((eval_mask == 1).all()),
        f"{what}: the mask should be all True in eval mode (every unit is kept), but "
        f"{float((eval_mask != 1).mean()):.1%} of it is False.",
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
                f"{what}: every example (row) got the same mask: one mask was drawn for the "
                "units and shared by the whole batch. Draw one number per unit and example, "
                "rng.random(a.shape).",
            )
            expect(
                not bool((kept == kept[:, :1]).all()),
                f"{what}: every unit of an example (row) is kept or dropped together: one "
                "number was drawn per example. Draw one per unit, rng.random(a.shape).",
            )
        expect_close(
            f"{what}: out",
            out,
            _where(kept, a / (1 - p), 0.0),
            mistakes={
                NOT_INVERTED: _where(kept, a, 0.0),
                f"{KEEP_DROP_SWAPPED} in the scaling (divide by 1 - p_drop, the keep "
                "probability)": _where(kept, a / p, 0.0),
                "the mask applied the wrong way round (True must mean kept)": _where(
                    ~kept, a / (1 - p), 0.0
                ),
                "kept units multiplied by (1 - p_drop) instead of divided by it": _where(
                    kept, a * (1 - p), 0.0
                ),
            },
        )

    what, out, _ = _dropout_call(student_fn, a, 0.0, seed, training=True)
    expect_close(f"{what}: out", out, a, hint="With p_drop = 0 nothing is dropped.")

    _, first, _ = _dropout_call(student_fn, a, p_drops[0], seed + 1, training=True)
    _, again, _ = _dropout_call(student_fn, a, p_drops[0], seed + 1, training=True)
    expect(
        bool((first == again).all()),
        "dropout_forward: two calls with generators made from the same seed gave different masks. "
        "Draw the random numbers from the rng argument (rng.random(a.shape)), not from np.random.",
    )
    _, other, _ = _dropout_call(student_fn, a, p_drops[0], seed + 2, training=True)
    expect(
        not bool((first == other).all()),
        "dropout_forward: generators made from two different seeds gave the same mask: the "
        "function ignores its rng argument. Draw from it: rng.random(a.shape).",
    )
    passed("dropout_forward")


def dropout_backward(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[int, tuple[int, int], float]] = ((3, (6, 5), 0.3), (4, (2, 9), 0.5)),
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
                NOT_INVERTED + " (in the backward pass too)": dout * mask,
                "a multiplication by (1 - p_drop); divide by it, as in the forward pass": dout
                * mask
                * (1 - p),
                f"{KEEP_DROP_SWAPPED} (divide by 1 - p_drop)": dout * mask / p,
                "a missing mask: a dropped unit passes no gradient back": dout / (1 - p),
                "the mask applied the wrong way round (True means kept)": dout * ~mask / (1 - p),
            },
        )
    passed("dropout_backward")


# ----- exercise 5: early stopping ----------------------------------------------------------------
def _early_stop(
    val_losses: Sequence[float],
    patience: int,
    *,
    ties: bool = False,
    lag: int = 0,
    reset: bool = True,
    previous: bool = False,
):
    """The rule (defaults), or one of its wrong variants: ``ties`` counts a tie as an
    improvement, ``lag`` stops that many epochs late, ``reset=False`` never resets the count of
    epochs without improvement, ``previous`` compares with the previous epoch's loss instead of
    the best so far."""
    best, best_epoch, waited, last = float("inf"), None, 0, float("inf")
    for epoch, v in enumerate(val_losses):
        ref = last if previous else best
        if v < ref or (ties and v == ref):
            best, best_epoch = v, epoch
            waited = 0 if reset else waited
        else:
            waited += 1
            if waited >= patience + lag:
                return best_epoch, epoch
        last = v
    return best_epoch, None


_EARLY_CASES: Sequence[tuple[str, Sequence[float], int]] = (
    ("stops 3 epochs after the best", [1.0, 0.8, 0.7, 0.72, 0.75, 0.71, 0.9, 0.6], 3),
    ("keeps improving, never stops", [5.0, 4.0, 3.0, 2.0, 1.0], 2),
    ("a tie is not an improvement", [1.0, 0.9, 0.9, 0.9, 0.95], 2),
    ("patience 1", [0.5, 0.4, 0.45, 0.3], 1),
    ("bumps between improvements", [1.0, 1.1, 0.9, 1.0, 0.8, 0.85, 0.95, 0.7], 2),
)


def _early_diagnosis(
    got: tuple[Any, Any], losses: Sequence[float], patience: int, expected: tuple
) -> str | None:
    """The named mistake that gives ``got`` on this case, or None."""
    n = len(losses)
    best, stop = expected
    last_run = n - 1 if stop is None else stop
    whole = min(range(n), key=lambda i: (losses[i], i))
    pairs = [
        (_early_stop(losses, patience, lag=1), "an off-by-one: training stops one epoch "
         "late (stop when the epochs without improvement reach patience)"),
        (_early_stop(losses, patience, lag=-1), "an off-by-one: training stops one epoch "
         "early (stop when the epochs without improvement reach patience)"),
        (_early_stop(losses, patience, ties=True), "a tie counted as an improvement (use a "
         "strict <: an equal validation loss is not better)"),
        ((last_run, stop), "the last epoch's weights kept instead of the best epoch's: "
         "best_epoch must be the epoch with the lowest validation loss so far, the one whose "
         "weights early stopping restores"),
        (_early_stop(losses, patience, reset=False), "a count of epochs without improvement "
         "that is never reset: set it back to 0 whenever the loss improves (patience counts "
         "epochs in a row)"),
        (_early_stop(losses, patience, previous=True), "each loss compared with the previous "
         "epoch's instead of the best so far"),
        ((whole, stop), "the best epoch of the whole list, including epochs after the stop, "
         "which training never reaches: take the best of the epochs up to the stop"),
        ((best, n - 1 if stop is None else stop), "the last epoch returned as stopped_epoch "
         "although training never stopped early: return None then"),
    ]  # fmt: skip
    for pair, text in pairs:
        if pair != expected and got == pair:
            return text
    if (
        _type_is_int(got[0])
        and (got[1] is None or _type_is_int(got[1]))
        and got
        == (
            best + 1,
            None if stop is None else stop + 1,
        )
    ):
        return "epochs counted from 1; count them from 0 like Python indices"
    if isinstance(got[0], float) and best is not None and got[0] == losses[best]:
        return "the best validation loss returned instead of its epoch (an index)"
    return None


def _type_is_int(x: Any) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def early_stopping(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, Sequence[float], int]] = _EARLY_CASES,
) -> None:
    """Check ``early_stopping(val_losses, patience) -> (best_epoch, stopped_epoch or None)``."""
    guard()
    for label, losses, patience in cases:
        what = f"early_stopping({list(losses)}, patience={patience}) [{label}]"
        got = call(student_fn, list(losses), patience, what=what)
        expected = _early_stop(losses, patience)
        if got is None:
            raise CheckError(f"{what} returned None. Return (best_epoch, stopped_epoch).")
        if not isinstance(got, tuple | list) or len(got) != 2:
            raise CheckError(f"{what} should return a pair (best_epoch, stopped_epoch).")
        got = (got[0], got[1])
        if got == expected:
            continue
        hint = _early_diagnosis(got, losses, patience, expected)
        raise CheckError(
            f"{what} returned {got}, expected (best_epoch, stopped_epoch) = {expected}"
            + (f": it looks like {hint}." if hint else ".")
        )
    passed("early_stopping")


# ----- exercise 6: shifted images --------------------------------------------------------------
def _edge_shift(X: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """A shift whose uncovered border repeats the edge pixels (np.pad's mode="edge")."""
    images = X.reshape(-1, 8, 8)
    rows = np.clip(np.arange(8) - dy, 0, 7)
    cols = np.clip(np.arange(8) - dx, 0, 7)
    return images[:, rows][:, :, cols].reshape(X.shape)


def _rolled_and_cut(X: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """np.roll, then the border zeroed as out[:, :dy] and out[:, :, :dx] whatever their sign."""
    out = _roll(_roll(X.reshape(-1, 8, 8), dy, axis=1), dx, axis=2)
    if dy:
        out[:, :dy, :] = 0.0
    if dx:
        out[:, :, :dx] = 0.0
    return out.reshape(X.shape)


def _shift_mistakes(X: np.ndarray, dx: int, dy: int) -> dict[str, np.ndarray]:
    n = X.shape[0]
    images = X.reshape(-1, 8, 8)
    return {
        "pixels wrapped around the border (np.roll); fill the gap with zeros instead": _roll(
            _roll(images, dy, axis=1), dx, axis=2
        ).reshape(n, 64),
        f"{WRONG_SIGN}: the image moved the other way (dx > 0 moves right, dy > 0 "
        "down)": _ref_shift(X, -dx, -dy),
        "dy > 0 moving the image up; in an image row 0 is at the top, so dy > 0 moves it "
        "down (to larger row numbers)": _ref_shift(X, dx, -dy),
        "dx > 0 moving the image left; dx > 0 moves it right (to larger column "
        "numbers)": _ref_shift(X, -dx, dy),
        "dx and dy swapped (dx moves columns, dy moves rows)": _ref_shift(X, dy, dx),
        "the gap filled with copies of the edge pixels; fill it with zeros": _edge_shift(X, dx, dy),
        "a border zeroed as out[:, :dx] for negative shifts too: for dx < 0 (or dy < 0) the "
        "uncovered border is at the other end, out[:, dx:], and out[:, :dx] is all but it": (
            _rolled_and_cut(X, dx, dy)
        ),
    }


def shift_images(
    student_fn: Callable[..., Any],
    *,
    shifts: Sequence[tuple[int, int]] = ((1, 0), (0, 1), (-1, 0), (0, -2), (2, -1), (0, 0)),
    n: int = 5,
    seed: int = 11,
) -> None:
    """Check ``shift_images(X, dx, dy)``: dx columns right, dy rows down, zero-filled.

    Every shift is run first; then a mistake is named only if it explains the results of all
    the shifts (e.g. "dy > 0 moves up" leaves the shifts with dy = 0 right).
    """
    guard()
    X = _default_rng(seed).random((n, 64))
    results = []
    for dx, dy in shifts:
        what = f"shift_images(X of shape {X.shape}, dx={dx}, dy={dy})"
        try:
            results.append((what, dx, dy, call(student_fn, X, dx, dy, what=what)))
        except CheckError as error:
            if error_kind(error) not in ("", "NotImplementedError") and 0 in (dx, dy):
                raise CheckError(
                    f"{str(error).removesuffix('.')}. Note that a shift of 0 breaks slices "
                    "written with -dx or -dy: X[:, :-0] is X[:, :0], which is empty. Handle 0 "
                    "apart, or slice with explicit ends such as X[:, :8 - dx]."
                ) from error
            raise
    explained = None
    for label in _shift_mistakes(X, 1, 1):
        if all(_matches(got, _shift_mistakes(X, dx, dy)[label]) for _, dx, dy, got in results):
            explained = label
            break
    for what, dx, dy, got in results:
        right = _ref_shift(X, dx, dy)
        if _matches(got, right):
            continue
        if explained is not None:
            raise CheckError(f"{what} looks like {explained}.")
        expect_close(what, got, right, mistakes=_shift_mistakes(X, dx, dy))
    passed("shift_images")


def _matches(got: Any, want: np.ndarray) -> bool:
    try:
        arr = _asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return arr.shape == want.shape and bool((abs(arr - want) <= 1e-9 + 1e-7 * abs(want)).all())


# ----- exercise 7: initialization by activation ------------------------------------------------
SIGMOID_GAIN = 4.0  # 1 / sigmoid'(0): Glorot and Bengio's factor for sigmoid layers


def _target_std(d_in: int, d_out: int, activation: str) -> float:
    """He for ReLU, Xavier for tanh, 4 times Xavier for sigmoid."""
    if activation == "relu":
        return float(_sqrt(2.0 / d_in))
    xavier = float(_sqrt(2.0 / (d_in + d_out)))
    return SIGMOID_GAIN * xavier if activation == "sigmoid" else xavier


def _init_diagnosis(std: float, d_in: int, d_out: int, act: str) -> str | None:
    want = _target_std(d_in, d_out, act)
    he, xavier = float(_sqrt(2.0 / d_in)), float(_sqrt(2.0 / (d_in + d_out)))
    right = {
        "relu": "He, sqrt(2 / fan_in)",
        "tanh": "Xavier, sqrt(2 / (fan_in + fan_out))",
        "sigmoid": "4 * sqrt(2 / (fan_in + fan_out))",
    }[act]
    diagnoses = [
        (float(_sqrt(2.0 / d_out)), "fan_out (d_out) used instead of fan_in (d_in)"),
        (want**2, "a missing square root: that is the variance, not the standard deviation"),
        (
            xavier,
            "Xavier scaling for ReLU; ReLU zeroes half its inputs, so use He, sqrt(2 / fan_in)"
            if act == "relu"
            else "Xavier's tanh scale for sigmoid. The sigmoid's slope at 0 is 1/4, not 1, so "
            "with Xavier weights every sigmoid layer shrinks the backward signal about 4 times "
            "(notebook 06 measured it); multiply Xavier's standard deviation by 4",
        ),
        (he, f"He scaling for {act}; use {right}"),
        (SIGMOID_GAIN * xavier, f"the sigmoid's 4 * Xavier for {act}; use {right}"),
        (2 * xavier, "2 * Xavier: the factor 4 multiplies the standard deviation, not the "
         "variance"),
        (float(_sqrt(1.0 / d_in)), "sqrt(1 / fan_in), LeCun's scale"),
        (1.0, "unscaled N(0, 1) weights"),
    ]  # fmt: skip
    return next(
        (text for s, text in diagnoses if abs(s / want - 1) > 0.03 and abs(std / s - 1) <= 0.03),
        None,
    )


def init_layer(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[int, int, str]] = (
        (400, 100, "relu"),
        (100, 400, "tanh"),
        (250, 150, "sigmoid"),
    ),
    seed: int = 5,
) -> None:
    """Check ``init_layer(d_in, d_out, activation, rng) -> (W, b)`` statistically.

    W has shape (d_out, d_in), mean 0 and the standard deviation of He (ReLU), Xavier (tanh) or
    4 times Xavier (sigmoid) within 3 %; b is zero; the same seed gives the same W, and another
    seed another W.
    """
    guard()
    for d_in, d_out, act in cases:
        what = f"init_layer(d_in={d_in}, d_out={d_out}, activation={act!r}, rng)"
        got = call(student_fn, d_in, d_out, act, _default_rng(seed), what=what)
        if not isinstance(got, tuple | list) or len(got) != 2:
            raise CheckError(f"{what} should return the pair (W, b).")
        W, b = _asarray(got[0], dtype=float), got[1]
        expect_shape(f"{what}: W", W, (d_out, d_in), hint="W has one row per output unit.")
        expect_shape(f"{what}: b", b, (d_out,))
        expect(not _asarray(b).any(), f"{what}: b should start at zero.")
        std, want = float(W.std()), _target_std(d_in, d_out, act)
        expect(
            abs(float(W.mean())) < 0.1 * want,
            f"{what}: the weights should have mean 0, got {float(W.mean()):.4f}.",
        )
        if abs(std / want - 1) <= 0.03:
            continue
        hint = _init_diagnosis(std, d_in, d_out, act)
        raise CheckError(
            f"{what}: the weights have standard deviation {std:.4f}, expected {want:.4f}"
            + (f": it looks like {hint}." if hint else ".")
        )
    W1 = call(student_fn, 30, 20, "relu", _default_rng(seed + 1), what="init_layer")[0]
    W2 = call(student_fn, 30, 20, "relu", _default_rng(seed + 1), what="init_layer")[0]
    expect(
        bool((_asarray(W1) == _asarray(W2)).all()),
        "init_layer: two calls with generators made from the same seed gave different weights. "
        "Draw from the rng argument, not from np.random.",
    )
    W3 = call(student_fn, 30, 20, "relu", _default_rng(seed + 2), what="init_layer")[0]
    expect(
        not bool((_asarray(W1) == _asarray(W3)).all()),
        "init_layer: generators made from two different seeds gave the same weights: the "
        "function ignores its rng argument. Draw from it: rng.normal(0.0, std, size=(d_out, "
        "d_in)).",
    )
    passed("init_layer")
