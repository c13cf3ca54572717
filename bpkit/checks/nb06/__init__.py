"""Checks for notebook 06 (vanishing and exploding gradients): one row per graded exercise.

Each row names the check that runs the cases, the visible cases, bpkit's reference and the
mistakes the check names. The hidden cases of the same checks are in ``bpkit_grader.nb06``.
Initializers are checked statistically (shape, reproducibility, mean, spread and distribution over
a large matrix), so any correct way of drawing the numbers passes; a wrong spread is named from a
list of formulas, or else by which fans it reads (two more draws, of shapes that share fan_in or
fan_out with the first). Gradient norms and clipping are compared with bpkit's reference; the
depth experiment is checked by the properties it must show, and its first, spied-on run is
compared with the exact results of a few named mistakes.
"""

from __future__ import annotations

from bpkit import init, optim
from bpkit.checks._exercise import Exercise, table
from bpkit.checks.nb06 import clipping, depth, initializers, norms

_i = initializers
_DRAW_MISTAKES = (
    _i.NOT_FLOAT64, _i.NOT_FINITE, _i.NOT_REPRODUCIBLE, _i.SEED_IGNORED, _i.CONSTANT,
    _i.NOT_CENTRED, _i.MEAN_FIRST, _i.FAN_NONE, _i.FACTOR_OFF,
)  # fmt: skip
_XAVIER_MISTAKES = (
    *_DRAW_MISTAKES, _i.FAN_IN_ONLY, _i.FAN_OUT_ONLY, _i.NORMAL_NOT_UNIFORM, _i.HE_BOUND,
    _i.BOUND_FAN_OUT_ONLY, _i.STD_AS_BOUND, _i.NO_ROOT, _i.ROOT_OF_6, _i.PRODUCT, _i.HALF_BOUND,
    _i.BOUND_AS_STD, _i.PRECEDENCE, _i.OUTSIDE, _i.NOT_FILLED,
)  # fmt: skip
_HE_MISTAKES = (
    *_DRAW_MISTAKES, _i.FAN_OUT_NOT_IN, _i.FAN_OUT_TOO, _i.NO_FACTOR_2, _i.VARIANCE_AS_STD,
    _i.XAVIER_NOT_HE, _i.ROOT_OF_FAN_IN, _i.ROOT_OF_2, _i.NOT_NORMAL,
)  # fmt: skip
_NORMS_MISTAKES = (
    norms.WEIGHTS_CHANGED, norms.NORM_COUNT, norms.WEIGHT_NORMS, norms.OUTPUT_FIRST,
    norms.SQUARED, norms.W_AND_B, norms.TIMES_N, norms.ZEROS, norms.SPECTRAL, norms.ONE_NORM,
    norms.INF_NORM, norms.LARGEST, norms.SUM_ABS, norms.MEAN_ABS, norms.RMS, norms.PER_ENTRY,
    norms.TWICE,
)  # fmt: skip
_DEPTH_MISTAKES = (
    depth.NOT_A_FUNCTION, depth.RETURNED_NONE, depth.NOT_AN_ARRAY, depth.NORM_COUNT,
    depth.ALL_ZERO, depth.NOT_POSITIVE, depth.WEIGHT_NORMS, depth.NO_INIT, depth.INIT_COUNT,
    depth.INIT_SHAPES, depth.NOT_REPRODUCIBLE, depth.NETWORK_SEED, depth.NO_1_OVER_N,
    depth.BATCH_256, depth.BATCH_WIDTH, norms.OUTPUT_FIRST, depth.ACTIVATION_IGNORED,
    depth.SEED_IGNORED, depth.NOT_HEALTHY, depth.NO_VANISHING, depth.NO_EXPLOSION,
)  # fmt: skip
_CLIP_MISTAKES = (
    clipping.NEW_ARRAYS, clipping.PER_ARRAY, clipping.ALWAYS, clipping.VALUES,
    clipping.SUM_OF_NORMS, clipping.UNCHANGED, clipping.UPSIDE_DOWN, clipping.SQUARED,
    clipping.LAST_ONLY, clipping.ROOT_OF_SUM, clipping.RMS, clipping.NO_RETURN,
    clipping.NORM_AFTER, clipping.FACTOR, clipping.NORM_SQUARED,
)  # fmt: skip

EXERCISES = table(
    Exercise(
        "xavier_uniform",
        "xavier_uniform(shape, seed) -> W, U(-r, r) with r = sqrt(6 / (fan_in + fan_out)), "
        "by its statistics over a large matrix",
        check=initializers._check_xavier_uniform,
        visible=initializers.VISIBLE_XAVIER,
        reference=init.xavier_uniform,
        mistakes=_XAVIER_MISTAKES,
    ),
    Exercise(
        "he_normal",
        "he_normal(shape, seed) -> W, N(0, 2 / fan_in), by its statistics over a large matrix",
        check=initializers._check_he_normal,
        visible=initializers.VISIBLE_HE,
        reference=init.he_normal,
        mistakes=_HE_MISTAKES,
    ),
    Exercise(
        "grad_norms",
        "grad_norms(model, X, y) -> ||dL/dW|| per Linear layer, input side first, against "
        "bpkit's mse and backward pass",
        check=norms._check_grad_norms,
        visible={"cases": norms.VISIBLE_CASES},
        mistakes=_NORMS_MISTAKES,
    ),
    Exercise(
        "depth_profile",
        "depth_profile(activation, init, depth, width, n, seed) -> norms per layer, by the "
        "properties it must show (healthy ReLU + He, vanishing sigmoid, exploding ReLU)",
        check=depth._check_depth_profile,
        visible={"seeds": depth.VISIBLE_SEEDS},
        mistakes=_DEPTH_MISTAKES,
    ),
    Exercise(
        "clip_by_global_norm",
        "clip_by_global_norm(grads, max_norm) -> the norm before clipping, grads scaled in "
        "place, against bpkit.optim.clip_grad_norm",
        check=clipping._check_clip_by_global_norm,
        visible={"cases": clipping.VISIBLE_CASES},
        reference=optim.clip_grad_norm,
        mistakes=_CLIP_MISTAKES,
    ),
)

__getattr__, __dir__ = EXERCISES.module_hooks(globals())  # checks.<exercise>(answer)

__all__ = ["EXERCISES", *EXERCISES]
