"""nb03: Exercise 1: gd_step."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._answers import need_function as _need_function
from bpkit.checks._core import (
    CheckError,
    call,
    expect,
    expect_close,
    guard,
    passed,
)
from bpkit.checks.nb03._common import (
    GD_WRONG_SIGN,
    NO_ETA,
    NOT_IN_PLACE,
    STEP_SIZE,
    _step_factor,
)
from bpkit.model import mlp

# ----- Exercise 1: gd_step --------------------------------------------------------------------
GRADS_CHANGED = (
    "The step only updates params; leave grads as they are (e.g. `W -= eta * dW`, not `dW *= eta`)"
)
# (name, {param name: shape} or None for an mlp's params, layer sizes for the mlp, eta, seed)
StepCase = tuple[str, dict[str, tuple[int, ...]] | None, Sequence[int], float, int]

VISIBLE_STEP: list[StepCase] = [
    ("one vector w of shape (3,), eta = 0.1", {"w": (3,)}, (), 0.1, 0),
    ("a dict with W (3, 2) and b (3,), eta = 0.5", {"W": (3, 2), "b": (3,)}, (), 0.5, 1),
    ("the named_params() of mlp([2, 4, 1]), eta = 0.05", None, (2, 4, 1), 0.05, 2),
    ("eta = 0 (nothing may change)", {"W": (2, 2), "b": (2,)}, (), 0.0, 3),
]


def _check_gd_step(fn: Callable[..., Any], cases: Sequence[StepCase]) -> None:
    guard()
    for name, shapes, sizes, eta, seed in cases:
        gen = np.random.default_rng(seed)
        what = f"gd_step on {name}"
        model = None
        if shapes is None:
            model = mlp(list(sizes), activation="tanh", seed=seed)
            params = model.named_params()
        else:
            params = {k: gen.normal(size=s) for k, s in shapes.items()}
        grads = {k: gen.normal(size=v.shape) for k, v in params.items()}
        held = dict(params)  # the array objects a model would keep
        before = {k: v.copy() for k, v in params.items()}
        grads_before = {k: v.copy() for k, v in grads.items()}

        _need_function(fn, "gd_step")
        # a closure, so that `call` does not copy the arrays: the update must land in them
        call(lambda p=params, g=grads, e=eta: fn(p, g, e), what=what)

        for k, g0 in grads_before.items():
            expect(
                np.array_equal(grads[k], g0),
                f"{what}: grads[{k!r}] was changed. {GRADS_CHANGED}.",
            )
        for k, arr in held.items():
            right = before[k] - eta * grads_before[k]
            if eta != 0 and np.array_equal(arr, before[k]):
                raise CheckError(f"{what}: params[{k!r}] looks like {NOT_IN_PLACE}.")
            mistakes = {
                GD_WRONG_SIGN: before[k] + eta * grads_before[k],
                NO_ETA: before[k] - grads_before[k],
            }
            moved = np.asarray(arr, dtype=np.float64) - before[k]
            factor = _step_factor(moved, -eta * grads_before[k]) if eta != 0 else None
            if factor is not None and abs(factor - 1.0) > 1e-6:
                mistakes[STEP_SIZE.format(factor=factor)] = np.asarray(arr, dtype=np.float64)
            expect_close(
                f"{what}: params[{k!r}] after the step",
                arr,
                right,
                mistakes=mistakes,
                rtol=1e-12,
                atol=1e-14,
            )
        if model is not None:
            W0 = model.layers[0].params["W"]
            expect_close(
                f"{what}: the model's first weight matrix", W0, before["0.W"] - eta * grads["0.W"]
            )
    passed("gd_step")
