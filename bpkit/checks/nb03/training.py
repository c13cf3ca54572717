"""nb03: Exercise 5: train_full_batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit import data
from bpkit.checks._answers import kind as _kind
from bpkit.checks._answers import length as _length
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

# ----- Exercise 5: train_full_batch -----------------------------------------------------------
# (name, layer sizes, activation, n, eta, epochs, seed)
TrainCase = tuple[str, Sequence[int], str, int, float, int, int]

LOSS_COUNT = "expected one loss per epoch"
LOSS_AFTER = (
    "losses recorded after each update (shifted by one step): record L from the forward pass "
    "that the gradient was computed from, before the update"
)
EXTRA_1_OVER_N = (
    "an extra 1/n: bpkit's mse already returns dL/dy_hat with the 1/n of the batch mean, so "
    "pass it to model.backward as it is"
)
NO_UPDATE = (
    "weights that never change: in every iteration call model.backward(dL_dyhat) and then "
    "update with sgd_step(model.named_params(), model.named_grads(), eta)"
)
TRAIN_SIGN = (
    f"{WRONG_SIGN} (the weights moved uphill: subtract eta * gradient, and call mse(y_hat, y) "
    "with the prediction first, since it returns dL/dy_hat)"
)
BY_HAND = (
    "a missing 1/n: y_hat - y is n times dL/dy_hat. Pass the gradient that mse returns "
    "(it holds the 1/n of the batch mean) to model.backward"
)
STEP_FIRST = (
    "the update made before model.backward: each step used the gradient of the previous "
    "epoch (none at first). Per epoch: forward, mse, model.backward, then sgd_step"
)
LOSS_TIMES_N = (
    "n times the loss (a sum over the examples): record L as mse returns it, the batch mean "
    "sum((y_hat - y)**2) / (2n)"
)
LOSS_NO_HALF = (
    "twice the loss: this course's MSE has a 1/2, L = sum((y_hat - y)**2) / (2n); record L as "
    "mse returns it"
)
FACTOR_2 = (
    "an extra factor 2: this course's MSE is sum((y_hat - y)**2) / (2n), so dL/dy_hat = "
    "(y_hat - y) / n with no 2; pass the gradient that mse returns to model.backward"
)

VISIBLE_TRAIN: list[TrainCase] = [
    (
        "mlp([1, 8, 1], tanh) on regression_1d(n=32), eta = 0.3, 6 epochs",
        (1, 8, 1),
        "tanh",
        32,
        0.3,
        6,
        0,
    ),
    (
        "mlp([3, 5, 2], sigmoid) on random data (n=20), eta = 0.5, 4 epochs",
        (3, 5, 2),
        "sigmoid",
        20,
        0.5,
        4,
        1,
    ),
    ("0 epochs (no update, an empty list)", (1, 4, 1), "relu", 10, 0.1, 0, 2),
]


def _train_data(sizes: Sequence[int], n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    if sizes[0] == 1 and sizes[-1] == 1:
        return data.regression_1d(n=n, noise=0.1, seed=seed)
    gen = np.random.default_rng(seed + 100)
    return gen.normal(size=(n, sizes[0])), gen.uniform(size=(n, sizes[-1]))


def _reference_train(
    model: Any, X: np.ndarray, y: np.ndarray, eta: float, epochs: int, variant: str = ""
) -> list[float]:
    """Full-batch GD with bpkit; `variant` reproduces a common mistake."""
    losses = []
    for _ in range(epochs):
        L, dout = mse(model(X), y)
        if variant == "extra_n":
            dout = dout / X.shape[0]
        elif variant == "by_hand":
            dout = dout * X.shape[0]
        elif variant == "factor_2":
            dout = 2 * dout
        if variant == "step_first":
            sgd_step(model.named_params(), model.named_grads(), eta)
            model.backward(dout)
        elif variant != "frozen":
            model.backward(dout)
            sgd_step(model.named_params(), model.named_grads(), -eta if variant == "sign" else eta)
        if variant == "after":
            L, _ = mse(model(X), y)
        losses.append(float(L))
    return losses


def _check_train_full_batch(fn: Callable[..., Any], cases: Sequence[TrainCase]) -> None:
    guard()
    for name, sizes, act, n, eta, epochs, seed in cases:
        what = f"train_full_batch with {name}"
        X, y = _train_data(sizes, n, seed)

        def fresh_model(sizes: Sequence[int] = sizes, act: str = act, seed: int = seed) -> Any:
            return mlp(list(sizes), activation=act, seed=seed)

        model = fresh_model()
        got = call(fn, model, X, y, eta, epochs, what=what)
        ref_model = fresh_model()
        right = _reference_train(ref_model, X, y, eta, epochs)
        if got is None:
            raise CheckError(f"{what} returned None. Return the list of losses.")
        n_got = _length(got)
        if n_got is None:
            raise CheckError(f"{what} should return a list of {epochs} losses, got {_kind(got)}.")
        expect(
            n_got == epochs,
            f"{what}: {LOSS_COUNT} ({epochs} values), got {n_got}. Full-batch "
            "training makes exactly one update per epoch.",
        )
        variants = {
            TRAIN_SIGN: "sign",
            LOSS_AFTER: "after",
            EXTRA_1_OVER_N: "extra_n",
            NO_UPDATE: "frozen",
            BY_HAND: "by_hand",
            FACTOR_2: "factor_2",
            STEP_FIRST: "step_first",
        }
        mistakes = {LOSS_TIMES_N: n * np.asarray(right), LOSS_NO_HALF: 2 * np.asarray(right)}
        for label, variant in variants.items():
            try:
                with np.errstate(all="ignore"):
                    mistakes[label] = _reference_train(fresh_model(), X, y, eta, epochs, variant)
            except ValueError:  # the mistake diverged to inf/NaN, which mse refuses
                continue
        if epochs:
            expect_close(
                f"{what}: the list of losses",
                got,
                np.asarray(right),
                mistakes={k: np.asarray(v) for k, v in mistakes.items()},
                rtol=1e-9,
                atol=1e-12,
            )
        expect_same_params(
            what,
            model,
            ref_model,
            when="after training",
            hint="The losses were right but the final weights are not: make exactly one "
            "update per epoch, after recording the loss.",
        )
    passed("train_full_batch")
