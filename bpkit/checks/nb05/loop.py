"""nb05: exercise 2: the SGD loop."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    WRONG_SIGN,
    call,
    expect,
    expect_close,
    guard,
    passed,
)
from bpkit.checks.nb05._common import _asarray, _concatenate, _default_rng
from bpkit.losses import get_loss
from bpkit.model import mlp
from bpkit.optim import sgd_step as _ref_sgd_step

# ----- exercise 2: the SGD loop ------------------------------------------------------------------
# (name, seed, n, layer sizes, loss, batch_size, epochs, eta: a number or "halving <eta0>")
SgdCase = tuple[str, int, int, tuple[int, ...], str, int, int, Any]

NO_CHANGE = "the model's parameters did not change"
SIGN = f"{WRONG_SIGN} (the update climbs the loss: use p -= eta * g)"
EXTRA_1_OVER_B = (
    "an extra 1/|B|: the library's gradients already hold the 1/|B| of the batch mean, "
    "so do not divide by the batch size again"
)
EXTRA_1_OVER_N = (
    "an extra 1/n: the gradient of the batch mean already holds its 1/|B|; do not "
    "divide by the size n of the data set either"
)
FULL_DATA = "the whole data set in every update: use X[idx] and y[idx] for each batch"
TIMES_B = (
    "a missing 1/|B|: the gradient was multiplied by the batch size (a sum over the "
    "batch); pass the dL that the loss returns to model.backward as it is"
)
STEP_FIRST = (
    "each update made before model.backward: the step used the previous batch's "
    "gradient. Per batch: forward, loss, model.backward, then the update"
)
WEIGHTS_ONLY = (
    "only the weights updated: update every array of model.named_params(), the "
    "biases (keys ending in 'b') too"
)
ETA_FIXED = "a learning rate fixed at eta(0): call eta(epoch) for every batch"
ETA_AHEAD = (
    "a schedule one epoch ahead: eta(epoch + 1) where eta(epoch) is due. The stream "
    "numbers epochs from 0, and epoch 0 must use eta(0); pass the epoch as it comes"
)
ETA_PER_UPDATE = (
    "a schedule called with the update number: eta is a function of the epoch, so "
    "call eta(epoch) with the epoch of the (epoch, idx) pair, not a batch counter"
)
NO_LOSSES = "returned None: return the list of the mini-batch losses, one per update"
LOSS_COUNT = "losses (one per update)"
LOSS_AFTER = "losses recorded after each update"
LOSS_FULL = (
    "the loss of the whole data set: record the loss L of each mini-batch, "
    "the one its update came from"
)
LOSS_TIMES_B = (
    "|B| times each batch's loss (a sum over the batch): record L as the loss "
    "returns it, the batch mean"
)

VISIBLE_CASES: list[SgdCase] = [
    ("MSE, 2 epochs of 3 batches, eta = 0.3", 0, 12, (3, 5, 2), "mse", 4, 2, 0.3),
    (
        "softmax cross-entropy, a smaller last batch, eta(t) = 0.5 * 0.5**t",
        1,
        11,
        (2, 6, 3),
        "softmax_ce",
        4,
        3,
        "halving 0.5",
    ),
    ("batch size 1 (pure SGD), 1 epoch", 2, 6, (2, 4, 1), "mse", 1, 1, 0.2),
]


def _flat_params(model: Any) -> np.ndarray:
    return _concatenate([p.ravel() for p in model.named_params().values()])


def _reference_sgd(model, X, y, stream, eta, loss, variant="") -> list[float]:
    """bpkit's loop; `variant` replays a common mistake for the diagnosis."""
    loss_fn = get_loss(loss)
    losses = []
    for step, (epoch, idx) in enumerate(stream):
        t = {"eta0": 0, "eta_next": epoch + 1, "eta_update": step}.get(variant, epoch)
        rate = eta(t) if callable(eta) else eta
        Xb, yb = (X, y) if variant == "full" else (X[idx], y[idx])
        L_all = loss_fn(model.forward(X), y)[0] if variant == "full_loss" else None
        L, dout = loss_fn(model.forward(Xb), yb)
        if variant == "step_first":  # the step uses the gradient of the previous batch
            _ref_sgd_step(model.named_params(), model.named_grads(), rate)
        model.backward(dout * len(idx) if variant == "times_b" else dout)
        grads = model.named_grads()
        if variant == "extra_n":
            grads = {k: g / len(idx) for k, g in grads.items()}
        elif variant == "extra_total":
            grads = {k: g / len(X) for k, g in grads.items()}
        elif variant == "weights_only":
            grads = {k: g if k.endswith("W") else 0 * g for k, g in grads.items()}
        if variant != "step_first":
            _ref_sgd_step(model.named_params(), grads, -rate if variant == "sign" else rate)
        if variant == "after":
            L = loss_fn(model.forward(Xb), yb)[0]
        losses.append(float(L if L_all is None else L_all))
    return losses


