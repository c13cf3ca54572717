"""Notebook 00 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

import pytest

import bpkit_grader.nb00 as hidden
from bpkit.checks import nb00 as checks


def test_special_casing_the_visible_inputs_fails_the_hidden_checks():
    def cheat(a):  # right on the visible shapes only
        return a.mean(axis=0) if a.shape[0] in (4, 8, 1) else a.sum(axis=0)

    checks.batch_mean(cheat)
    with pytest.raises(AssertionError, match="missing 1/n"):
        hidden.batch_mean(cheat)
