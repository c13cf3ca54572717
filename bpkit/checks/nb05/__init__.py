"""Checks for notebook 05 (SGD and mini-batches): one row per graded exercise.

Each row names the check that runs the cases, the visible cases, bpkit's reference and the mistakes
the check names. The hidden cases of the same checks are in ``bpkit_grader.nb05``. Each check runs
named, seeded cases and compares with bpkit's reference (``bpkit.optim``, or a loop of bpkit's
losses, model and ``sgd_step``) or with a property that any correct answer has. Nothing here
depends on the order in which a student draws random numbers: the stream of batches is checked by
its properties (coverage, batch sizes, shuffling, reproducibility), and the SGD loop is handed its
batches.
"""

from __future__ import annotations

from bpkit import optim
from bpkit.checks._exercise import Exercise, table
from bpkit.checks.nb05 import loop, momentum, noise, schedule, stream

_STREAM_MISTAKES = (
    stream.RETURNED_NONE, stream.CHANGED_AFTER_YIELD, stream.NOT_A_PAIR, stream.EPOCH_NUMBERS,
    stream.NOT_INDICES, stream.MISSING_OR_REPEATED, stream.DROPPED_LAST, stream.WRONG_SIZES,
    stream.ORIGINAL_ORDER, stream.BLOCKS, stream.SAME_ORDER, stream.NOT_REPRODUCIBLE,
    stream.SEED_IGNORED,
)  # fmt: skip

_SGD_MISTAKES = (
    loop.NO_CHANGE, loop.SIGN, loop.EXTRA_1_OVER_B, loop.EXTRA_1_OVER_N, loop.FULL_DATA,
    loop.TIMES_B, loop.STEP_FIRST, loop.WEIGHTS_ONLY, loop.ETA_FIXED, loop.ETA_AHEAD,
    loop.ETA_PER_UPDATE, loop.NO_LOSSES, loop.LOSS_COUNT, loop.LOSS_AFTER, loop.LOSS_FULL,
    loop.LOSS_TIMES_B,
)  # fmt: skip

_NOISE_MISTAKES = (
    noise.NOT_SUBTRACTED, noise.SQUARE_ROOT, noise.SUMMED, noise.ENTRY_MEAN, noise.AROUND_MEAN,
    noise.MINUS_ONE, noise.NORM_OF_MEAN, noise.SIZE_WEIGHTED, noise.TIMES_B, noise.L1,
)  # fmt: skip

_MOMENTUM_MISTAKES = (
    momentum.REPLACED, momentum.ZERO_VELOCITY, momentum.OTHER_CONVENTION, momentum.SIGN,
    momentum.PLAIN, momentum.OLD_V, momentum.EMA, momentum.NESTEROV, momentum.BETA_G,
    momentum.ONE_MINUS_BETA_V, momentum.NEVER_CHANGED, momentum.VELOCITY_SIGN,
    momentum.ETA_IN_STEP,
)  # fmt: skip

_SCHEDULE_MISTAKES = (
    schedule.NOT_A_FUNCTION, schedule.NOT_A_NUMBER, schedule.KEEPS_STATE, schedule.EVERY_EPOCH,
    schedule.EARLY, schedule.ROUNDED, schedule.REMAINDER, schedule.SMOOTH, schedule.DROP_AT_0,
    schedule.LATE, schedule.TIMES, schedule.ONE_MINUS_DROP, schedule.NO_ETA0, schedule.GROWS,
    schedule.CEIL, schedule.SINGLE_DROP, schedule.PRECEDENCE, schedule.EVERY_PLUS_1,
    schedule.EXPONENT_MINUS_1,
)  # fmt: skip

EXERCISES = table(
    Exercise(
        "minibatch_stream",
        "minibatch_stream(n, batch_size, epochs, seed) -> (epoch, idx) pairs, by their "
        "properties: coverage, batch sizes, shuffled anew every epoch, reproducible",
        check=stream._check_minibatch_stream,
        visible={"cases": stream.VISIBLE_CASES, "seeds": stream.VISIBLE_SEEDS},
        mistakes=_STREAM_MISTAKES,
    ),
    Exercise(
        "sgd",
        "sgd(model, X, y, stream, eta, loss) -> losses, the model and the per-update losses "
        "against bpkit's loop (loss, model.backward, sgd_step) on the same stream",
        check=loop._check_sgd,
        visible={"cases": loop.VISIBLE_CASES},
        mistakes=_SGD_MISTAKES,
    ),
    Exercise(
        "gradient_noise",
        "gradient_noise(grad_fn, n, batches) -> the mean of ||g_B - g||^2 over the batches, "
        "on gradient tables with a known answer",
        check=noise._check_gradient_noise,
        visible={"cases": noise.VISIBLE_CASES},
        mistakes=_NOISE_MISTAKES,
    ),
    Exercise(
        "momentum_step",
        "momentum_step(params, grads, velocity, eta, beta), in place over several steps, "
        "against bpkit.optim.momentum_step (v <- beta * v - eta * g, then p <- p + v)",
        check=momentum._check_momentum_step,
        visible={"cases": momentum.VISIBLE_CASES},
        reference=optim.momentum_step,
        mistakes=_MOMENTUM_MISTAKES,
    ),
    Exercise(
        "step_schedule",
        "step_schedule(eta0, drop, every) -> eta(t), against bpkit.optim.step_schedule, "
        "eta0 * drop ** (t // every)",
        check=schedule._check_step_schedule,
        visible={"cases": schedule.VISIBLE_CASES, "epochs": schedule.VISIBLE_EPOCHS},
        reference=optim.step_schedule,
        mistakes=_SCHEDULE_MISTAKES,
    ),
)

__getattr__, __dir__ = EXERCISES.module_hooks(globals())  # checks.<exercise>(answer)

__all__ = ["EXERCISES", *EXERCISES]
