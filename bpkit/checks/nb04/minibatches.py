"""nb04: Exercise 3: minibatch_indices."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._answers import kind as _kind
from bpkit.checks._answers import need_function as _need_function
from bpkit.checks._core import (
    CheckError,
    call,
    expect,
    guard,
    passed,
)

_type = object.__class__

# ----- Exercise 3: minibatch_indices ----------------------------------------------------------
# (n, batch_size, seed)
SplitCase = tuple[int, int, int]

PER_BATCH = "batch_size is the number of examples per batch, not the number of batches"
LAST_MISSING = "the last, smaller batch is missing"
REPLACEMENT = "the order drawn with replacement"
EVEN_SPREAD = "the examples spread evenly over the batches (np.array_split does that)"
NOT_REPRODUCIBLE = "is not reproducible: two calls with the same seed gave different batches"
NOT_SHUFFLED = "the batches are not shuffled"
BLOCKS = "every batch is a contiguous block of indices"
SEED_IGNORED = "ignores the seed"

VISIBLE_SPLIT: list[SplitCase] = [(10, 3, 0), (12, 4, 1), (20, 20, 2), (6, 1, 3), (100, 32, 4)]


def _listed(items: Any) -> list[Any] | None:
    """list(items), or None if it is not iterable."""
    try:
        return list(items)
    except TypeError:
        return None


def _as_batches(what: str, got: Any) -> list[np.ndarray]:
    if got is None:
        raise CheckError(f"{what} returned None. Return the list of index arrays.")
    if isinstance(got, np.ndarray) and got.ndim == 1 and got.dtype.kind in "biuf":
        raise CheckError(
            f"{what} returned one flat array of {got.size} indices. Cut the shuffled order into "
            "a list of batches: [order[0:batch_size], order[batch_size:2*batch_size], ...]."
        )
    if _type(got) in (_type([]), _type(())) or (
        isinstance(got, np.ndarray) and got.ndim and got.dtype.kind in "biuf"
    ):
        batches = list(got)
    else:
        # A generator (or another iterable): iterating it runs the student's code, so it runs
        # inside call(), which records the batches it gives for the grader.
        batches = call(_listed, got, what=what)
        if batches is None:
            raise CheckError(f"{what} should return a list of index arrays, got {_kind(got)}.")
    out = []
    for i, batch in enumerate(batches):
        arr = np.asarray(batch)
        expect(
            arr.ndim == 1 and arr.dtype.kind in "iu",
            f"{what}: batch {i} should be a 1-D array of integer indices, got "
            f"{'dtype ' + str(arr.dtype) if arr.ndim == 1 else f'shape {arr.shape}'}.",
        )
        out.append(arr)
    return out


def _contiguous(batch: np.ndarray) -> bool:
    """Whether a batch holds consecutive indices k, k+1, ..., in any order."""
    return bool(np.array_equal(np.sort(batch), np.arange(batch.min(), batch.min() + batch.size)))


def _check_minibatch_indices(fn: Callable[..., Any], cases: Sequence[SplitCase]) -> None:
    guard()
    _need_function(fn, "minibatch_indices")
    for n, bs, seed in cases:
        what = f"minibatch_indices(n={n}, batch_size={bs}, seed={seed})"
        batches = _as_batches(what, call(fn, n, bs, seed, what=what))
        k = -(-n // bs)
        sizes = [len(bt) for bt in batches]
        want = [bs] * (n // bs) + ([n % bs] if n % bs else [])
        flat = np.concatenate(batches) if batches else np.zeros(0, dtype=int)
        if len(batches) == bs and bs != k and sum(sizes) == n:
            raise CheckError(
                f"{what} made {bs} batches. {PER_BATCH}: expected {k} batches of sizes {want}."
            )
        if sum(sizes) < n and len(batches) == n // bs:
            raise CheckError(
                f"{what} returned {sum(sizes)} of {n} examples: {LAST_MISSING} (it would hold "
                f"{n % bs}). Every example must be used once per epoch."
            )
        expect(flat.size > 0, f"{what} returned no indices at all: expected {k} batches.")
        counts = np.bincount(flat[(flat >= 0) & (flat < n)], minlength=n)
        expect(
            bool(np.all((flat >= 0) & (flat < n))),
            f"{what}: indices must lie in 0..{n - 1}, got values from {flat.min()} to "
            f"{flat.max()}.",
        )
        if counts.max(initial=0) > 1:
            i = int(counts.argmax())
            raise CheckError(
                f"{what}: index {i} appears {int(counts[i])} times and {int(np.sum(counts == 0))} "
                f"indices never appear: {REPLACEMENT}. Draw it without replacement: "
                "rng.permutation(n), not rng.integers or rng.choice(..., replace=True)."
            )
        expect(
            sum(sizes) == n,
            f"{what}: the batches hold {sum(sizes)} indices, expected all {n} exactly once.",
        )
        if sizes != want and max(sizes) - min(sizes) <= 1:
            raise CheckError(
                f"{what}: batch sizes {sizes}, expected {want}: {EVEN_SPREAD}. Cut consecutive "
                "chunks of batch_size instead, order[start:start + batch_size]; only the last "
                "chunk may be smaller."
            )
        expect(
            sizes == want,
            f"{what}: batch sizes {sizes}, expected {want} (consecutive chunks of batch_size; "
            "only the last may be smaller).",
        )
        # First, as an unseeded shuffle can look like any other mistake by chance.
        again = _as_batches(what, call(fn, n, bs, seed, what=what))
        expect(
            len(again) == len(batches)
            and all(np.array_equal(u, v) for u, v in zip(again, batches, strict=True)),
            f"{what} {NOT_REPRODUCIBLE}. "
            "Make the generator from the seed, np.random.default_rng(seed), inside the function "
            "(no global np.random state).",
        )
        # With one batch its order does not matter (nor can it show the shuffle or the seed).
        several = n >= 10 and n // bs >= 2
        if several:
            expect(
                not np.array_equal(flat, np.arange(n)),
                f"{what}: the indices come out in order 0, 1, 2, ...: {NOT_SHUFFLED}. Shuffle once "
                "with np.random.default_rng(seed).permutation(n), then cut.",
            )
        if several and bs >= 2:
            expect(
                not all(_contiguous(bt) for bt in batches),
                f"{what}: {BLOCKS} (such as 0..{bs - 1}): "
                "only the order inside the batches, or the order of the batches, is shuffled. "
                "Shuffle all n indices first, then cut the shuffled order into batches, so that "
                "each batch is a random sample of the data.",
            )
        if several:
            other = _as_batches(what, call(fn, n, bs, seed + 1000, what=what))
            expect(
                not np.array_equal(np.concatenate(other), flat),
                f"{what} {SEED_IGNORED}: seed={seed} and seed={seed + 1000} gave the same "
                "order. Pass the seed to np.random.default_rng(seed).",
            )
    passed("minibatch_indices")
