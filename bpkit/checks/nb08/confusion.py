"""nb08: exercise 5: confusion matrix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    call,
    expect_close,
    expect_shape,
    guard,
    passed,
)
from bpkit.checks.nb08._common import _arange, _asarray, _default_rng, _maximum, _where, _zeros

# ----- exercise 5: confusion matrix ---------------------------------------------------------------
VISIBLE_CONFUSION: Sequence[tuple[str, int, int, int, float]] = (
    # label, seed, n, k, fraction predicted correctly
    ("5 classes, class 4 never appears", 6, 40, 5, 0.6),
    ("4 classes, class 1 never appears", 8, 30, 4, 0.7),
    ("3 classes, mostly right", 7, 25, 3, 0.8),
)
RENUMBERED = (
    "the classes renumbered by the labels that occur (np.unique or a dict of the labels seen): "
    "row and column i belong to class i, even when some class never occurs"
)


def _renumbered(y_true: np.ndarray, y_pred: np.ndarray, k: int) -> np.ndarray:
    """The counts with the labels that occur renumbered 0, 1, ... (the plausible wrong answer)."""
    seen = sorted(set(y_true.tolist()) | set(y_pred.tolist()))
    index = {label: i for i, label in enumerate(seen)}
    C = _zeros((k, k), dtype=np.int64)
    for t, p in zip(y_true.tolist(), y_pred.tolist(), strict=True):
        C[index[t], index[p]] += 1
    return C


TRANSPOSED_C = "the transposed matrix: rows are the TRUE class, columns the predicted class"
ROW_FRACTIONS = "fractions per row; count the examples instead"
COLUMN_FRACTIONS = "fractions per column; count the examples instead"
ALL_FRACTIONS = "fractions of all examples; count them instead"
DIAGONAL_ONLY = "only the diagonal: count the mistakes too, C[true, predicted] += 1"
SIZE_FROM_LABELS = "The matrix is k x k even when a class never occurs; use k, not the labels seen."
COUNTED_ONCE = (
    "each (true, predicted) pair counted at most once. With fancy indexing, C[y_true, y_pred] "
    "+= 1 adds 1 once per distinct pair, however often it occurs, because repeated indices "
    "do not accumulate. Use np.add.at(C, (y_true, y_pred), 1), or a loop over the examples"
)


def _confusion(y_true: np.ndarray, y_pred: np.ndarray, k: int) -> np.ndarray:
    C = _zeros((k, k), dtype=np.int64)
    for t, p in zip(y_true.tolist(), y_pred.tolist(), strict=True):
        C[t, p] += 1
    return C


def _check_confusion_matrix(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, int, int, int, float]],
) -> None:
    """Check ``confusion_matrix(y_true, y_pred, k) -> C``, C[i, j] = #(true i, predicted j)."""
    guard()
    for label, seed, n, k, right in cases:
        gen = _default_rng(seed)
        missing = int(label.split("class ")[1].split()[0]) if "never" in label else None
        classes = _asarray([c for c in range(k) if c != missing])
        y_true = classes[gen.integers(0, len(classes), size=n)]
        y_pred = _where(
            gen.random(n) < right, y_true, classes[gen.integers(0, len(classes), size=n)]
        )
        y_true[0], y_pred[0] = classes[1], classes[0]  # at least one asymmetric confusion
        what = f"confusion_matrix(y_true, y_pred, k={k}) [{label}]"
        got = call(student_fn, y_true, y_pred, k, what=what)
        C = _confusion(y_true, y_pred, k)
        expect_shape(
            what,
            got,
            (k, k),
            hint=SIZE_FROM_LABELS,
        )
        expect_close(
            what,
            got,
            C,
            mistakes={
                TRANSPOSED_C: C.T,
                ROW_FRACTIONS: C / _maximum(C.sum(axis=1, keepdims=True), 1),
                COLUMN_FRACTIONS: C / _maximum(C.sum(axis=0, keepdims=True), 1),
                ALL_FRACTIONS: C / n,
                DIAGONAL_ONLY: C * (_arange(k)[:, None] == _arange(k)),
                COUNTED_ONCE: (C > 0) * 1,
                RENUMBERED: _renumbered(y_true, y_pred, k),
            },
            rtol=0,
            atol=1e-12,
        )
    passed("confusion_matrix")
