"""nb08: exercise 3: train_epoch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    CheckError,
    call,
    expect,
    expect_close,
    guard,
    passed,
)
from bpkit.checks.nb08._common import KEYS, Params, _arange, _asarray, _default_rng
from bpkit.checks.nb08.network import _backward, _copy, _forward, _init

# ----- exercise 3: train_epoch --------------------------------------------------------------------
VISIBLE_EPOCH: Sequence[tuple[str, int, int, int, int, int, int, float, float, float]] = (
    # label, seed, n, d_in, H, k, batch_size, eta, beta, lam
    ("3 batches, the last one short", 4, 23, 5, 4, 3, 8, 0.1, 0.9, 0.01),
    ("5 batches, no penalty", 5, 30, 3, 6, 4, 6, 0.3, 0.5, 0.0),
)


def _epoch(params, velocity, X, y, batches, eta, beta, lam, *, variant: str = "") -> tuple:
    """Reference epoch (variant "") and the plausible wrong ones."""
    p, v = _copy(params), _copy(velocity)
    if variant == "full batch":
        batches = [_arange(len(y))]
    if variant == "reversed":
        batches = list(batches)[::-1]
    if variant == "last skipped":
        batches = list(batches)[:-1]
    if variant == "reset":
        v = {key: value * 0.0 for key, value in v.items()}
    for idx in batches:
        cache = _forward(p, X[idx])[1]
        g = _backward(p, cache, y[idx], 0.0 if variant == "no lam" else lam)
        for key in KEYS:
            old_v = v[key].copy()
            if variant == "opposite":
                v[key] = beta * v[key] + eta * g[key]
                p[key] = p[key] - v[key]
                continue
            v[key] = (0.0 if variant == "no momentum" else beta) * v[key] - eta * g[key]
            if variant == "plain sgd":
                p[key] = p[key] - eta * g[key]
            elif variant == "old velocity":
                p[key] = p[key] + old_v
            else:
                p[key] = p[key] + v[key]
    return p, v


RETURNED_NONE = (
    "returned None. Return (params, velocity) at the end of the epoch, even if you updated them "
    "in place"
)
#: The named mistakes (as the student reads them) and the variant of the epoch that makes each.
EPOCH_MISTAKES = {
    "no momentum in the step: W must move by the velocity, W <- W + v with v <- beta * v - "
    "eta * g (beta was ignored, or W moved by -eta * g instead of v)": "no momentum",
    "W updated with the OLD velocity: update v first, then W <- W + v": "old velocity",
    "the opposite velocity convention: here v <- beta * v - eta * g and W <- W + v": "opposite",
    "one step on the whole data set: take one step per batch, with X[idx], y[idx]": "full batch",
    "the batches used in another order: use them in the order given": "reversed",
    "lam not passed on to backward (the L2 term is missing)": "no lam",
    "the velocity reset to zero at the start of the epoch: the velocity carries over from one "
    "epoch to the next (run_training sets it to zero once, before the first epoch), so start "
    "from the velocity you are given": "reset",
    "the last batch skipped: use every batch, the short last one too": "last skipped",
}


class _SwappedNetwork:
    """Run a student's function with the reference forward/backward in its global namespace.

    train_epoch calls the notebook's ``forward`` and ``backward``. Swapping in the references
    while it runs means a mistake in backward is not counted a second time here.
    """

    def __init__(self, fn: Callable[..., Any]):
        namespace = getattr(fn, "__globals__", None)
        self.namespace = namespace if isinstance(namespace, dict) else None
        self.saved: dict[str, Any] = {}

    def __enter__(self) -> None:
        if self.namespace is None:
            return
        for name, ref in (("forward", _reference_forward), ("backward", _reference_backward)):
            self.saved[name] = self.namespace.get(name, _MISSING)
            self.namespace[name] = ref

    def __exit__(self, *exc: object) -> None:
        for name, value in self.saved.items():
            if value is _MISSING:
                self.namespace.pop(name, None)
            else:
                self.namespace[name] = value


_MISSING = object()


def _reference_forward(params: Params, X: np.ndarray) -> tuple[np.ndarray, tuple]:
    """forward(params, X) -> (logits, cache), as provided in the notebook."""
    return _forward(params, _asarray(X, dtype=float))


def _reference_backward(params: Params, cache: tuple, y: np.ndarray, lam: float) -> Params:
    """backward(params, cache, y, lam) -> grads, the reference solution."""
    return _backward(params, cache, _asarray(y), lam)


def _check_train_epoch(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, int, int, int, int, int, int, float, float, float]],
) -> None:
    """Check ``train_epoch(params, velocity, X, y, batches, eta, beta, lam) -> (params, velocity)``.

    The batches are given, so the result is deterministic; it is compared with the reference
    epoch (one momentum step per batch: v <- beta*v - eta*g, W <- W + v), starting from a
    non-zero velocity so that the velocity convention matters. The student's function runs with
    the reference forward/backward (see ``_SwappedNetwork``).
    """
    guard()
    for label, seed, n, d, H, k, size, eta, beta, lam in cases:
        gen = _default_rng(seed + 200)
        params = _init(seed, d, H, k)
        velocity = {key: gen.normal(0.0, 0.05, value.shape) for key, value in params.items()}
        X = gen.normal(size=(n, d))
        y = gen.integers(0, k, size=n)
        order = gen.permutation(n)
        batches = [order[i : i + size] for i in range(0, n, size)]
        what = (
            f"train_epoch(params, velocity, X, y, batches, eta={eta}, beta={beta}, lam={lam}) "
            f"[{label}]"
        )
        with _SwappedNetwork(student_fn):
            got = call(
                student_fn,
                params,
                velocity,
                X,
                y,
                batches,
                eta,
                beta,
                lam,
                what=what,
                may_change=(0, 1),  # the step updates params and velocity in place
            )
        if got is None:
            raise CheckError(f"{what} {RETURNED_NONE}.")
        expect(
            isinstance(got, tuple | list) and len(got) == 2,
            f"{what} should return the pair (params, velocity).",
        )
        ref_p, ref_v = _epoch(params, velocity, X, y, batches, eta, beta, lam)
        wrong = {
            text: _epoch(params, velocity, X, y, batches, eta, beta, lam, variant=variant)
            for text, variant in EPOCH_MISTAKES.items()
        }
        for name, got_d, ref_d, index in (
            ("params", got[0], ref_p, 0),
            ("velocity", got[1], ref_v, 1),
        ):
            expect(
                isinstance(got_d, dict) and set(got_d) == set(KEYS),
                f"{what}: {name} should be a dict with the keys {list(KEYS)}.",
            )
            for key in KEYS:
                expect_close(
                    f"{what}: {name}[{key!r}] after the epoch",
                    got_d[key],
                    ref_d[key],
                    mistakes={text: w[index][key] for text, w in wrong.items()},
                    rtol=1e-6,
                    atol=1e-10,
                    hint="For each batch idx, in order: grads from backward(params, cache, "
                    "y[idx], lam), then v <- beta * v - eta * g and W <- W + v for every key.",
                )
    passed("train_epoch")
