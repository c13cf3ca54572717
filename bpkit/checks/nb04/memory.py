"""nb04: Exercise 5: activation_bytes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bpkit.checks._answers import need_function as _need_function
from bpkit.checks._core import (
    call,
    expect_close,
    guard,
    passed,
)

# ----- Exercise 5: activation_bytes -----------------------------------------------------------
# (sizes, batch_size, itemsize)
MemCase = tuple[Sequence[int], int, int]

PARAM_BYTES = (
    "the memory of the parameters (W and b), which does not depend on the batch size: count "
    "the arrays with one row per example that the forward pass keeps"
)
NOT_BYTES = "a count of numbers, not bytes: multiply by itemsize"
NO_BATCH = "the batch size left out: every kept array has one row per example"
WITH_OUTPUT = (
    "the network's output counted too: the last Linear layer's output goes to the loss; the "
    "layers keep only their inputs (the Linear inputs and the activations' z)"
)
LINEAR_ONLY = (
    "only the inputs of the Linear layers: each activation also keeps its input z (n x d_k "
    "for every hidden layer) to evaluate f'(z)"
)
ALL_WIDTHS_ONCE = (
    "every layer width counted once: the hidden widths count twice (the activation's input z "
    "and the next Linear layer's input a), the output width not at all"
)

NO_INPUT = (
    "the input X left out: the first Linear layer keeps its input X (n x d_0) too; the Linear "
    "inputs have widths d_0 .. d_{K-1}, sizes[:-1]"
)
SHIFTED = (
    "the Linear inputs taken as sizes[1:] (d_1 .. d_K): the inputs of the K Linear layers have "
    "widths d_0 .. d_{K-1}, sizes[:-1]"
)
ACT_FROM_INPUT = (
    "the activations' inputs taken as sizes[:-1] (d_0 .. d_{K-1}): the activation after layer "
    "k keeps its z of width d_k, for the hidden widths d_1 .. d_{K-1}, sizes[1:-1]"
)
BITS = "bits, not bytes: itemsize is already in bytes, do not multiply by 8"
MIB = "MiB (or kB), not bytes: return the plain number of bytes"
WITH_PARAMS = (
    "the parameters added to the activations: count only the arrays with one row per example "
    "that the forward pass keeps"
)
HIDDEN_ONLY = (
    "only the hidden activations: count the inputs of all K Linear layers (d_0 .. d_{K-1}) and "
    "the inputs z of the K - 1 activations (d_1 .. d_{K-1})"
)

VISIBLE_MEM: list[MemCase] = [
    ([784, 256, 10], 32, 8),
    ([2, 3], 5, 8),
    ([10, 20, 30, 5], 7, 4),
    ([1, 16, 16, 1], 3, 8),
]


def reference_activation_bytes(sizes: Sequence[int], n: int, itemsize: int) -> int:
    """itemsize * n * (sum of the Linear inputs' widths + sum of the hidden widths)."""
    return itemsize * n * (sum(sizes[:-1]) + sum(sizes[1:-1]))


def _check_activation_bytes(fn: Callable[..., Any], cases: Sequence[MemCase]) -> None:
    guard()
    _need_function(fn, "activation_bytes")
    for sizes, n, itemsize in cases:
        what = f"activation_bytes({list(sizes)}, batch_size={n}, itemsize={itemsize})"
        got = call(fn, list(sizes), n, itemsize, what=what)
        right = reference_activation_bytes(sizes, n, itemsize)
        n_params = sum(i * o + o for i, o in zip(sizes[:-1], sizes[1:], strict=False))
        candidates = {
            PARAM_BYTES: itemsize * n_params,
            NOT_BYTES: right // itemsize,
            NO_BATCH: right // n,
            WITH_OUTPUT: right + itemsize * n * sizes[-1],
            LINEAR_ONLY: itemsize * n * sum(sizes[:-1]),
            ALL_WIDTHS_ONCE: itemsize * n * sum(sizes),
            NO_INPUT: itemsize * n * 2 * sum(sizes[1:-1]),
            SHIFTED: itemsize * n * (sum(sizes[1:]) + sum(sizes[1:-1])),
            ACT_FROM_INPUT: itemsize * n * 2 * sum(sizes[:-1]),
            BITS: 8 * right,
            MIB: right / 2**20,
            WITH_PARAMS: right + itemsize * n_params,
            HIDDEN_ONLY: itemsize * n * sum(sizes[1:-1]),
        }
        mistakes = {k: v for k, v in candidates.items() if v != right}
        expect_close(what, got, right, mistakes=mistakes, rtol=0, atol=0.5)
    passed("activation_bytes")
