"""Checks for notebook 00 (welcome: numpy in the course's notation): one row per graded exercise.

Each row names the check that runs named, seeded cases, the visible cases, bpkit's reference and
the mistakes the check names. The hidden cases of the same checks (other shapes and seeds) are in
``bpkit_grader.nb00``. References come from bpkit (``Linear``, ``functional.sigmoid``,
``losses.mse``) or from a formula, never from the student's code.

:func:`~bpkit.checks._messages.numpy_error_hint` turns numpy's bare broadcasting and matmul errors
into the mistake they usually come from.
"""

from __future__ import annotations

from bpkit import functional, losses
from bpkit.checks._core import MISSING_1_OVER_N, TRANSPOSED_W, WRONG_SIGN
from bpkit.checks._exercise import Exercise, table
from bpkit.checks._messages import B_COLUMN, ELEMENTWISE, MATH_MODULE, MATMUL
from bpkit.checks.nb00 import linear, logistic, mean
from bpkit.checks.nb00 import squared_error as sq
from bpkit.checks.nb00._common import NO_RETURN

_LINEAR_MISTAKES = (
    TRANSPOSED_W, linear.NO_BIAS, linear.BIAS_SUBTRACTED, linear.BIAS_TIMES, linear.BIAS_ON_INPUT,
    linear.COLUMN_LAYOUT, B_COLUMN, ELEMENTWISE, MATMUL, NO_RETURN,
)  # fmt: skip
_MEAN_MISTAKES = (
    MISSING_1_OVER_N, mean.WRONG_AXIS, mean.BY_FEATURES, mean.BY_ENTRIES, mean.BY_N_MINUS_1,
    mean.MEAN_OF_ALL, mean.KEEPDIMS, mean.SUM_OF_ALL, mean.MEDIAN, mean.FIRST_ROW, mean.AS_COLUMN,
)  # fmt: skip
_SIGMOID_MISTAKES = (
    WRONG_SIGN, logistic.NO_ONE_PLUS, logistic.ONE_MINUS, logistic.PRECEDENCE, logistic.TANH,
    logistic.SIGMOID_PRIME, logistic.TANH_UNHALVED, logistic.ABS_EVERYWHERE, logistic.OUTSIDE_01,
    logistic.SILENCED, logistic.CLIPPED, MATH_MODULE,
)  # fmt: skip
_MSE_MISTAKES = (
    sq.MISSING_HALF, MISSING_1_OVER_N, sq.PER_ENTRY, sq.MEAN_NO_HALF, sq.DIV_PRECEDENCE,
    sq.SQUARE_OF_SUM, sq.PER_COLUMN, sq.PER_EXAMPLE, sq.BY_FEATURES_MSE, sq.NO_SQUARE,
    sq.NORM_NOT_SQUARED, sq.ROOT, sq.BY_N_TWICE,
)  # fmt: skip
_MSE_GRAD_MISTAKES = (
    WRONG_SIGN, MISSING_1_OVER_N, sq.EXTRA_TWO, sq.EXTRA_HALF, sq.PER_ENTRY, sq.LOSS_TERMS,
    sq.GRAD_AVERAGED, sq.GRAD_SUMMED, sq.GRAD_BY_FEATURES, sq.GRAD_PER_EXAMPLE,
    sq.GRAD_TRANSPOSED, sq.GRAD_PRECEDENCE, sq.BY_N_TWICE,
)  # fmt: skip

EXERCISES = table(
    Exercise(
        "linear_forward",
        "linear_forward(a_prev, W, b) -> z of shape (n, d_out), against bpkit's Linear",
        check=linear._check_linear_forward,
        visible={"cases": linear.VISIBLE_LINEAR},
        reference=linear._linear_reference,
        mistakes=_LINEAR_MISTAKES,
    ),
    Exercise(
        "batch_mean",
        "batch_mean(a) -> the mean over the batch axis, shape (d,), against a.sum(axis=0) / n",
        check=mean._check_batch_mean,
        visible={"cases": mean.VISIBLE_MEAN},
        mistakes=_MEAN_MISTAKES,
    ),
    Exercise(
        "sigmoid",
        "sigmoid(z) -> 1 / (1 + e^(-z)), elementwise and stable (no warning) for |z| ~ 1e4, "
        "against bpkit's functional.sigmoid",
        check=logistic._check_sigmoid,
        visible={"cases": logistic.VISIBLE_SIGMOID},
        reference=functional.sigmoid,
        mistakes=_SIGMOID_MISTAKES,
    ),
    Exercise(
        "mse",
        "mse(y_hat, y) -> L = sum((y - y_hat)**2) / (2n), a float, against bpkit's losses.mse",
        check=sq._check_mse,
        visible={"cases": sq.VISIBLE_MSE},
        reference=losses.mse,
        mistakes=_MSE_MISTAKES,
    ),
    Exercise(
        "mse_grad",
        "mse_grad(y_hat, y) -> dL/dy_hat = (y_hat - y) / n, shaped like y_hat, against the "
        "gradient of bpkit's losses.mse",
        check=sq._check_mse_grad,
        visible={"cases": sq.VISIBLE_MSE_GRAD},
        reference=losses.mse,
        mistakes=_MSE_GRAD_MISTAKES,
    ),
)

__getattr__, __dir__ = EXERCISES.module_hooks(globals())  # checks.<exercise>(answer)

__all__ = ["EXERCISES", *EXERCISES]
