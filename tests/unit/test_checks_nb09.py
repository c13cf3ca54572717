"""Notebook 09 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from bpkit.checks import nb09 as checks
from bpkit.checks._core import CheckError
from bpkit.checks.nb09.shared import _bpkit_grads, _cache, _case_arrays, _grads_from, _windowed
from bpkit.optim import clip_grad_norm
from bpkit.recurrent import RNN
from bpkit_grader import judge

pytestmark = pytest.mark.nb09
EXERCISES = ["rnn_forward", "rnn_backward", "rnn_backward_truncated", "grad_norms_by_lag"]


# ----- answers built on bpkit's own RNN pass: the checks' references agree with the library -----
def _layer(W_x: np.ndarray, W_h: np.ndarray, b: np.ndarray, output: str = "sequence") -> RNN:
    layer = RNN(W_x.shape[1], W_x.shape[0], output=output)
    for name, value in (("W_x", W_x), ("W_h", W_h), ("b", b)):
        layer.params[name][...] = value
    return layer


def bpkit_forward(X, h0, W_x, W_h, b):
    H = _layer(W_x, W_h, b).forward(X, h0)
    H_prev = np.concatenate([h0[:, None], H[:, :-1]], axis=1)
    return H, {"X": X, "h0": h0, "Z": X @ W_x.T + H_prev @ W_h.T + b, "H": H}


def _replayed(cache: dict, W_h: np.ndarray, output: str) -> RNN:
    """bpkit's RNN run on the cached case: its input term U = z_t - h_{t-1} W_h^T goes in as
    the sequence, through W_x = I and b = 0, which reproduces the cached states exactly."""
    d_h = W_h.shape[0]
    H_prev = np.concatenate([cache["h0"][:, None], cache["H"][:, :-1]], axis=1)
    layer = _layer(np.eye(d_h), W_h, np.zeros(d_h), output)
    layer.forward(cache["Z"] - H_prev @ W_h.T, cache["h0"])
    return layer


def bpkit_backward(dH, cache, W_h, k=None):
    n = dH.shape[0]
    layer = _replayed(cache, W_h, "sequence")
    D = layer.backward(dH / n, truncate=k)  # dL/dU = delta_t / n, since W_x = I
    return {
        "W_x": np.einsum("ntj,nti->ji", D, cache["X"]),
        "W_h": layer.grads["W_h"].copy(),
        "b": D.sum(axis=(0, 1)),
    }


def bpkit_norms(dh_T, cache, W_h):
    layer = _replayed(cache, W_h, "last")
    layer.backward(dh_T / dh_T.shape[0])
    return np.linalg.norm(layer.dH * dh_T.shape[0], axis=(0, 2))[::-1]


def bpkit_train(model, X, y, loss, eta, epochs, clip_norm=None):
    losses = []
    for _ in range(epochs):
        L, dout = loss(model.forward(X), y)
        model.backward(dout)
        if clip_norm is not None:
            clip_grad_norm(model.named_grads(), clip_norm)
        for name, p in model.named_params().items():
            p -= eta * model.named_grads()[name]
        losses.append(L)
    return losses


BPKIT = {
    "rnn_forward": bpkit_forward,
    "rnn_backward": bpkit_backward,
    "rnn_backward_truncated": bpkit_backward,
    "grad_norms_by_lag": bpkit_norms,
    "train_rnn": bpkit_train,
}


@pytest.mark.parametrize("name", sorted(BPKIT))
def test_answers_built_on_bpkit_pass_the_visible_and_hidden_checks(name, capsys) -> None:
    getattr(checks, name)(BPKIT[name])
    assert f"{name}: all checks passed" in capsys.readouterr().out
    assert judge.judge_in_process("nb09", name, BPKIT[name]) is None


def test_the_backward_references_are_bpkit_truncated_at_every_k() -> None:
    """The check's own windowed reference (used for the mistakes) equals bpkit's RNN."""
    X, h0, W_x, W_h, b, dH = _case_arrays(5, 3, 6, 2, 3)
    cache = _cache(X, h0, W_x, W_h, b)
    H = cache["H"]
    for k in range(1, 7):
        want = _grads_from(_windowed(dH, H, W_h, lambda t, k=k: t - k + 1), X, H, h0)
        got = _bpkit_grads(X, h0, W_x, W_h, b, dH, k)
        for key in want:
            np.testing.assert_allclose(got[key], want[key], rtol=1e-10, atol=1e-12)


# ----- what students read for answers that do not even have the right form -----------------------
def test_unimplemented_answers_say_so() -> None:
    def rnn_backward(dH, cache, W_h):
        raise NotImplementedError()

    with pytest.raises(CheckError, match="not implemented yet"):
        checks.rnn_backward(rnn_backward)


def test_wrong_forms_are_named() -> None:
    with pytest.raises(CheckError, match=r"Did you forget `return H, cache`"):
        checks.rnn_forward(lambda X, h0, W_x, W_h, b: None)
    with pytest.raises(CheckError, match=r"should return the pair \(H, cache\)"):
        checks.rnn_forward(lambda X, h0, W_x, W_h, b: bpkit_forward(X, h0, W_x, W_h, b)[0])
    with pytest.raises(CheckError, match=r"the cache has no key\(s\) \['Z'\]"):
        checks.rnn_forward(
            lambda X, h0, W_x, W_h, b: (
                bpkit_forward(X, h0, W_x, W_h, b)[0],
                {"X": X, "h0": h0, "H": bpkit_forward(X, h0, W_x, W_h, b)[0]},
            )
        )
    with pytest.raises(CheckError, match=r"no key\(s\) \['b'\]"):
        checks.rnn_backward(lambda dH, cache, W_h: {"W_x": 0, "W_h": 0})
    with pytest.raises(CheckError, match="should return a dict"):
        checks.rnn_backward(lambda dH, cache, W_h: (1, 2, 3))
    with pytest.raises(CheckError, match="returned None"):
        checks.train_rnn(lambda model, X, y, loss, eta, epochs, clip_norm: None)


def test_an_answer_that_changes_the_cache_in_place_is_told() -> None:
    def rnn_backward(dH, cache, W_h):
        grads = bpkit_backward(dH, cache, W_h)
        cache["H"] *= 0  # "cleaning up"
        return grads

    with pytest.raises(CheckError, match="changed its input `cache` in place"):
        checks.rnn_backward(rnn_backward)


# ----- stack-frame theft -------------------------------------------------------------------------
# In record mode the whole check runs in the student's kernel, so a student's function can walk
# up the stack and read the check's locals. No reference for a call may exist before that call.
LOOT = re.compile(r"^(right|expected\w*|ref\w*|want\w*|target\w*|true\w*)$")
STOLEN: list[str] = []


def _loot(fits: Callable[[Any], bool]) -> dict[str, Any]:
    """Every value named like a reference that ``fits``, in the frames above the caller's."""
    found: dict[str, Any] = {}
    frame = sys._getframe(2)
    while frame is not None:
        for name, value in list(frame.f_locals.items()):
            if LOOT.match(name) and name not in found and fits(value):
                found[name] = value
        frame = frame.f_back
    STOLEN.extend(found)
    return found


