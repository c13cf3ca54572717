"""nb04: Exercise 4: train_epoch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._answers import kind as _kind
from bpkit.checks._answers import length as _length
from bpkit.checks._answers import need_function as _need_function
from bpkit.checks._core import (
    WRONG_SIGN,
    CheckError,
    call,
    expect,
    expect_close,
    expect_same_params,
    guard,
    passed,
)
from bpkit.losses import mse
from bpkit.model import mlp
from bpkit.optim import sgd_step
from bpkit.train import minibatches

# ----- Exercise 4: train_epoch ----------------------------------------------------------------
# (name, layer sizes, activation, n, batch_size, eta, seed)
EpochCase = tuple[str, Sequence[int], str, int, int, float, int]

FULL_DATA = "every update computed on the whole data set: use the batch, model(X[idx]) and Y[idx]"
EXTRA_1_OVER_M = (
    "an extra 1/m: mse already averages over the m rows of the batch, so pass its dL/dy_hat "
    "to model.backward unchanged"
)
Y_MISMATCH = (
    "targets that do not belong to the inputs: index X and Y with the same idx "
    "(model(X[idx]) against Y[idx])"
)
UNSHUFFLED = (
    "batches taken in the original order 0, 1, 2, ...: loop over "
    "minibatches(n, batch_size, seed), which shuffles"
)
BATCH_LOSS_AFTER = (
    "each batch's loss recorded after its update: record L from the forward pass that the "
    "gradient was computed from"
)
EPOCH_SIGN = (
    f"{WRONG_SIGN} (the weights moved uphill: subtract eta * gradient, and call "
    "mse(y_hat, y) with the prediction first)"
)
EPOCH_NO_UPDATE = (
    "weights that never change: for every batch call model.backward(dL_dyhat) and then "
    "sgd_step(model.named_params(), model.named_grads(), eta)"
)
EPOCH_BY_HAND = (
    "a missing 1/m: y_hat - y is m times dL/dy_hat for a batch of m rows. Pass the gradient "
    "that mse returns to model.backward"
)
EPOCH_FACTOR_2 = (
    "an extra factor 2: this course's MSE is sum((y_hat - y)**2) / (2m), so dL/dy_hat = "
    "(y_hat - y) / m; pass the gradient that mse returns to model.backward"
)
EPOCH_BY_HAND_N = (
    "a 1/n with the size n of the whole data set: the loss of a batch is the mean over its m "
    "rows, so dL/dy_hat = (y_hat - y) / m; pass the gradient that mse returns to model.backward"
)
EPOCH_STEP_FIRST = (
    "each update made before model.backward: the step used the previous batch's gradient "
    "(none at first). Per batch: forward, mse, model.backward, then sgd_step"
)
EPOCH_FULL_LOSS = (
    "the loss of the whole data set recorded: record the loss of each batch, the L that mse "
    "returns for model(X[idx]) and Y[idx]"
)
EPOCH_TIMES_M = (
    "m times each batch's loss (a sum over its rows): record L as mse returns it, the mean "
    "over the batch"
)
NO_SEED = (
    "the batches of minibatches(n, batch_size) without the seed (it then uses its default "
    "seed): pass it on, minibatches(n, batch_size, seed)"
)

LOSS_COUNT = "expected one loss per batch"

VISIBLE_EPOCH: list[EpochCase] = [
    ("mlp([2, 6, 1], tanh), n=20, batch_size=4, eta=0.2", (2, 6, 1), "tanh", 20, 4, 0.2, 0),
    (
        "mlp([3, 5, 2], sigmoid), n=23, batch_size=5 (last batch of 3), eta=0.5",
        (3, 5, 2),
        "sigmoid",
        23,
        5,
        0.5,
        1,
    ),
    (
        "mlp([1, 4, 1], relu), n=6, batch_size=1 (pure SGD), eta=0.05",
        (1, 4, 1),
        "relu",
        6,
        1,
        0.05,
        2,
    ),
]


def _epoch_data(sizes: Sequence[int], n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.default_rng(seed + 500)
    X = gen.normal(size=(n, sizes[0]))
    Y = np.tanh(X @ gen.normal(size=(sizes[0], sizes[-1]))) + 0.1 * gen.normal(size=(n, sizes[-1]))
    return X, Y


def _reference_epoch(
    model: Any, X: np.ndarray, Y: np.ndarray, bs: int, eta: float, seed: int, variant: str = ""
) -> list[float]:
    """One epoch with bpkit's minibatches; `variant` reproduces a common mistake."""
    n = X.shape[0]
    if variant == "unshuffled":
        batches = [np.arange(s, min(s + bs, n)) for s in range(0, n, bs)]
    else:
        batches = list(minibatches(n, bs) if variant == "no_seed" else minibatches(n, bs, seed))
    losses = []
    start = 0
    for idx in batches:
        Xb, Yb = (X, Y) if variant == "full" else (X[idx], Y[idx])
        if variant == "y_slice":
            Yb = Y[start : start + len(idx)]
        start += len(idx)
        L_all = mse(model(X), Y)[0] if variant == "full_loss" else None
        L, dout = mse(model(Xb), Yb)
        if variant == "extra_m":
            dout = dout / len(idx)
        elif variant == "by_hand":
            dout = dout * len(idx)
        elif variant == "by_hand_n":
            dout = dout * len(idx) / n
        elif variant == "factor_2":
            dout = 2 * dout
        if variant == "step_first":
            sgd_step(model.named_params(), model.named_grads(), eta)
            model.backward(dout)
        elif variant != "frozen":
            model.backward(dout)
            sgd_step(model.named_params(), model.named_grads(), -eta if variant == "sign" else eta)
        if variant == "after":
            L, _ = mse(model(Xb), Yb)
        losses.append(float(L if L_all is None else L_all))
        if variant == "times_m":
            losses[-1] *= len(idx)
    return losses


