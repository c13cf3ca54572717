"""nb09: Exercise 5: a training loop with clipping on a memory task."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    CheckError,
    call,
    expect_close,
    guard,
    passed,
)
from bpkit.checks.nb09._common import _concatenate
from bpkit.checks.nb09.mistakes import (
    CLIPPED_WEIGHTS,
    LOSS_AFTER,
    PER_ARRAY,
    UNCLIPPED,
    UPHILL,
    VALUE_CLIP,
)
from bpkit.losses import mse, softmax_cross_entropy
from bpkit.model import Sequential
from bpkit.optim import clip_grad_norm
from bpkit.recurrent import RNN, sequence_mse
from bpkit.sequences import adding_problem, delayed_recall, noisy_sine

# ----- Exercise 5: a training loop with clipping on a memory task ---------------------------------
# (name, seed, task, n, lag, d_h, eta, epochs, clip_norm)
TrainCase = tuple[str, int, str, int, int, int, float, int, float | None]
VISIBLE_TRAIN: list[TrainCase] = [
    ("delayed recall at lag 3, clip_norm = 0.05 (clipping at every step)", 0, "recall", 24, 3, 6,
     0.5, 6, 0.05),
    ("the adding problem at lag 4, clip_norm = None (no clipping)", 1, "adding", 16, 4, 5, 0.2, 5,
     None),
    ("noisy sine, 2 steps ahead, clip_norm = 0.1", 2, "sine", 12, 2, 4, 0.3, 5, 0.1),
]  # fmt: skip

TASKS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    # task: (data(n, lag, seed) -> X, y; model(d_h, seed) -> Sequential), with the loss below
    "recall": (
        lambda n, lag, seed: delayed_recall(n, lag, n_symbols=3, seed=seed),
        lambda d_h, seed: Sequential(RNN(3, d_h, 3, seed=seed)),
    ),
    "adding": (
        lambda n, lag, seed: adding_problem(n, lag, seed=seed),
        lambda d_h, seed: Sequential(RNN(2, d_h, 1, seed=seed)),
    ),
    "sine": (
        lambda n, lag, seed: noisy_sine(n, T=3 * lag, lag=lag, seed=seed),
        lambda d_h, seed: Sequential(RNN(1, d_h, 1, output="sequence", seed=seed)),
    ),
}
LOSSES = {"recall": softmax_cross_entropy, "adding": mse, "sine": sequence_mse}


def _flat_params(model: Any) -> np.ndarray:
    params = model.named_params()
    return _concatenate([params[key].ravel() for key in sorted(params)])


def _reference_training(model, X, y, loss, eta, epochs, clip_norm, variant="") -> list[float]:
    """The loop of the exercise; ``variant`` reproduces a common mistake."""
    losses = []
    for _ in range(epochs):
        L, dout = loss(model.forward(X), y)
        model.backward(dout)
        grads, params = model.named_grads(), model.named_params()
        if clip_norm is not None:
            if variant == "per array":
                for g in grads.values():
                    clip_grad_norm({"g": g}, clip_norm)
            elif variant == "values":
                for g in grads.values():
                    np.clip(g, -clip_norm, clip_norm, out=g)
            elif variant == "weights":
                clip_grad_norm(params, clip_norm)
            elif variant != "unclipped":
                clip_grad_norm(grads, clip_norm)
        sign = -1.0 if variant == "uphill" else 1.0
        for key, p in params.items():
            p -= sign * eta * grads[key]
        if variant == "after":
            L = loss(model.forward(X), y)[0]
        losses.append(float(L))
    return losses


def _train_case(fn: Callable[..., Any], case: TrainCase) -> None:
    name, seed, task, n, lag, d_h, eta, epochs, clip_norm = case
    make_data, make_model = TASKS[task]
    X, y = make_data(n, lag, seed)
    loss = LOSSES[task]
    what = f"train_rnn on {name}"
    model = make_model(d_h, seed)
    got = call(fn, model, X, y, loss, eta, epochs, clip_norm, what=what)
    if got is None:
        raise CheckError(f"{what} returned None. Return the list of the {epochs} losses.")
    ref_model = make_model(d_h, seed)
    right = _reference_training(ref_model, X, y, loss, eta, epochs, clip_norm)
    variants = {UPHILL: "uphill", LOSS_AFTER: "after"}
    if clip_norm is not None:
        variants.update(
            {
                UNCLIPPED: "unclipped",
                PER_ARRAY: "per array",
                VALUE_CLIP: "values",
                CLIPPED_WEIGHTS: "weights",
            }
        )
    runs = {}
    for label, variant in variants.items():
        m = make_model(d_h, seed)
        try:
            with np.errstate(all="ignore"):
                runs[label] = (
                    _reference_training(m, X, y, loss, eta, epochs, clip_norm, variant),
                    m,
                )
        except ValueError:  # this mistake diverges here (a loss refused its predictions)
            continue
    expect_close(
        f"{what}: the list of losses",
        got,
        np.asarray(right),
        mistakes={label: np.asarray(losses) for label, (losses, _) in runs.items()},
        rtol=1e-7,
        atol=1e-10,
        hint="One full-batch step per epoch: forward, loss, backward, clip, update; record L.",
    )
    expect_close(
        f"{what}: the model's parameters after training",
        _flat_params(model),
        _flat_params(ref_model),
        mistakes={label: _flat_params(m) for label, (_, m) in runs.items()},
        rtol=1e-7,
        atol=1e-10,
        hint="The losses were right but the weights are not: update every parameter in place "
        "(p -= eta * grads[name]) once per epoch, with the clipped gradients.",
    )


def _check_train_rnn(fn: Callable[..., Any], cases: Sequence[TrainCase]) -> None:
    guard()
    for case in cases:
        _train_case(fn, case)
    passed("train_rnn")
