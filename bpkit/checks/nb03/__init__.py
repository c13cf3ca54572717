"""Checks for notebook 03 (gradient descent): one row per graded exercise.

Each row names the check that runs the cases, the visible cases and the mistakes the check names.
The hidden cases of the same checks are in ``bpkit_grader.nb03``. Expected values come from
formulas (closed-form quadratic paths, eigenvalues) and from bpkit's own model, loss and update
(``mlp``, ``mse``, ``sgd_step``), never from the student's code or random stream. The bowls the
cases use (``rotated_bowl``, ``random_spd``) are public here.
"""

from __future__ import annotations

from bpkit.checks._exercise import Exercise, table
from bpkit.checks.nb03 import descent, rate, stability, step, training
from bpkit.checks.nb03._common import (
    GD_WRONG_SIGN,
    NO_ETA,
    NOT_IN_PLACE,
    STEP_SIZE,
    random_spd,
    rotated_bowl,
)
from bpkit.optim import sgd_step

_STABILITY_MISTAKES = (
    stability.HALF, stability.SMALLEST, stability.DIAGONAL, stability.TRACE, stability.INVERTED,
    stability.FROBENIUS, stability.OTHER_EIGENVALUE, stability.MEAN_EIGENVALUE,
    stability.LAMBDA_ITSELF, stability.TWICE_LAMBDA, stability.DETERMINANT, stability.NORM_1,
    stability.SQRT_LAMBDA, stability.QUARTER, stability.ROUNDED,
)  # fmt: skip
_RATE_MISTAKES = (
    rate.RATE_SIGN, rate.NO_ABS, rate.ONLY_STEEP, rate.ONLY_FLAT, rate.FASTEST, rate.DIAG_RATE,
    rate.RATE_FROBENIUS, rate.RATE_MEAN, rate.RATE_NO_ONE, rate.RATE_BEST, rate.RATE_SQUARED,
    rate.RATE_KAPPA, rate.RATE_PRODUCT, stability.ROUNDED,
)  # fmt: skip
_TRAINING_MISTAKES = (
    training.TRAIN_SIGN, training.LOSS_AFTER, training.EXTRA_1_OVER_N, training.NO_UPDATE,
    training.BY_HAND, training.FACTOR_2, training.STEP_FIRST, training.LOSS_TIMES_N,
    training.LOSS_NO_HALF, training.LOSS_COUNT,
)  # fmt: skip

EXERCISES = table(
    Exercise(
        "gd_step",
        "gd_step(params, grads, eta) -> None, in place, against p - eta * g (bpkit's sgd_step)",
        check=step._check_gd_step,
        visible={"cases": step.VISIBLE_STEP},
        reference=sgd_step,
        mistakes=(GD_WRONG_SIGN, NOT_IN_PLACE, NO_ETA, STEP_SIZE, step.GRADS_CHANGED),
    ),
    Exercise(
        "gradient_descent",
        "gradient_descent(grad_fn, w0, eta, steps) -> path of shape (steps + 1, d), against "
        "the same steps taken by the check",
        check=descent._check_gradient_descent,
        visible={"cases": descent.VISIBLE_PATH},
        mistakes=(
            GD_WRONG_SIGN,
            descent.AT_START,
            descent.ALIASED,
            descent.NO_START,
            descent.ONE_SHORT,
            descent.ONE_EXTRA,
            descent.LAST_ONLY,
            descent.PATH_T,
            descent.OTHER_ETA,
            descent.W0_CHANGED,
        ),  # fmt: skip
    ),
    Exercise(
        "largest_stable_eta",
        "largest_stable_eta(A) -> 2 / lambda_max, by formula and by running the bowl",
        check=stability._check_largest_stable_eta,
        visible={"cases": stability.VISIBLE_BOWLS},
        mistakes=_STABILITY_MISTAKES,
    ),
    Exercise(
        "convergence_rate",
        "convergence_rate(A, eta) -> max_i |1 - eta * lambda_i|, from the eigenvalues of A",
        check=rate._check_convergence_rate,
        visible={"cases": rate.VISIBLE_RATES},
        mistakes=_RATE_MISTAKES,
    ),
    Exercise(
        "train_full_batch",
        "train_full_batch(model, X, y, eta, epochs) -> list of losses, and the weights, against "
        "bpkit's mse + backward + sgd_step",
        check=training._check_train_full_batch,
        visible={"cases": training.VISIBLE_TRAIN},
        mistakes=_TRAINING_MISTAKES,
    ),
)

__getattr__, __dir__ = EXERCISES.module_hooks(globals())  # checks.<exercise>(answer)

__all__ = ["EXERCISES", "random_spd", "rotated_bowl", *EXERCISES]
