"""Checks for notebook 02 (backpropagation): one row per graded exercise.

Each row names the check that runs the cases, the visible cases and the mistakes the check names.
The hidden cases of the same checks are in ``bpkit_grader.nb02``. The notebook's math uses the
per-example delta: row i of ``delta`` is example i's own ``dl_i/dz_i``, with no 1/n. bpkit's
layers and losses pass true gradients of the batch-mean loss (``dL/dz = delta / n``), so every
expected value is bpkit's result (``Linear``, ``functional``, ``losses``, ``Sequential``)
multiplied or divided by n where the two conventions meet. No bpkit function takes the student's
arguments, so no row names a reference.
"""

from __future__ import annotations

from bpkit.checks._core import (
    MISSING_1_OVER_N,
    MISSING_ACTIVATION_DERIVATIVE,
    TRANSPOSED_W,
    WRONG_SIGN,
)
from bpkit.checks._exercise import Exercise, table
from bpkit.checks._messages import B_COLUMN, ELEMENTWISE, MATMUL
from bpkit.checks.nb02 import (
    layer_backward,
    layer_forward,
    mse_delta,
    network,
    primes,
    softmax_delta,
)
from bpkit.checks.nb02._common import COLUMN_LAYOUT, EXTRA_1_OVER_N, MISSING_B, VISIBLE_LINEAR

_BACKWARD_MISTAKES = (
    TRANSPOSED_W, MISSING_1_OVER_N, WRONG_SIGN, EXTRA_1_OVER_N, layer_backward.TUPLE_ORDER,
    layer_backward.BY_N_TWICE, layer_backward.BY_D_OUT, layer_backward.BY_D_IN,
    layer_backward.DW_A_PREV_DELTA_T, layer_backward.DW_DELTA_A_PREV_T,
    layer_backward.DB_WRONG_AXIS, layer_backward.DB_MEAN_ALL, layer_backward.DB_KEEPDIMS,
    layer_backward.DA_COLUMNS, layer_backward.DA_SUMMED, layer_backward.BACKWARD_MATMUL,
)  # fmt: skip
_SOFTMAX_MISTAKES = (
    WRONG_SIGN, EXTRA_1_OVER_N, softmax_delta.NO_SOFTMAX, softmax_delta.NEEDLESS_PRIME,
    softmax_delta.SOFTMAX_AXIS_0, softmax_delta.LABELS_AS_NUMBERS, softmax_delta.COLUMNS_OF_Y,
    softmax_delta.ONE_HOT_NO_K, softmax_delta.ONE_HOT_BY_N, softmax_delta.ROW_VECTOR,
    softmax_delta.NO_KEEPDIMS, softmax_delta.SOFTMAX_OF_ALL, softmax_delta.DELTA_AVERAGED,
    softmax_delta.LOG_SOFTMAX, softmax_delta.SIGMOID_NOT_SOFTMAX,
    softmax_delta.SOFTMAX_STABLE_HINT,
)  # fmt: skip
_MLP_MISTAKES = (
    MISSING_ACTIVATION_DERIVATIVE, TRANSPOSED_W, MISSING_1_OVER_N, WRONG_SIGN, EXTRA_1_OVER_N,
    network.NO_OUTPUT_PRIME, network.HIDDEN_PRIME_OF_A, network.OUTPUT_PRIME_OF_A,
    network.DW2_FROM_X, network.DW2_FROM_Z1, network.DW1_FROM_A1, network.DW1_TRANSPOSED,
    network.NO_W2, network.SIGMOID_IN_HIDDEN, network.TANH_PRIME_FROM_Z, network.TANH_AT_OUTPUT,
    network.B_WRONG_AXIS, network.MLP_EXTRA_TWO, network.MLP_MATMUL,
)  # fmt: skip

EXERCISES = table(
    Exercise(
        "linear_forward",
        "linear_forward(a_prev, W, b) -> z of shape (n, d_out), against bpkit's Linear",
        check=layer_forward._check_linear_forward,
        visible={"cases": VISIBLE_LINEAR},
        mistakes=(
            TRANSPOSED_W,
            MISSING_B,
            WRONG_SIGN,
            B_COLUMN,
            ELEMENTWISE,
            COLUMN_LAYOUT,
            MATMUL,
        ),  # fmt: skip
    ),
    Exercise(
        "linear_backward",
        "linear_backward(delta, a_prev, W) -> (dW, db, da_prev), against bpkit's Linear",
        check=layer_backward._check_linear_backward,
        visible={"cases": VISIBLE_LINEAR},
        mistakes=_BACKWARD_MISTAKES,
    ),
    Exercise(
        "activation_prime",
        "activation_prime(z, kind) -> f'(z) for kind in sigmoid, tanh, relu, against "
        "bpkit.functional's sigmoid_prime, tanh_prime and relu_prime",
        check=primes._check_activation_prime,
        visible={"cases": primes.VISIBLE_ACT},
        mistakes=(
            primes.F_ITSELF,
            WRONG_SIGN,
            *primes.MIXED_UPS,
            primes.FROM_Z,
            primes.NO_SQUARE,
            primes.KINK,
            primes.SIGN_OF_Z,
            primes.NO_VALUE_ERROR,
        ),  # fmt: skip
    ),
    Exercise(
        "mse_output_delta",
        "mse_output_delta(a, z, y, f_prime) -> delta of shape (n, k), against n times bpkit's "
        "mse gradient, times f'(z)",
        check=mse_delta._check_mse_output_delta,
        visible={"cases": mse_delta.VISIBLE_OUT},
        mistakes=(
            MISSING_ACTIVATION_DERIVATIVE,
            WRONG_SIGN,
            EXTRA_1_OVER_N,
            mse_delta.F_OF_A,
            mse_delta.HARD_CODED_SIGMOID,
            mse_delta.EXTRA_TWO,
            mse_delta.EXTRA_HALF,
            mse_delta.DELTA_MEAN,
            mse_delta.SQUARED_ERROR,
            mse_delta.OUTPUT_MATMUL,
        ),  # fmt: skip
    ),
    Exercise(
        "softmax_ce_delta",
        "softmax_ce_delta(z, y) -> softmax(z) - onehot(y), shape (n, k), stable at |z| ~ 1e4, "
        "against n times bpkit's softmax_cross_entropy gradient",
        check=softmax_delta._check_softmax_ce_delta,
        visible={"cases": softmax_delta.VISIBLE_CE},
        mistakes=_SOFTMAX_MISTAKES,
    ),
    Exercise(
        "mlp_backward",
        "mlp_backward(X, y, W2, cache) -> {'W1', 'b1', 'W2', 'b2'}, against bpkit's Sequential",
        check=network._check_mlp_backward,
        visible={"cases": network.VISIBLE_MLP},
        mistakes=_MLP_MISTAKES,
    ),
)

__getattr__, __dir__ = EXERCISES.module_hooks(globals())  # checks.<exercise>(answer)

__all__ = ["EXERCISES", *EXERCISES]
