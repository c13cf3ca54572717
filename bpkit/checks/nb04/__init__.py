"""Checks for notebook 04 (batch training): one row per graded exercise.

Each row names the check that runs the cases, the visible cases, bpkit's reference and the
mistakes the check names. The hidden cases of the same checks are in ``bpkit_grader.nb04``.
References come from bpkit (a ``Linear`` + ``Sigmoid`` model and ``mse``; ``minibatches`` and
``sgd_step`` for training) or from a formula, never from the student's random stream.
"""

from __future__ import annotations

from bpkit.checks._core import (
    MISSING_1_OVER_N,
    MISSING_ACTIVATION_DERIVATIVE,
    SHAPE_MISMATCH,
    TRANSPOSED_W,
    WRONG_SIGN,
)
from bpkit.checks._exercise import Exercise, table
from bpkit.checks.nb04 import epoch, gradients, memory, minibatches
from bpkit.checks.nb04.gradients import reference_gradient
from bpkit.checks.nb04.memory import reference_activation_bytes

_GRADIENT_MISTAKES = (
    TRANSPOSED_W, MISSING_1_OVER_N, WRONG_SIGN, MISSING_ACTIVATION_DERIVATIVE, SHAPE_MISMATCH,
    gradients.PRIME_OF_A, gradients.W_NOT_T, gradients.TWICE_1_OVER_N, gradients.FACTOR_2,
    gradients.NO_BIAS, gradients.LAST_ONLY, gradients.FIRST_ONLY, gradients.MEAN_PRODUCT,
    gradients.SIGMOID_NOT_PRIME, gradients.PRIME_OF_Z_BY_HAND, gradients.N_MINUS_1,
    gradients.DB_ROWS, gradients.DB_SCALAR,
)  # fmt: skip

EXERCISES = table(
    Exercise(
        "loop_gradient",
        "loop_gradient(W, b, X, Y) -> (dW, db), against bpkit's Linear + Sigmoid + mse",
        check=gradients._check_loop_gradient,
        visible={"cases": gradients.VISIBLE_GRAD},
        reference=reference_gradient,
        mistakes=_GRADIENT_MISTAKES,
    ),
    Exercise(
        "batch_gradient",
        "batch_gradient(W, b, X, Y) -> (dW, db): the same numbers, with no Python loop",
        check=gradients._check_batch_gradient,
        visible={"cases": gradients.VISIBLE_GRAD},
        reference=reference_gradient,
        mistakes=(*_GRADIENT_MISTAKES, gradients.LOOP),
    ),
    Exercise(
        "minibatch_indices",
        "minibatch_indices(n, batch_size, seed) -> list of index arrays, by its properties",
        check=minibatches._check_minibatch_indices,
        visible={"cases": minibatches.VISIBLE_SPLIT},
        mistakes=(
            minibatches.PER_BATCH,
            minibatches.LAST_MISSING,
            minibatches.REPLACEMENT,
            minibatches.EVEN_SPREAD,
            minibatches.NOT_REPRODUCIBLE,
            minibatches.NOT_SHUFFLED,
            minibatches.BLOCKS,
            minibatches.SEED_IGNORED,
        ),  # fmt: skip
    ),
    Exercise(
        "train_epoch",
        "train_epoch(model, X, Y, batch_size, eta, seed) -> losses, update by update against "
        "minibatches + mse + backward + sgd_step",
        check=epoch._check_train_epoch,
        visible={"cases": epoch.VISIBLE_EPOCH},
        mistakes=(
            epoch.FULL_DATA,
            epoch.EXTRA_1_OVER_M,
            epoch.Y_MISMATCH,
            epoch.UNSHUFFLED,
            epoch.BATCH_LOSS_AFTER,
            epoch.EPOCH_SIGN,
            epoch.EPOCH_NO_UPDATE,
            epoch.EPOCH_BY_HAND,
            epoch.EPOCH_FACTOR_2,
            epoch.EPOCH_BY_HAND_N,
            epoch.EPOCH_STEP_FIRST,
            epoch.EPOCH_FULL_LOSS,
            epoch.EPOCH_TIMES_M,
            epoch.NO_SEED,
            epoch.LOSS_COUNT,
        ),  # fmt: skip
    ),
    Exercise(
        "activation_bytes",
        "activation_bytes(sizes, batch_size, itemsize) -> bytes, against the formula",
        check=memory._check_activation_bytes,
        visible={"cases": memory.VISIBLE_MEM},
        reference=reference_activation_bytes,
        mistakes=(
            memory.PARAM_BYTES,
            memory.NOT_BYTES,
            memory.NO_BATCH,
            memory.WITH_OUTPUT,
            memory.LINEAR_ONLY,
            memory.ALL_WIDTHS_ONCE,
            memory.NO_INPUT,
            memory.SHIFTED,
            memory.ACT_FROM_INPUT,
            memory.BITS,
            memory.MIB,
            memory.WITH_PARAMS,
            memory.HIDDEN_ONLY,
        ),  # fmt: skip
    ),
)

__getattr__, __dir__ = EXERCISES.module_hooks(globals())  # checks.<exercise>(answer)

__all__ = ["EXERCISES", "reference_activation_bytes", "reference_gradient", *EXERCISES]