def _check_train_epoch(fn: Callable[..., Any], cases: Sequence[EpochCase]) -> None:
    guard()
    _need_function(fn, "train_epoch")
    for name, sizes, act, n, bs, eta, seed in cases:
        what = f"train_epoch with {name}"
        X, Y = _epoch_data(sizes, n, seed)

        def fresh_model(sizes: Sequence[int] = sizes, act: str = act, seed: int = seed) -> Any:
            return mlp(list(sizes), activation=act, seed=seed)

        model = fresh_model()
        got = call(fn, model, X, Y, bs, eta, seed, what=what)
        ref_model = fresh_model()
        right = _reference_epoch(ref_model, X, Y, bs, eta, seed)
        if got is None:
            raise CheckError(f"{what} returned None. Return the list of batch losses.")
        n_got = _length(got)
        if n_got is None:
            raise CheckError(
                f"{what} should return a list of {len(right)} losses, got {_kind(got)}."
            )
        expect(
            n_got == len(right),
            f"{what}: {LOSS_COUNT}, ceil({n} / {bs}) = {len(right)} values, got "
            f"{n_got}. Make one update per batch of minibatches(n, batch_size, seed).",
        )
        variants = {
            EPOCH_SIGN: "sign",
            FULL_DATA: "full",
            EXTRA_1_OVER_M: "extra_m",
            Y_MISMATCH: "y_slice",
            UNSHUFFLED: "unshuffled",
            BATCH_LOSS_AFTER: "after",
            EPOCH_NO_UPDATE: "frozen",
            EPOCH_BY_HAND: "by_hand",
            EPOCH_FACTOR_2: "factor_2",
            NO_SEED: "no_seed",
            EPOCH_BY_HAND_N: "by_hand_n",
            EPOCH_STEP_FIRST: "step_first",
            EPOCH_FULL_LOSS: "full_loss",
            EPOCH_TIMES_M: "times_m",
        }
        mistakes = {}
        for label, variant in variants.items():
            try:
                with np.errstate(all="ignore"):
                    mistakes[label] = _reference_epoch(fresh_model(), X, Y, bs, eta, seed, variant)
            except ValueError:  # the mistake diverged to inf/NaN, which mse refuses
                continue
        expect_close(
            f"{what}: the list of batch losses",
            got,
            np.asarray(right),
            mistakes={k: np.asarray(v) for k, v in mistakes.items()},
            rtol=1e-9,
            atol=1e-12,
            hint="Use the batches of minibatches(n, batch_size, seed), in the order it gives.",
        )
        expect_same_params(
            what,
            model,
            ref_model,
            when="after the epoch",
            hint="The losses were right but the final weights are not: make exactly one "
            "update per batch, after recording its loss.",
        )
    passed("train_epoch")
