"""nb05: exercise 1: the mini-batch stream."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    CheckError,
    call,
    expect,
    guard,
    passed,
)
from bpkit.checks.nb05._common import (
    _arange,
    _asarray,
    _bincount,
    _concatenate,
    _sort,
    _type,
)

# ----- exercise 1: the mini-batch stream ----------------------------------------------------------
# (n, batch_size, epochs), each run with the first seed; the second seed must give another order
StreamCase = tuple[int, int, int]

RETURNED_NONE = "returned None. Yield a pair (epoch, idx) for every batch"
CHANGED_AFTER_YIELD = "changed after it was yielded"
NOT_A_PAIR = "expected a pair (epoch, idx)"
EPOCH_NUMBERS = "epochs are numbered 0"
NOT_INDICES = "should be a 1-D array of integer indices"
MISSING_OR_REPEATED = "an example is missing or repeated"
DROPPED_LAST = "drop the last, smaller batch"
WRONG_SIZES = "the leftover examples in one last, smaller batch"
ORIGINAL_ORDER = "yields the examples in their original order 0, 1, 2, ...: shuffle them"
BLOCKS = "every batch holds a contiguous block of examples"
SAME_ORDER = (
    "two epochs visit the examples in the same order. The data must be reshuffled every epoch"
)
NOT_REPRODUCIBLE = "the same seed must give the same stream"
SEED_IGNORED = "your stream ignores its seed"

VISIBLE_CASES: list[StreamCase] = [(10, 3, 2), (12, 4, 3), (7, 7, 2), (5, 1, 1)]
VISIBLE_SEEDS = (3, 4)


def _stream(fn: Callable[..., Any], n: int, batch_size: int, epochs: int, seed: Any) -> list:
    """Run the student's stream; return one list of int index arrays per epoch."""
    what = f"minibatch_stream(n={n}, batch_size={batch_size}, epochs={epochs}, seed={seed})"

    def run() -> list:
        out = fn(n, batch_size, epochs, seed)
        if out is None:
            raise CheckError(f"{what} {RETURNED_NONE}.")
        items, seen = [], []
        for item in out:  # note each batch as it is yielded, to see whether it changes later
            items.append(item)
            seen.append(_batch_copy(item))
        for k, (item, first) in enumerate(zip(items, seen, strict=True)):
            if first is not None and not _same_batch(_batch_copy(item), first):
                raise CheckError(
                    f"{what}: batch {k} {CHANGED_AFTER_YIELD}: it is a view of an index "
                    "array that you shuffled again in place later (rng.shuffle(order)), so a "
                    "caller that keeps the batches, as list(minibatch_stream(...)) does, sees "
                    "the earlier epochs end up with the last epoch's order. Draw a new array "
                    "every epoch, order = rng.permutation(n), or yield copies."
                )
        return items

    items = call(run, what=what)
    per_epoch: list[list[np.ndarray]] = [[] for _ in range(epochs)]
    last = 0
    for k, item in enumerate(items):
        expect(
            isinstance(item, tuple | list) and len(item) == 2,
            f"{what}: item {k} is {type(item).__name__}, {NOT_A_PAIR}. Write "
            "`yield epoch, order[start:start + batch_size]`.",
        )
        epoch, idx = item
        idx = _asarray(idx)
        expect(
            isinstance(epoch, int | np.integer) and last <= epoch < epochs,
            f"{what}: item {k} has epoch {epoch!r}; {EPOCH_NUMBERS} .. {epochs - 1}, in order.",
        )
        expect(
            idx.ndim == 1 and idx.dtype.kind in "iu",
            f"{what}: batch {k} {NOT_INDICES}, got dtype {idx.dtype} and shape {idx.shape}.",
        )
        last = int(epoch)
        per_epoch[last].append(idx)
    return per_epoch


def _batch_copy(item: Any) -> np.ndarray | None:
    """A copy of the index array of a yielded (epoch, idx) pair; None for anything else."""
    if _type(item) in (tuple, list) and len(item) == 2 and _type(item[1]) is np.ndarray:
        return item[1].copy()
    return None


def _same_batch(a: np.ndarray | None, b: np.ndarray) -> bool:
    return a is not None and a.shape == b.shape and bool((a == b).all())


