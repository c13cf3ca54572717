"""Checks for notebook 08, the capstone (an MLP on the 8x8 digits, trained by hand): one row per
graded exercise.

Each row names the check that runs the cases, the visible cases, the reference and the mistakes
the check names. The hidden cases of the same checks are in ``bpkit_grader.nb08``. The references
are written out in a few lines of numpy (``network``), in the notebook's notation: ``z1 = X @
W1.T + b1``, ``a1 = relu(z1)``, ``z2 = a1 @ W2.T + b2``, the batch-mean softmax cross-entropy plus
``lam/2 * (||W1||^2 + ||W2||^2)``. ``backward`` is also checked against central differences of the
loss (``bpkit.gradcheck``). ``final_accuracy`` scores the student's trained weights on data it
loads and standardizes itself: the held-out digits in the notebook (an estimate of the test
accuracy, printed with its binomial standard error and 95 % interval), the test digits in the
grader.
"""

from __future__ import annotations

from bpkit.checks._exercise import Exercise, table
from bpkit.checks.nb08 import accuracy, confusion, epoch, gradients, standardization

EXERCISES = table(
    Exercise(
        "standardize",
        "standardize(X_train, X_val, X_test) -> (X_train_s, X_val_s, X_test_s, mean, std), "
        "against the per-pixel mean and std of X_train (std = 1 where it is 0)",
        check=standardization._check_standardize,
        visible={"seed": 3, "data": None},
        mistakes=(
            standardization.LEAKED,
            standardization.OWN_STATS,
            standardization.PER_EXAMPLE,
            standardization.ZERO_STD,
            standardization.TINY_EPS,
            standardization.DDOF1,
            standardization.NOT_CENTERED,
            standardization.NOT_SCALED,
            standardization.BY_VARIANCE,
            standardization.UNFLOORED_STD,
            standardization.SWAPPED_STATS,
        ),
    ),
    Exercise(
        "backward",
        'backward(params, cache, y, lam) -> {"W1", "b1", "W2", "b2"}, against the reference '
        "gradients and central differences of the loss",
        check=gradients._check_backward,
        visible={"cases": gradients.VISIBLE_BACKWARD, "large": gradients.VISIBLE_LARGE_LOGITS},
        reference=epoch._reference_backward,
        mistakes=(
            gradients.DELTA2_SIGN,
            gradients.NOT_A_MEAN,
            gradients.NO_RELU_PRIME,
            gradients.RELU_PRIME_A1,
            gradients.FROM_LOGITS,
            gradients.SUMMED_BIAS,
            gradients.PENALIZED_BIASES,
            gradients.NO_L2,
            gradients.L2_FACTOR_2,
            gradients.L2_OVER_N,
            gradients.UNSTABLE_SOFTMAX,
        ),
    ),
    Exercise(
        "train_epoch",
        "train_epoch(params, velocity, X, y, batches, eta, beta, lam) -> (params, velocity), "
        "against one momentum step per batch (v <- beta*v - eta*g, W <- W + v)",
        check=epoch._check_train_epoch,
        visible={"cases": epoch.VISIBLE_EPOCH},
        reference=epoch._epoch,
        mistakes=(*epoch.EPOCH_MISTAKES, epoch.RETURNED_NONE),
    ),
    Exercise(
        "final_accuracy",
        "final_accuracy(final_params, mean, std, history): the trained weights score at least "
        "97% on the held-out digits (the test digits in the grader)",
        check=accuracy._check_final_accuracy,
        visible={"part": "holdout", "threshold": 0.97, "split_seed": 0},
        mistakes=accuracy.MISTAKES,
        values=True,
    ),
    Exercise(
        "confusion_matrix",
        "confusion_matrix(y_true, y_pred, k) -> C, C[i, j] = #(true i, predicted j), against "
        "a count",
        check=confusion._check_confusion_matrix,
        visible={"cases": confusion.VISIBLE_CONFUSION},
        reference=confusion._confusion,
        mistakes=(
            confusion.TRANSPOSED_C,
            confusion.ROW_FRACTIONS,
            confusion.COLUMN_FRACTIONS,
            confusion.ALL_FRACTIONS,
            confusion.DIAGONAL_ONLY,
            confusion.SIZE_FROM_LABELS,
            confusion.COUNTED_ONCE,
            confusion.RENUMBERED,
        ),
    ),
)

__getattr__, __dir__ = EXERCISES.module_hooks(globals())  # checks.<exercise>(answer)

__all__ = ["EXERCISES", *EXERCISES]
