"""nb00: Exercise 2: batch_mean."""

from __future__ import annotations

import numpy as np

from bpkit.checks._core import (
    MISSING_1_OVER_N,
    call,
    expect_close,
    guard,
    passed,
)
from bpkit.checks._messages import possible as _known
from bpkit.checks.nb00._common import Fn, _rng

# ----- Exercise 2: batch_mean -------------------------------------------------------------------
WRONG_AXIS = (
    "an average over the wrong axis: axis=1 averages the features of each example, but the "
    "batch axis (one row per example) is axis 0"
)
BY_FEATURES = (
    "a sum over the examples divided by the number of features d = a.shape[1]; divide by the "
    "number of examples n = a.shape[0]"
)
BY_ENTRIES = (
    "a sum over the examples divided by the number of entries n*d (a.size); divide by the "
    "number of examples n = a.shape[0]"
)
BY_N_MINUS_1 = "a division by n - 1 (that is for an unbiased variance); a mean divides by n"
MEAN_OF_ALL = "the mean of every entry (a.mean() without axis): average over axis 0 only"
KEEPDIMS = "keepdims=True, which keeps the averaged axis with length 1; return shape (d,)"
SUM_OF_ALL = "a sum over every entry (np.sum without axis): sum over axis 0 only, then divide by n"
MEDIAN = "the median over the batch; the mean is the sum over the examples divided by n"
FIRST_ROW = "the first example a[0] alone: average all n rows, a.sum(axis=0) / n"
AS_COLUMN = "a column of shape (d, 1): return a flat array of shape (d,)"


VISIBLE_MEAN: list[tuple[str, int, int, int]] = [
    ("a square batch", 3, 4, 4),
    ("8 examples with 3 features", 4, 8, 3),
    ("one example", 5, 1, 5),
]


def _check_batch_mean(fn: Fn, cases: list[tuple[str, int, int, int]]) -> None:
    """cases: (name, seed, n, d). A square case first diagnoses the wrong axis."""
    guard()
    for name, seed, n, d in cases:
        a = _rng(seed).normal(loc=1.0, size=(n, d))
        what = f"batch_mean on {name} (a of shape {a.shape})"
        got = call(fn, a, what="batch_mean(a)")
        total = a.sum(axis=0)
        mistakes = {
            MISSING_1_OVER_N: total,
            WRONG_AXIS: a.mean(axis=1),
            BY_FEATURES: total / d if d != n else None,
            BY_ENTRIES: total / (n * d) if d > 1 else None,
            BY_N_MINUS_1: total / (n - 1) if n > 1 else None,
            MEAN_OF_ALL: a.mean(),
            KEEPDIMS: a.mean(axis=0, keepdims=True),
            SUM_OF_ALL: a.sum() / n,
            MEDIAN: np.median(a, axis=0) if n > 2 else None,
            FIRST_ROW: a[0] if n > 1 else None,
            AS_COLUMN: (total / n)[:, None],
        }
        expect_close(
            what,
            got,
            total / n,
            mistakes=_known(mistakes),
            hint="Average over the examples (axis 0): one value per column, shape (d,).",
        )
    passed("batch_mean")
