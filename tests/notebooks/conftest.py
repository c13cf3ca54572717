"""Notebook tier: executions are cached so that each notebook runs once per session per mode.

Tests are parametrised by notebook and carry its marker, so ``pytest -m nb03`` runs one topic
and ``pytest -m "not slow"`` skips everything that starts a kernel.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _nb import Notebook, execute  # noqa: E402

_EXECUTED: dict[tuple[Path, str | None], object] = {}


@pytest.fixture(scope="session")
def executed():
    """executed(path, grading_mode) -> the notebook after one run in a fresh kernel (cached)."""

    def run(path: Path, grading_mode: str | None = None):
        key = (path, grading_mode)
        if key not in _EXECUTED:
            _EXECUTED[key] = execute(path, grading_mode=grading_mode)
        return _EXECUTED[key]

    return run


def pytest_make_parametrize_id(config, val, argname):
    if isinstance(val, Notebook):
        return val.name
    return None
