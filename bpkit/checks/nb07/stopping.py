"""nb07: exercise 5: early stopping."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    CheckError,
    call,
    guard,
    passed,
)

# ----- exercise 5: early stopping ----------------------------------------------------------------
STOPS_LATE = (
    "an off-by-one: training stops one epoch late (stop when the epochs without improvement "
    "reach patience)"
)
STOPS_EARLY = (
    "an off-by-one: training stops one epoch early (stop when the epochs without improvement "
    "reach patience)"
)
TIE_IMPROVES = (
    "a tie counted as an improvement (use a strict <: an equal validation loss is not better)"
)
LAST_KEPT = (
    "the last epoch's weights kept instead of the best epoch's: best_epoch must be the epoch "
    "with the lowest validation loss so far, the one whose weights early stopping restores"
)
NEVER_RESET = (
    "a count of epochs without improvement that is never reset: set it back to 0 whenever the "
    "loss improves (patience counts epochs in a row)"
)
PREVIOUS = "each loss compared with the previous epoch's instead of the best so far"
WHOLE_LIST = (
    "the best epoch of the whole list, including epochs after the stop, which training never "
    "reaches: take the best of the epochs up to the stop"
)
NEVER_STOPPED = (
    "the last epoch returned as stopped_epoch although training never stopped early: return "
    "None then"
)
FROM_1 = "epochs counted from 1; count them from 0 like Python indices"
LOSS_NOT_EPOCH = "the best validation loss returned instead of its epoch (an index)"


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


VISIBLE_EARLY: Sequence[tuple[str, Sequence[float], int]] = (
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
        (_early_stop(losses, patience, lag=1), STOPS_LATE),
        (_early_stop(losses, patience, lag=-1), STOPS_EARLY),
        (_early_stop(losses, patience, ties=True), TIE_IMPROVES),
        ((last_run, stop), LAST_KEPT),
        (_early_stop(losses, patience, reset=False), NEVER_RESET),
        (_early_stop(losses, patience, previous=True), PREVIOUS),
        ((whole, stop), WHOLE_LIST),
        ((best, n - 1 if stop is None else stop), NEVER_STOPPED),
    ]
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
        return FROM_1
    if isinstance(got[0], float) and best is not None and got[0] == losses[best]:
        return LOSS_NOT_EPOCH
    return None


def _type_is_int(x: Any) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def _check_early_stopping(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, Sequence[float], int]],
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
