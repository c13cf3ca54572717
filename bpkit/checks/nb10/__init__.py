"""Checks for notebook 10, beyond plain SGD (Nesterov, RMSprop, Adam, restarts, cycles): one row
per graded exercise.

Each row names the check that runs the cases, the visible cases and the mistakes the check names.
The hidden cases of the same checks are in ``bpkit_grader.nb10``. The three update rules run
several steps on live dicts (the student updates them in place, as an optimizer updates a model's
arrays), with eta changing mid-run, and every step is compared with the formulas and with the
named mistakes replayed on the same inputs. Those replays are the checks' own helpers, computed
only after the call they judge, so no row names a reference.
"""

from __future__ import annotations

from bpkit.checks._exercise import Exercise, table
from bpkit.checks.nb10 import _common, adam, cycles, nesterov, restarts, rmsprop

EXERCISES = table(
    Exercise(
        "nesterov_step",
        "nesterov_step(params, grads, velocity, eta, beta), in place, step by step against "
        "v <- beta * v - eta * g; p <- p + beta * v - eta * g",
        check=nesterov._check_nesterov_step,
        visible={"cases": nesterov.NESTEROV_CASES},
        mistakes=(
            nesterov.CLASSICAL,
            nesterov.NO_GRADIENT,
            nesterov.ONE_PLUS_BETA,
            nesterov.SIGN,
            nesterov.PLAIN,
            nesterov.OTHER_FORM,
            nesterov.REBOUND,
            nesterov.VELOCITY_ZEROS,
            nesterov.VELOCITY_OTHER_FORM,
            nesterov.VELOCITY_SIGN,
            _common.REPLACED,
        ),
    ),
    Exercise(
        "rmsprop_step",
        "rmsprop_step(params, grads, cache, eta, beta, eps), in place, step by step against "
        "s <- beta * s + (1 - beta) * g**2; p <- p - eta * g / (sqrt(s) + eps)",
        check=rmsprop._check_rmsprop_step,
        visible={"cases": rmsprop.RMSPROP_CASES},
        mistakes=(
            rmsprop.EPS_INSIDE,
            rmsprop.EPS_SQUARED,
            rmsprop.AFTER,
            rmsprop.ADAGRAD,
            rmsprop.SWAPPED,
            rmsprop.NO_MEMORY,
            rmsprop.NO_SQRT,
            rmsprop.SIGN,
            rmsprop.CACHE_ZEROS,
            _common.NEVER_CHANGED,
            _common.REPLACED,
        ),
    ),
    Exercise(
        "adam_step",
        "adam_step(params, grads, state, eta, beta1, beta2, eps), in place, step by step against "
        "Adam with t counted first and bias-corrected m and s",
        check=adam._check_adam_step,
        visible={"cases": adam.ADAM_CASES},
        mistakes=(
            adam.NO_CORRECTION,
            adam.T_FROM_0,
            adam.T_STUCK,
            adam.SWAPPED,
            adam.M_ONLY,
            adam.S_ONLY,
            adam.EPS_INSIDE,
            adam.STORED_HAT,
            adam.SIGN,
            _common.NEVER_CHANGED,
            _common.REPLACED,
        ),
    ),
    Exercise(
        "random_restarts",
        "random_restarts(f, grad, low, high, n_starts, eta, steps, seed) -> (w_best, f_best), "
        "against gradient descent from every start drawn from default_rng(seed)",
        check=restarts._check_random_restarts,
        visible={"cases": restarts.RESTART_CASES},
        mistakes=(
            restarts.LAST,
            restarts.WORST,
            restarts.NO_DESCENT,
            restarts.BEST_START,
            restarts.SAME_START,
            restarts.NOT_REPRODUCIBLE,
        ),
    ),
    Exercise(
        "cyclical_lr",
        "cyclical_lr(eta_min, eta_max, period, decay) -> eta(t), against the triangular "
        "schedule whose height shrinks by decay once per cycle",
        check=cycles._check_cyclical_lr,
        visible={"cases": cycles.CYCLICAL_CASES, "n": 30},
        mistakes=(
            cycles.SAWTOOTH,
            cycles.STARTS_HIGH,
            cycles.HALF,
            cycles.COSINE,
            cycles.INT_DIV,
            cycles.DECAY_EACH_STEP,
            cycles.NO_DECAY,
            cycles.DECAY_ALL,
            cycles.NO_MIN,
            cycles.DECAY_FROM_1,
            cycles.STATEFUL,
        ),
    ),
)

__getattr__, __dir__ = EXERCISES.module_hooks(globals())  # checks.<exercise>(answer)

__all__ = ["EXERCISES", *EXERCISES]
