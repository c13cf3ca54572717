"""nb08: exercise 1: standardize."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    CheckError,
    call,
    expect,
    expect_close,
    expect_shape,
    guard,
    passed,
)
from bpkit.checks.nb08._common import (
    _absolute,
    _asarray,
    _concatenate,
    _default_rng,
    _isfinite,
    _where,
)

LEAKED = (
    "statistics computed from ALL the data: the test set leaked into the normalization. "
    "Compute the mean and std from X_train only"
)
OWN_STATS = (
    "each set standardized with its own mean and std. The validation and test sets must use "
    "the TRAINING mean and std: the model only ever learns from the training set"
)
PER_EXAMPLE = (
    "statistics per example (axis=1) instead of per pixel (axis=0): every pixel gets the "
    "mean and std of its column over the training examples"
)
DDOF1 = "the sample std (ddof=1); use the plain std, np.std's default ddof=0"
NOT_CENTERED = "the mean not subtracted: x_hat = (x - mean) / std"
NOT_SCALED = "no division by the std: x_hat = (x - mean) / std"
BY_VARIANCE = "a division by the variance (std ** 2) instead of the std"
UNFLOORED_STD = (
    "the std before the fix for constant pixels: return the std you divided by, with 1 where "
    "the training std is 0"
)
ZERO_STD = (
    "the code divided by a standard deviation of 0. Use std = 1 where the training std is 0, "
    "e.g. np.where(std > 0, std, 1.0)"
)
TINY_EPS = (
    "Adding a tiny eps to std keeps those pixels at 0 in training, but divides any other value "
    "there by eps. Use std = 1 where the training std is 0 instead"
)
SWAPPED_STATS = (
    "mean and std swapped: return X_train_s, X_val_s, X_test_s, mean, std, in this order"
)


# ----- exercise 1: standardize --------------------------------------------------------------------
def _stats(
    A: np.ndarray, *, axis: int = 0, ddof: int = 0, power: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel (axis=0) mean and std, std = 1 where it is 0; power=2 gives the variance."""
    mean = A.mean(axis=axis, keepdims=axis == 1)
    std = A.std(axis=axis, ddof=ddof, keepdims=axis == 1)
    return mean, _where(std > 1e-12, std**power, 1.0)


def _standardized(parts: Sequence[np.ndarray], mean: np.ndarray, std: np.ndarray) -> list:
    return [(A - mean) / std for A in parts]


def _standardize_data(seed: int, constant: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Three sets of 'images' with 6 pixels; val and test come from a shifted distribution.

    With constant=True, pixel 0 is 0 everywhere and pixel 1 is 0.25 in every training row but
    varies in the validation and test rows, as border pixels of the digits do.
    """
    gen = _default_rng(seed)
    scale = _asarray([0.2, 0.5, 1.0, 2.0, 0.3, 0.7])
    center = _asarray([0.1, -0.4, 0.8, 0.0, 1.5, 0.3])
    parts = [
        gen.normal(center + shift, scale, (n, 6)) for n, shift in ((40, 0), (15, 0.5), (12, 1))
    ]
    if constant:
        for A in parts:
            A[:, 0] = 0.0
        parts[0][:, 1] = 0.25
    return parts[0], parts[1], parts[2]


def _standardize_case(
    student_fn: Callable[..., Any], label: str, X_tr: np.ndarray, X_va: np.ndarray, X_te: np.ndarray
) -> None:
    what = f"standardize(X_train, X_val, X_test) [{label}]"
    constant = [int(j) for j in range(X_tr.shape[1]) if X_tr[:, j].std() <= 1e-12]
    got = call(student_fn, X_tr, X_va, X_te, what=what)
    if got is None:
        raise CheckError(f"{what} returned None. Return X_train_s, X_val_s, X_test_s, mean, std.")
    if not isinstance(got, tuple | list) or len(got) != 5:
        n = len(got) if isinstance(got, tuple | list) else "not a tuple"
        raise CheckError(
            f"{what} should return 5 things, (X_train_s, X_val_s, X_test_s, mean, std), got {n}."
        )
    mean, std = _stats(X_tr)
    ref = _standardized((X_tr, X_va, X_te), mean, std)
    every = _concatenate([X_tr, X_va, X_te])
    leak = _standardized((X_tr, X_va, X_te), *_stats(every))
    own = [_standardized((A,), *_stats(A))[0] for A in (X_tr, X_va, X_te)]
    rows = [_standardized((A,), *_stats(A, axis=1))[0] for A in (X_tr, X_va, X_te)]
    ddof1 = _standardized((X_tr, X_va, X_te), *_stats(X_tr, ddof=1))
    by_var = _standardized((X_tr, X_va, X_te), *_stats(X_tr, power=2))
    not_centered = [A / std for A in (X_tr, X_va, X_te)]
    not_scaled = [A - mean for A in (X_tr, X_va, X_te)]
    names = ("X_train_s", "X_val_s", "X_test_s")
    for j, name in enumerate(names):
        expect_shape(f"{what}: {name}", got[j], ref[j].shape)
        got_j = _asarray(got[j], dtype=float)
        if constant:
            with np.errstate(all="ignore"):
                broken = not bool(_isfinite(got_j[:, constant]).all())
            expect(
                not broken,
                f"{what}: {name} has NaN or inf at pixel(s) {constant}, which are constant in the "
                f"training set: their std is 0, so {ZERO_STD}.",
            )
        if constant and j > 0:
            with np.errstate(all="ignore"):
                huge = bool((_absolute(got_j[:, constant]) > 1e3).any())
            expect(
                not huge,
                f"{what}: {name} has huge values at pixel(s) {constant}, which are constant in "
                f"the training set. {TINY_EPS}.",
            )
        expect_close(
            f"{what}: {name}",
            got_j,
            ref[j],
            mistakes={
                LEAKED: leak[j],
                PER_EXAMPLE: rows[j],
                OWN_STATS: own[j],
                DDOF1: ddof1[j],
                NOT_CENTERED: not_centered[j],
                NOT_SCALED: not_scaled[j],
                BY_VARIANCE: by_var[j],
            },
            rtol=1e-6,
            atol=1e-9,
        )
    expect_close(
        f"{what}: mean",
        got[3],
        mean,
        mistakes={LEAKED: every.mean(axis=0), SWAPPED_STATS: std},
        hint="mean is the per-pixel mean of X_train, shape (d,).",
    )
    expect_close(
        f"{what}: std",
        got[4],
        std,
        mistakes={
            LEAKED: _stats(every)[1],
            UNFLOORED_STD: X_tr.std(axis=0),
            DDOF1: _stats(X_tr, ddof=1)[1],
            BY_VARIANCE: _stats(X_tr, power=2)[1],
        },
        rtol=1e-6,
        hint="std is the per-pixel std of X_train, shape (d,), with 1 where it is 0.",
    )


def _check_standardize(
    student_fn: Callable[..., Any],
    *,
    seed: int,
    data: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> None:
    """Check ``standardize(X_train, X_val, X_test) -> (X_train_s, X_val_s, X_test_s, mean, std)``.

    Cases: data without constant pixels; data with a pixel constant everywhere and one constant
    only in the training set; and (hidden tests) real digits, passed as ``data``.
    """
    guard()
    _standardize_case(student_fn, "no constant pixels", *_standardize_data(seed, False))
    _standardize_case(student_fn, "constant pixels", *_standardize_data(seed + 1, True))
    if data is not None:
        _standardize_case(student_fn, "the digits", *data)
    passed("standardize")
