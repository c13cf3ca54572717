"""Notebook 00's checks without a kernel: references pass, every known-wrong answer is named."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import bpkit_grader.nb00 as hidden
from bpkit.checks import nb00 as checks
from bpkit.checks._core import CheckError

WRONG_FILE = Path(__file__).resolve().parents[1] / "notebooks" / "wrong" / "nb00.py"


def _wrong() -> dict[str, list[tuple[str, str, str]]]:
    spec = importlib.util.spec_from_file_location("_wrong_nb00_unit", WRONG_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG


def linear_forward(a_prev, W, b):
    return a_prev @ W.T + b


def batch_mean(a):
    return a.mean(axis=0)


def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def mse(y_hat, y):
    return float(((y - y_hat) ** 2).sum() / (2 * y.shape[0]))


def mse_grad(y_hat, y):
    return (y_hat - y) / y.shape[0]


REFERENCE = {f.__name__: f for f in (linear_forward, batch_mean, sigmoid, mse, mse_grad)}
CASES = [(name, *entry) for name, entries in _wrong().items() for entry in entries]


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_reference_answers_pass_visible_and_hidden_checks(name, capsys):
    getattr(checks, name)(REFERENCE[name])
    getattr(hidden, name)(REFERENCE[name])
    assert capsys.readouterr().out == f"\u2714 {name}: all checks passed.\n"


@pytest.mark.parametrize(("name", "label", "source", "expected"), CASES, ids=[c[1] for c in CASES])
def test_wrong_answers_get_their_diagnosis(name, label, source, expected):
    namespace = {"np": np}
    exec(source, namespace)  # noqa: S102 - the known-wrong answer, as a student would write it
    with pytest.raises(CheckError) as info:
        getattr(checks, name)(namespace[name])
    assert expected in str(info.value)


@pytest.mark.parametrize(("name", "label", "source", "expected"), CASES, ids=[c[1] for c in CASES])
def test_hidden_checks_reject_the_wrong_answers_too(name, label, source, expected):
    namespace = {"np": np}
    exec(source, namespace)  # noqa: S102
    with pytest.raises(AssertionError):
        getattr(hidden, name)(namespace[name])


def test_special_casing_the_visible_inputs_fails_the_hidden_checks():
    def cheat(a):  # right on the visible shapes only
        return a.mean(axis=0) if a.shape[0] in (4, 8, 1) else a.sum(axis=0)

    checks.batch_mean(cheat)
    with pytest.raises(AssertionError, match="missing 1/n"):
        hidden.batch_mean(cheat)
