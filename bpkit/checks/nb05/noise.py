"""nb05: exercise 3: gradient noise."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    call,
    expect_close,
    guard,
    passed,
)
from bpkit.checks.nb05._common import _asarray, _default_rng, _sqrt

# ----- exercise 3: gradient noise ----------------------------------------------------------------
# (name, seed, n, number of gradient entries p, batch_size)
NoiseCase = tuple[str, int, int, int, int]

AROUND_MEAN = (
    "the spread around the mean of the batch gradients (as np.var does), not around "
    "the full-batch gradient: subtract g = grad_fn(np.arange(n))"
)
MINUS_ONE = (
    "a division by (number of batches - 1): average the squared distances over the "
    "batches, a plain mean"
)
NORM_OF_MEAN = (
    "the squared norm of the mean difference, not the mean of the squared norms: "
    "square each batch's distance first, then average"
)
SIZE_WEIGHTED = (
    "a mean weighted by the batch sizes: every batch counts once, a plain mean over the batches"
)
TIMES_B = (
    "each squared distance multiplied by the batch size |B| (that estimates sigma^2, "
    "not the noise): average ||g_B - g||^2 as it is"
)
L1 = (
    "the sum of absolute differences (an L1 distance): square the entries of "
    "g_B - g and sum them, a squared norm"
)
NOT_SUBTRACTED = (
    "the squared size of the mini-batch gradients, not their distance from the "
    "full-batch gradient: subtract grad_fn(np.arange(n)) first"
)
SQUARE_ROOT = "the mean distance, not the mean squared distance: do not take the square root"
SUMMED = "the sum over batches: average it instead"
ENTRY_MEAN = (
    "a mean over the vector entries: sum the squared entries of each difference "
    "(a squared norm), then average over batches"
)

VISIBLE_CASES: list[NoiseCase] = [
    ("12 examples, batches of 4", 0, 12, 3, 4),
    ("10 examples, batches of 1", 1, 10, 5, 1),
    ("9 examples, batches of 4 (a smaller last batch)", 2, 9, 2, 4),
]


def _noise_case(seed: int, n: int, p: int, batch_size: int):
    g = _default_rng(seed)
    G = g.standard_normal((n, p)) + g.standard_normal(p)  # per-example gradients, non-zero mean
    order = g.permutation(n)
    batches = [order[i : i + batch_size] for i in range(0, n, batch_size)]
    return G, batches


def _check_gradient_noise(student_fn: Callable[..., Any], *, cases: Sequence[NoiseCase]) -> None:
    """Check ``gradient_noise(grad_fn, n, batches)`` on gradient tables with a known answer.

    ``grad_fn(idx)`` returns the mean of the rows ``G[idx]`` of a table of per-example gradients,
    exactly as a mini-batch gradient is the mean of per-example gradients.
    """
    guard()
    for name, seed, n, p, batch_size in cases:
        G, batches = _noise_case(seed, n, p, batch_size)

        def grad_fn(idx: Any, G: np.ndarray = G) -> np.ndarray:
            return G[_asarray(idx)].mean(axis=0)

        what = f"gradient_noise, case '{name}'"
        got = call(student_fn, grad_fn, n, [b.copy() for b in batches], what=what)
        full = G.mean(axis=0)
        sq = [float(((G[b].mean(axis=0) - full) ** 2).sum()) for b in batches]
        expected = sum(sq) / len(sq)
        g_batches = np.array([G[b].mean(axis=0) for b in batches])
        around_mean = float(((g_batches - g_batches.mean(axis=0)) ** 2).sum(axis=1).mean())
        more = {
            AROUND_MEAN: around_mean,
            MINUS_ONE: sum(sq) / (len(sq) - 1) if len(sq) > 1 else None,
            NORM_OF_MEAN: float(((g_batches.mean(axis=0) - full) ** 2).sum()),
            SIZE_WEIGHTED: float(sum(len(b) * q for b, q in zip(batches, sq, strict=True)))
            / sum(len(b) for b in batches),
            TIMES_B: float(sum(len(b) * q for b, q in zip(batches, sq, strict=True)) / len(sq)),
            L1: float(np.mean([np.abs(gb - full).sum() for gb in g_batches])),
        }
        expect_close(
            what,
            got,
            expected,
            mistakes={
                NOT_SUBTRACTED: sum(float((G[b].mean(axis=0) ** 2).sum()) for b in batches)
                / len(batches),
                SQUARE_ROOT: sum(_sqrt(s) for s in sq) / len(sq),
                SUMMED: sum(sq),
                ENTRY_MEAN: sum(sq) / len(sq) / p,
                **{k: v for k, v in more.items() if v is not None and abs(v - expected) > 1e-9},
            },
            rtol=1e-7,
            atol=1e-12,
        )
    passed("gradient_noise")
