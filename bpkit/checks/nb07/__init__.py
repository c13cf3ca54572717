"""Checks for notebook 07 (regularization): one row per graded exercise.

Each row names the check that runs the cases, the visible cases, bpkit's reference and the
mistakes the check names. The hidden cases of the same checks are in ``bpkit_grader.nb07``.
References come from bpkit (``bpkit.optim`` penalties, ``bpkit.augment``) or a formula. Dropout
masks and initial weights are random, so they are checked by their properties (which units are
zero, what the kept ones are scaled by, the fraction dropped, the standard deviation), never by
the order in which a student draws random numbers.

The penalties' weight matrices hold exact zeros, where the L1 (sub)gradient must be 0. Early
stopping and shifted images are named by the variant of the rule that explains every case, not
just the first one that fails.
"""

from __future__ import annotations

from bpkit.augment import shift_images as _ref_shift
from bpkit.checks._core import KEEP_DROP_SWAPPED, WRONG_SIGN
from bpkit.checks._exercise import Exercise, table
from bpkit.checks.nb07 import dropout, init, penalties, shifts, stopping
from bpkit.optim import l1_penalty as _ref_l1
from bpkit.optim import l2_penalty as _ref_l2

_PENALTY_MISTAKES = (
    penalties.PENALIZED_BIASES, penalties.MISSING_LAM, penalties.MISSING_LAM_IN_VALUE,
    penalties.LAST_ONLY, penalties.NO_WEIGHTS, penalties.GRADS_FIRST, WRONG_SIGN,
)  # fmt: skip

# fmt: off
EXERCISES = table(
    Exercise(
        "l2_penalty",
        "l2_penalty(params, lam) -> (lam/2 * sum of W**2, {name: lam * W or 0}), against "
        "bpkit.optim.l2_penalty",
        check=penalties._check_l2_penalty,
        visible={"cases": penalties.VISIBLE_PENALTY},
        reference=_ref_l2,
        mistakes=(
            *_PENALTY_MISTAKES, penalties.L2_NO_HALF, penalties.L2_NORM, penalties.L2_MEAN,
            penalties.L2_FACTOR_2,
        ),
    ),
    Exercise(
        "l1_penalty",
        "l1_penalty(params, lam) -> (lam * sum of |W|, {name: lam * sign(W) or 0}), against "
        "bpkit.optim.l1_penalty",
        check=penalties._check_l1_penalty,
        visible={"cases": penalties.VISIBLE_PENALTY},
        reference=_ref_l1,
        mistakes=(
            *_PENALTY_MISTAKES, penalties.L1_NO_ABS, penalties.L1_IS_L2, penalties.L1_HALF,
            penalties.L1_MEAN, penalties.L1_L2_GRAD, penalties.SIGN_0_PLUS, penalties.SIGN_0_MINUS,
            penalties.L1_NAN,
        ),
    ),
    Exercise(
        "dropout_forward",
        "dropout_forward(a, p_drop, rng, training) -> (out, mask), by its properties: eval mode "
        "is the identity, kept units are a / (1 - p_drop), the fraction dropped is p_drop",
        check=dropout._check_dropout_forward,
        visible={"shape": (400, 250), "p_drops": (0.2, 0.5), "seed": 7},
        mistakes=(
            dropout.MASK_FIRST, dropout.EVAL_DROPPED, dropout.EVAL_SCALED, dropout.EVAL_TIMES_KEEP,
            dropout.EVAL_MASK_NONE, dropout.EVAL_MASK_FALSE, KEEP_DROP_SWAPPED,
            dropout.ONE_MASK_PER_BATCH, dropout.ONE_DRAW_PER_EXAMPLE, dropout.NOT_INVERTED,
            dropout.SCALE_SWAPPED, dropout.MASK_REVERSED, dropout.TIMES_KEEP,
            dropout.MASK_NOT_REPRODUCIBLE, dropout.MASK_RNG_IGNORED,
        ),
    ),
    Exercise(
        "dropout_backward",
        "dropout_backward(dout, mask, p_drop) -> dout, against dout * mask / (1 - p_drop)",
        check=dropout._check_dropout_backward,
        visible={"cases": dropout.VISIBLE_BACKWARD},
        mistakes=(
            dropout.BACKWARD_NOT_INVERTED, dropout.BACKWARD_TIMES_KEEP, dropout.BACKWARD_SWAPPED,
            dropout.NO_MASK, dropout.BACKWARD_MASK_REVERSED,
        ),
    ),
    Exercise(
        "early_stopping",
        "early_stopping(val_losses, patience) -> (best_epoch, stopped_epoch or None), against "
        "the rule: stop after patience epochs in a row without a strictly lower loss",
        check=stopping._check_early_stopping,
        visible={"cases": stopping.VISIBLE_EARLY},
        reference=stopping._early_stop,
        mistakes=(
            stopping.STOPS_LATE, stopping.STOPS_EARLY, stopping.TIE_IMPROVES, stopping.LAST_KEPT,
            stopping.NEVER_RESET, stopping.PREVIOUS, stopping.WHOLE_LIST, stopping.NEVER_STOPPED,
            stopping.FROM_1, stopping.LOSS_NOT_EPOCH,
        ),
    ),
    Exercise(
        "shift_images",
        "shift_images(X, dx, dy) -> X shifted dx columns right and dy rows down, zero-filled, "
        "against bpkit.augment.shift_images",
        check=shifts._check_shift_images,
        visible={"shifts": shifts.VISIBLE_SHIFTS, "n": 5, "seed": 11},
        reference=_ref_shift,
        mistakes=(
            shifts.WRAPPED, shifts.OTHER_WAY, shifts.DY_UP, shifts.DX_LEFT, shifts.DX_DY_SWAPPED,
            shifts.EDGE_FILLED, shifts.NEGATIVE_CUT, shifts.ZERO_SHIFT,
        ),
    ),
    Exercise(
        "init_layer",
        "init_layer(d_in, d_out, activation, rng) -> (W, b), by its statistics: W's standard "
        "deviation is He (ReLU), Xavier (tanh) or 4 times Xavier (sigmoid), b is zero",
        check=init._check_init_layer,
        visible={"cases": init.VISIBLE_INIT, "seed": 5},
        mistakes=(
            init.FAN_OUT, init.VARIANCE, init.XAVIER_FOR_RELU, init.XAVIER_FOR_SIGMOID,
            init.HE_FOR_TANH, init.HE_FOR_SIGMOID, init.GAIN_FOR_RELU, init.GAIN_FOR_TANH,
            init.GAIN_ON_VARIANCE, init.LECUN, init.UNSCALED, init.B_NOT_ZERO, init.NOT_CENTRED,
            init.W_NOT_REPRODUCIBLE, init.W_RNG_IGNORED,
        ),
    ),
)
# fmt: on

__getattr__, __dir__ = EXERCISES.module_hooks(globals())  # checks.<exercise>(answer)

__all__ = ["EXERCISES", *EXERCISES]