def _replay_sgd(seed, sizes, X, y, stream, eta, loss, variant) -> tuple[list[float], np.ndarray]:
    ref = mlp(list(sizes), activation="tanh", seed=seed)
    losses = _reference_sgd(ref, X, y, stream, eta, loss, variant)
    return losses, _flat_params(ref)


def _sgd_case(seed: int, n: int, sizes: Sequence[int], loss: str, batch_size: int, epochs: int):
    g = _default_rng(seed)
    X = g.standard_normal((n, sizes[0]))
    if loss == "softmax_ce":
        y = g.integers(0, sizes[-1], n)
    elif loss == "bce":
        y = g.integers(0, 2, (n, sizes[-1])).astype(float)
    else:
        y = g.standard_normal((n, sizes[-1]))
    stream = []
    for epoch in range(epochs):
        order = g.permutation(n)
        stream += [(epoch, order[i : i + batch_size]) for i in range(0, n, batch_size)]
    return X, y, stream


def _halving(eta0: float) -> Callable[[int], float]:
    def eta(t: int) -> float:
        return eta0 * 0.5**t

    return eta


def _check_sgd(student_fn: Callable[..., Any], *, cases: Sequence[SgdCase]) -> None:
    """Check ``sgd(model, X, y, stream, eta, loss)`` against bpkit's own loop.

    Each case builds two identical tanh MLPs, runs the student's loop on one and the reference
    on the other over the same stream of (epoch, idx) pairs, and compares the per-update losses
    and the final parameters. ``eta`` is a number or a function of the epoch.
    """
    guard()
    for name, seed, n, sizes, loss, batch_size, epochs, eta in cases:
        if isinstance(eta, str):  # "halving <eta0>": a schedule, built here so cases stay data
            eta = _halving(float(eta.split()[1]))
        X, y, stream = _sgd_case(seed, n, sizes, loss, batch_size, epochs)
        what = f"sgd, case '{name}'"
        model = mlp(list(sizes), activation="tanh", seed=seed)
        start = _flat_params(model)
        fresh = iter([(e, idx.copy()) for e, idx in stream])
        got = call(student_fn, model, X, y, fresh, eta, loss=loss, what=what)
        after = _flat_params(model)

        def replay(variant: str) -> tuple[list[float], np.ndarray]:
            return _replay_sgd(seed, sizes, X, y, stream, eta, loss, variant)  # noqa: B023

        ref_losses, ref_params = replay("")
        expect(
            bool((after != start).any()),
            f"{what}: {NO_CHANGE}. Update them in place, "
            "e.g. p -= eta * g for the arrays of model.named_params() (p = p - eta * g only "
            "rebinds a local name).",
        )
        mistakes = {
            SIGN: replay("sign")[1],
            EXTRA_1_OVER_B: replay("extra_n")[1],
            EXTRA_1_OVER_N: replay("extra_total")[1],
            FULL_DATA: replay("full")[1],
            TIMES_B: replay("times_b")[1],
            STEP_FIRST: replay("step_first")[1],
            WEIGHTS_ONLY: replay("weights_only")[1],
        }
        if callable(eta):
            mistakes[ETA_FIXED] = replay("eta0")[1]
            mistakes[ETA_AHEAD] = replay("eta_next")[1]
            mistakes[ETA_PER_UPDATE] = replay("eta_update")[1]
        expect_close(
            f"{what}: the model after the whole stream",
            after,
            ref_params,
            mistakes=mistakes,
            rtol=1e-7,
            atol=1e-10,
        )
        expect(
            got is not None,
            f"{what} {NO_LOSSES}.",
        )
        try:
            got_losses = _asarray(got, dtype=float)
        except (TypeError, ValueError):
            got_losses = None
        expect(
            got_losses is not None and got_losses.shape == (len(stream),),
            f"{what} should return {len(stream)} {LOSS_COUNT}, got {got!r:.80}.",
        )
        expect_close(
            f"{what}: the list of returned losses",
            got_losses,
            ref_losses,
            mistakes={
                LOSS_AFTER: replay("after")[0],
                LOSS_FULL: replay("full_loss")[0],
                LOSS_TIMES_B: [
                    L * len(idx) for L, (_, idx) in zip(ref_losses, stream, strict=True)
                ],
            },
            hint="Record each batch's loss L from the forward pass, before its update.",
        )
    passed("sgd")
