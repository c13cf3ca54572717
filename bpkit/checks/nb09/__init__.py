"""Checks for notebook 09 (backpropagation through time): one row per graded exercise.

Each row names the check that runs the cases, the visible cases, bpkit's reference and the
mistakes the check names. The hidden cases of the same checks are in ``bpkit_grader.nb09``.

The notebook's exercises use the per-example convention of notebook 02: ``dH[i, t]`` is example
i's own dl_i/dh_t (no 1/n), and the shared-weight gradients are those of the batch-mean loss,
``dW = sum_t delta_t.T @ x_t / n``. bpkit's ``RNN`` passes true gradients, so every reference
here is bpkit's result with ``dout = dH / n``.

Each case runs in its own helper function, so that nothing computed for one case (its
reference) is still around when the student's function runs on the next one.
"""

from __future__ import annotations

from bpkit.checks._core import MISSING_1_OVER_N
from bpkit.checks._exercise import Exercise, table
from bpkit.checks.nb09 import backward, forward, lags, mistakes, training, truncated
from bpkit.recurrent import RNN

# fmt: off
EXERCISES = table(
    Exercise(
        "rnn_forward",
        "rnn_forward(X, h0, W_x, W_h, b) -> (H, cache), against bpkit's RNN",
        check=forward._check_rnn_forward,
        visible={"cases": forward.VISIBLE_FORWARD},
        reference=RNN,
        mistakes=(
            mistakes.TRANSPOSED_WH, mistakes.TRANSPOSED_WX, mistakes.NO_CARRY,
            mistakes.NO_ACTIVATION, mistakes.SHIFTED_H, mistakes.MISSING_B, mistakes.Z_HOLDS_H,
            mistakes.MATMUL_RNN,
        ),
    ),
    Exercise(
        "rnn_backward",
        "rnn_backward(dH, cache, W_h) -> {'W_x', 'W_h', 'b'}, against bpkit's RNN backward "
        "(full BPTT)",
        check=backward._check_rnn_backward,
        visible={"cases": backward.VISIBLE_BACKWARD},
        reference=RNN,
        mistakes=(
            mistakes.RECURRENT_FORGOTTEN, mistakes.NOT_SUMMED_FIRST, mistakes.NOT_SUMMED_LAST,
            mistakes.AVERAGED_OVER_T, mistakes.WRONG_STEP_BEFORE, mistakes.WRONG_STEP_AFTER,
            mistakes.FORWARD_IN_TIME, mistakes.TRANSPOSED_WH, mistakes.WH_WITH_H_T,
            mistakes.H0_FORGOTTEN, MISSING_1_OVER_N, mistakes.MATMUL_RNN,
        ),
    ),
    Exercise(
        "rnn_backward_truncated",
        "rnn_backward_truncated(dH, cache, W_h, k) -> {'W_x', 'W_h', 'b'}, against bpkit's RNN "
        "backward with truncate=k",
        check=truncated._check_rnn_backward_truncated,
        visible={"cases": truncated.VISIBLE_TRUNCATED},
        reference=RNN,
        mistakes=(
            mistakes.K_IGNORED, mistakes.ONE_STEP_TOO_MANY, mistakes.ONE_STEP_TOO_FEW,
            mistakes.CHUNKED_FROM_FIRST, mistakes.CHUNKED_FROM_LAST, mistakes.STOPPED_LOOP,
            mistakes.RECURRENT_FORGOTTEN, mistakes.MATMUL_RNN,
        ),
    ),
    Exercise(
        "grad_norms_by_lag",
        "grad_norms_by_lag(dh_T, cache, W_h) -> ||dl/dh_{T-j}|| for j = 0 .. T-1, against "
        "bpkit's RNN backward from the last step",
        check=lags._check_grad_norms_by_lag,
        visible={"cases": lags.VISIBLE_LAG},
        reference=RNN,
        mistakes=(
            mistakes.BY_TIME, mistakes.DELTA_NORMS, mistakes.NO_F_PRIME, mistakes.TRANSPOSED_WH,
            mistakes.WRONG_STEP, mistakes.SQUARED, mistakes.MATMUL_RNN,
        ),
    ),
    Exercise(
        "train_rnn",
        "train_rnn(model, X, y, loss, eta, epochs, clip_norm) -> losses, step by step against "
        "bpkit's forward, backward, clip_grad_norm and update",
        check=training._check_train_rnn,
        visible={"cases": training.VISIBLE_TRAIN},
        reference=training._reference_training,
        mistakes=(
            mistakes.UNCLIPPED, mistakes.PER_ARRAY, mistakes.VALUE_CLIP, mistakes.CLIPPED_WEIGHTS,
            mistakes.LOSS_AFTER, mistakes.UPHILL,
        ),
    ),
)
# fmt: on

__getattr__, __dir__ = EXERCISES.module_hooks(globals())  # checks.<exercise>(answer)

__all__ = ["EXERCISES", *EXERCISES]
