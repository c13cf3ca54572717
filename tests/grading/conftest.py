"""Fixtures for the grading tier: a fixture course built once, copied for each test module."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import fabricate_class as fab  # noqa: E402


@pytest.fixture(scope="session")
def course_template(tmp_path_factory) -> Path:
    """The fixture course, released and registered in a fresh gradebook (built once)."""
    return fab.build_course(tmp_path_factory.mktemp("template") / "course")


@pytest.fixture(scope="module")
def course_root(course_template, tmp_path_factory) -> Path:
    """A private copy of the fixture course for one test module."""
    root = tmp_path_factory.mktemp("course") / "course"
    shutil.copytree(course_template, root)
    return root


@pytest.fixture()
def fresh_course(course_template, tmp_path) -> Path:
    """A private copy of the fixture course for one test."""
    root = tmp_path / "course"
    shutil.copytree(course_template, root)
    return root
