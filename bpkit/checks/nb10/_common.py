"""nb10: shared helpers."""

from __future__ import annotations

import numpy as np

from bpkit.checks._core import expect

_asarray = np.asarray
_concatenate = np.concatenate
_default_rng = np.random.default_rng
_sqrt = np.sqrt
_zeros_like = np.zeros_like
_errstate = np.errstate
_cos = np.cos
_pi = np.pi
_type = object.__class__

_global_draw = np.random.random_sample  # noqa: NPY002 - only to move the global state on


def _stir_global_rng() -> None:
    """Move numpy's global random state on by one draw before calling a seed-taking answer.

    An answer that runs ``np.random.seed(seed)`` and draws leaves the same global state every
    time it runs with that seed, so the next call would look as if it never touched it; one
    draw in between lets the GLOBAL_RNG rule of ``call`` see every such call.
    """
    _global_draw()


StepCase = tuple[str, int, dict[str, tuple[int, ...]], tuple[float, ...], float, float]


def _flat(d: dict) -> np.ndarray:
    return _concatenate([_asarray(d[k], dtype=float).ravel() for k in sorted(d)])


def _case(seed: int, shapes: dict[str, tuple[int, ...]], steps: int, scale: float = 1.0):
    """Parameters and one gradient dict per step; gradients of mixed sizes per parameter."""
    g = _default_rng(seed)
    params = {k: g.standard_normal(s) for k, s in shapes.items()}
    sizes = {k: scale * 10.0 ** float(g.integers(-1, 2)) for k in shapes}
    grads = [{k: sizes[k] * g.standard_normal(s) for k, s in shapes.items()} for _ in range(steps)]
    return params, grads


REPLACED = "the parameter arrays were replaced, not updated in place"
NEVER_CHANGED = "parameters that never changed: update the arrays in place, params[k] -= ..."


def _check_in_place(what: str, p: dict, p_ids: dict) -> None:
    expect(
        all(id(p[k]) == p_ids[k] for k in p),
        f"{what}: {REPLACED}. Write "
        "params[k] -= ... (or params[k][...] = ...) so the model that owns the arrays sees "
        "the change.",
    )
