"""Solutions get full marks from nbgrader's Validator (its result dict, not the CLI exit code)."""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from _nb import ROOT, Notebook, kernel_env, params
from nbgrader.validator import Validator
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader


def course_config() -> Config:
    config = Config()
    config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config())
    return config


@contextmanager
def kernel_environment():
    """Validator's kernels inherit os.environ: give them what a student's kernel would have."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(kernel_env(grading_mode=None))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def validate(path, **traits) -> dict:
    with kernel_environment():
        return Validator(config=course_config(), **traits).validate(str(path))


@pytest.mark.parametrize("nb", params(slow=True))
def test_solution_validates_with_full_marks(nb: Notebook):
    result = validate(nb.source)
    problems = {key: value for key, value in result.items() if value}
    details = "\n\n".join(
        f"[{key}] {item.get('source', '')[:200]}\n{item.get('raw_error', '')[-1500:]}"
        for key, items in problems.items()
        for item in items
    )
    assert not problems, f"{nb.name} does not validate with full marks:\n{details}"
