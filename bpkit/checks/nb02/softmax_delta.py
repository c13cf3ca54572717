"""nb02: Exercise 5: softmax_ce_delta."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit import functional, losses
from bpkit.checks._core import (
    WRONG_SIGN,
    CheckError,
    expect_close,
    guard,
    passed,
)
from bpkit.checks._messages import call_naming as _call
from bpkit.checks._messages import (
    joined,
)
from bpkit.checks._messages import maybe as _maybe
from bpkit.checks._messages import possible as _mistakes
from bpkit.checks.nb02._common import EXTRA_1_OVER_N, _rng

# ----- Exercise 5: softmax_ce_delta ----------------------------------------------------------
# (name, seed, n, k, logit scale); labels cover classes 0..min(n, k) - 1, then are random.
CECase = tuple[str, int, int, int, float]
VISIBLE_CE: list[CECase] = [
    ("n = 4 examples, k = 3 classes", 0, 4, 3, 1.0),
    ("n = 3 examples, k = 5 classes (classes 3 and 4 do not occur in y)", 3, 3, 5, 1.0),
    ("n = 6 examples, k = 5 classes", 1, 6, 5, 2.0),
    ("large logits (|z| ~ 1e4), n = 3, k = 4", 2, 3, 4, 1e4),
]
NO_SOFTMAX = "a missing softmax: delta = softmax(z) - onehot(y), not z - onehot(y)"
NEEDLESS_PRIME = (
    "an extra p(1 - p) factor: for softmax with cross-entropy the f'(z) terms cancel, and "
    "delta = softmax(z) - onehot(y) exactly"
)
SOFTMAX_AXIS_0 = (
    "a softmax over the wrong axis: each row is an example, so normalise each row "
    "(axis=1, as F.softmax does), not each column"
)
LABELS_AS_NUMBERS = (
    "the labels y subtracted as numbers: y holds class indices, so subtract onehot(y, k), "
    "which has a 1 in column y_i of row i"
)
COLUMNS_OF_Y = (
    "p[:, y] -= 1, which subtracts 1 in the columns of every label, in every row: take one "
    "entry per row, p[np.arange(n), y] -= 1 (or subtract one_hot(y, k))"
)
ONE_HOT_NO_K = (
    "one_hot(y) without its k: it then makes y.max() + 1 columns, fewer than k when the last "
    "classes do not occur in this batch. Pass the number of classes: one_hot(y, z.shape[1])"
)
ROW_VECTOR = (
    "an array of shape (n,) combined with an (n, k) one: a row sum needs keepdims=True "
    "(e.sum(axis=1, keepdims=True)), and the labels y must become onehot(y, k) before they "
    "are subtracted"
)
NO_KEEPDIMS = (
    "a row sum without keepdims=True: e / e.sum(axis=1) divides column j by the sum of row j; "
    "use e.sum(axis=1, keepdims=True)"
)
ONE_HOT_BY_N = (
    "one_hot(y, n) with the number of examples n = len(y): its k is the number of classes, "
    "z.shape[1]"
)
SOFTMAX_OF_ALL = (
    "a softmax normalised over the whole batch (np.sum without axis): normalise each row, "
    "e.sum(axis=1, keepdims=True)"
)
LOG_SOFTMAX = "log-probabilities (a log-softmax) where the probabilities softmax(z) are needed"
SIGMOID_NOT_SOFTMAX = (
    "a sigmoid of each logit where the softmax is needed: the softmax normalises each row so "
    "that it sums to 1"
)
DELTA_AVERAGED = (
    "delta averaged over the batch: it is per example, one row per example, shape (n, k)"
)
SOFTMAX_STABLE_HINT = (
    "Subtract each row's own maximum before np.exp: z - z.max(axis=1, keepdims=True) (as "
    "F.softmax does). Without a shift np.exp overflows; with one maximum for the whole batch, a "
    "row far below it gives exp(...) = 0 everywhere, and then 0 / 0."
)


def _ce_case(seed: int, n: int, k: int, scale: float) -> tuple[np.ndarray, np.ndarray]:
    g = _rng(seed)
    z = scale * g.normal(size=(n, k))
    y = g.integers(0, k, size=n)
    y[: min(n, k)] = np.arange(min(n, k))  # several classes present
    return z, y


def _check_softmax_ce_delta(fn: Callable[..., Any], cases: Sequence[CECase]) -> None:
    guard()
    for name, seed, n, k, scale in cases:
        z, y = _ce_case(seed, n, k, scale)
        what = f"softmax_ce_delta with {name}"
        seen = int(y.max()) + 1
        names = {(n,): ROW_VECTOR} if n != k else {}
        if n != k:
            names[(n, n)] = ONE_HOT_BY_N
        if seen != k:  # the same shape as one_hot(y, n) when seen == n: name both
            names[(n, seen)] = ONE_HOT_NO_K if seen != n else f"{ONE_HOT_NO_K}. Or {ONE_HOT_BY_N}"
        try:
            with np.errstate(under="ignore"):  # e^-10000 = 0 is fine, even where underflow warns
                got = _call(fn, z, y, what=what, names=names, stable=True)
        except CheckError as error:
            if "numerical stability" not in str(error):
                raise
            raise CheckError(joined(str(error), SOFTMAX_STABLE_HINT)) from error.__cause__
        with np.errstate(all="ignore"):  # the references must not warn, whatever the settings
            _, dL_dz = losses.softmax_cross_entropy(z, y)  # bpkit: (p - onehot) / n
            right = dL_dz * n
            p = functional.softmax(z)
            Y = np.zeros((n, k))
            Y[np.arange(n), y] = 1.0
            shifted = np.exp(z - z.max(axis=1, keepdims=True))
            by_columns = p.copy()
            by_columns[:, y] -= 1.0
            mistakes = {
                WRONG_SIGN: -right,
                EXTRA_1_OVER_N: right / n,
                NO_SOFTMAX: z - Y,
                NEEDLESS_PRIME: right * p * (1 - p),
                SOFTMAX_AXIS_0: functional.softmax(z.T).T - Y,
                LABELS_AS_NUMBERS: p - y[:, None],
                COLUMNS_OF_Y: by_columns,
                ONE_HOT_NO_K: _maybe(lambda: p - Y[:, :seen]) if seen != k else None,  # noqa: B023
                NO_KEEPDIMS: (shifted / shifted.sum(axis=1) - Y) if n == k else None,
                SOFTMAX_OF_ALL: np.exp(z - z.max()) / np.exp(z - z.max()).sum() - Y,
                DELTA_AVERAGED: right.mean(axis=0),
                LOG_SOFTMAX: np.log(np.maximum(p, 1e-300)) - Y,
                SIGMOID_NOT_SOFTMAX: functional.sigmoid(z) - Y,
            }
        expect_close(
            what,
            got,
            right,
            mistakes=_mistakes(mistakes),
            hint=SOFTMAX_STABLE_HINT
            if scale > 100
            else "Use bpkit.functional.softmax (stable for large logits); y holds class indices.",
        )
    passed("softmax_ce_delta")