def _grads_like(W_h: np.ndarray) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, dict) and {"W_x", "W_h", "b"} <= set(v)


def _thief_forward(X, h0, W_x, W_h, b):
    n, T, _ = X.shape
    found = _loot(lambda v: isinstance(v, dict) and "H" in v and "Z" in v)
    for cache in found.values():
        return cache["H"], cache
    H = np.zeros((n, T, W_h.shape[0]))
    return H, {"X": X, "h0": h0, "Z": H, "H": H}


def _thief_backward(dH, cache, W_h, k=None):
    for grads in _loot(_grads_like(W_h)).values():
        return grads
    return {"W_x": 0.0, "W_h": 0.0, "b": 0.0}


def _thief_norms(dh_T, cache, W_h):
    T = cache["H"].shape[1]
    found = _loot(lambda v: isinstance(v, np.ndarray) and v.shape == (T,))
    return next(iter(found.values()), np.zeros(T))


def _thief_train(model, X, y, loss, eta, epochs, clip_norm=None):
    models = _loot(lambda v: v is not model and hasattr(v, "named_params"))
    for ref in models.values():
        for key, value in ref.named_params().items():
            model.named_params()[key][...] = value
    losses = _loot(lambda v: isinstance(v, list | np.ndarray) and len(v) == epochs)
    return next(iter(losses.values()), [0.0] * epochs)


THIEVES = {
    "rnn_forward": _thief_forward,
    "rnn_backward": _thief_backward,
    "rnn_backward_truncated": _thief_backward,
    "grad_norms_by_lag": _thief_norms,
    "train_rnn": _thief_train,
}


def test_the_thief_finds_a_reference_that_exists_before_the_call() -> None:
    """The thief works: a check that computed `expected` before the call would be fooled."""
    STOLEN.clear()

    def careless_check():
        expected = np.array([3.0, 2.0, 1.0])  # noqa: F841 - the reference, computed too early
        return _thief_norms(None, {"H": np.zeros((1, 3, 2))}, None)

    assert careless_check().tolist() == [3.0, 2.0, 1.0]
    assert STOLEN == ["expected"]


@pytest.mark.parametrize("name", sorted(THIEVES))
def test_a_student_reading_the_checks_frames_is_rejected(name: str) -> None:
    STOLEN.clear()
    verdict = judge.judge_in_process("nb09", name, THIEVES[name])
    assert verdict is not None, f"{name}: the outside judge accepted a frame thief"
    assert STOLEN == [], f"the thief found {STOLEN} in the frames of the {name} check"