def _coverage(batches: list, n: int, batch_size: int, what: str) -> None:
    sizes = [int(b.size) for b in batches]
    full, rest = divmod(n, batch_size)
    wanted = [batch_size] * full + ([rest] if rest else [])
    flat = _concatenate(batches) if batches else _arange(0)
    expect(flat.size > 0, f"{what}: no batches at all.")
    expect(
        bool(((flat >= 0) & (flat < n)).all()),
        f"{what}: indices must lie in 0..{n - 1}, got values from {flat.min()} to {flat.max()}.",
    )
    counts = _bincount(flat, minlength=n)
    missing = [int(i) for i in _arange(n)[counts == 0][:5]]
    repeated = [int(i) for i in _arange(n)[counts > 1][:5]]
    if rest and sizes == [batch_size] * full:
        raise CheckError(
            f"{what}: {MISSING_OR_REPEATED}: you yield {full} batches of {batch_size} and "
            f"{DROPPED_LAST} of {rest}. Its examples would never be trained on."
        )
    if missing or repeated:
        parts = []
        if missing:
            parts.append(f"never used: {missing}")
        if repeated:
            parts.append(f"used more than once: {repeated}")
        raise CheckError(
            f"{what}: {MISSING_OR_REPEATED} ({'; '.join(parts)}). Every index 0..{n - 1} must "
            "appear exactly once per epoch: shuffle range(n), then cut it into batches "
            "(sampling each batch at random repeats some examples and skips others)."
        )
    expect(
        sizes == wanted,
        f"{what}: batch sizes are {sizes}, expected {wanted}: full batches of {batch_size}, "
        f"and {WRONG_SIZES}.",
    )


def _check_minibatch_stream(
    student_fn: Callable[..., Any], *, cases: Sequence[StreamCase], seeds: tuple[int, int]
) -> None:
    """Check ``minibatch_stream(n, batch_size, epochs, seed)`` by its properties.

    Cases: every epoch uses every index exactly once with the right batch sizes; the order is
    shuffled (and not only within contiguous blocks); every epoch has a new order; the same seed
    repeats the whole stream; different seeds differ.
    """
    guard()
    s1, s2 = seeds
    n, batch_size, epochs = 100, 10, 3
    what = f"minibatch_stream(n={n}, batch_size={batch_size}, epochs={epochs}, seed={s1})"
    first = _stream(student_fn, n, batch_size, epochs, s1)
    for e, batches in enumerate(first):
        _coverage(batches, n, batch_size, f"{what}, epoch {e}")
    orders = [_concatenate(batches) for batches in first]
    expect(
        not bool((orders[0] == _arange(n)).all()),
        f"{what} {ORIGINAL_ORDER}.",
    )
    blocks = [b for b in first[0] if bool((_sort(b) == _arange(b.min(), b.min() + b.size)).all())]
    expect(
        len(blocks) < len(first[0]),
        f"{what}: {BLOCKS} (e.g. 10..19); only the order "
        "inside or between blocks is shuffled. Shuffle the whole index array once per epoch, "
        "then cut it into batches, so each batch is a random sample of the data.",
    )
    expect(
        not any(bool((orders[e] == orders[e - 1]).all()) for e in range(1, epochs)),
        f"{what}: {SAME_ORDER}: create the generator once, before the epoch loop, with "
        "rng = np.random.default_rng(seed), and draw a new permutation from it in each epoch "
        "(a generator re-created from the same seed starts over).",
    )
    again = [_concatenate(b) for b in _stream(student_fn, n, batch_size, epochs, s1)]
    expect(
        all(bool((a == b).all()) for a, b in zip(again, orders, strict=True)),
        f"Two calls of {what} gave different batches: {NOT_REPRODUCIBLE}. Draw the "
        "permutations from rng = np.random.default_rng(seed), not from the global np.random "
        "functions.",
    )
    other = _concatenate(_stream(student_fn, n, batch_size, epochs, s2)[0])
    expect(
        not bool((other == orders[0]).all()),
        f"seed={s1} and seed={s2} gave the same order: {SEED_IGNORED}. Build the "
        "generator from it: rng = np.random.default_rng(seed).",
    )
    for n, batch_size, epochs in cases:
        what = f"minibatch_stream(n={n}, batch_size={batch_size}, epochs={epochs}, seed={s1})"
        for e, batches in enumerate(_stream(student_fn, n, batch_size, epochs, s1)):
            _coverage(batches, n, batch_size, f"{what}, epoch {e}")
    passed("minibatch_stream")
