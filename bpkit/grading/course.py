"""The course directory: where the notebooks live, which gradebook to use, and the nbgrader config.

A course root holds ``nbgrader_config.py``, the source notebooks (``solutions/``), the release
(``course/``) and nbgrader's working folders (``submitted/``, ``autograded/``, ``feedback/``).
bpkit adds one folder, ``sanitized/``: the cleaned copies that are actually graded, so the files in
``submitted/`` are never modified.
"""

from __future__ import annotations

import copy
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from bpkit.grading.policy import apply_grading_policy

CONFIG_NAME = "nbgrader_config.py"
SANITIZED = "sanitized"


def ensure_tools_on_path() -> None:
    """Put this Python's ``bin`` folder on PATH: nbgrader runs ``alembic`` from PATH."""
    bin_dir = str(Path(sys.executable).parent)
    if shutil.which("alembic") is None and bin_dir not in os.environ.get("PATH", ""):
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])


def normalise_db_url(url: str) -> str:
    """Pick an installed PostgreSQL driver for a plain ``postgresql://`` URL.

    SQLAlchemy 2.1 maps ``postgresql://`` to the ``psycopg`` (3) driver, while bpkit's
    ``postgres`` extra installs ``psycopg2-binary``; use whichever is importable.
    """
    if not url.startswith(("postgresql://", "postgres://")):
        return url
    import importlib.util

    rest = url.split("://", 1)[1]
    if importlib.util.find_spec("psycopg") is None and importlib.util.find_spec("psycopg2"):
        return f"postgresql+psycopg2://{rest}"
    return f"postgresql://{rest}"


def url_password(url: str | None) -> str:
    """The password inside a database URL, or "" (never print it: see :func:`redact`)."""
    if not url or "://" not in url:
        return ""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).password or ""
    except (ArgumentError, ValueError):
        return ""


def redact(text: str, url: str | None) -> str:
    """``text`` with the password of ``url`` (decoded, quoted, or as the URL spells it) replaced
    by ``***``."""
    import re
    from urllib.parse import quote

    secret = url_password(url)
    if not secret:
        return text
    spelled = re.search(r"://[^:/@]*:([^@]*)@", url or "")
    forms = {secret, quote(secret, safe=""), *(spelled.groups() if spelled else ())}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    return text


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: cwd) holding ``nbgrader_config.py``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return here


def load_course_config(root: Path) -> Config:
    """Load ``root/nbgrader_config.py`` (if any) on top of bpkit's grading policy.

    Loading the file also runs it, which puts the course root on ``PYTHONPATH`` for kernels
    (the grader-only package ``bpkit_grader`` must be importable by hidden tests).
    """
    config = apply_grading_policy(Config())
    if (root / CONFIG_NAME).is_file():
        config.merge(PyFileConfigLoader(CONFIG_NAME, path=str(root)).load_config())
    return config


@dataclass
class Course:
    """One course root plus the gradebook URL; builds nbgrader objects configured for both."""

    root: Path
    db_url: str | None = None
    timeout: int | None = None

    def __post_init__(self) -> None:
        ensure_tools_on_path()
        self.root = Path(self.root).resolve()
        self._config = load_course_config(self.root)
        self._config.CourseDirectory.root = str(self.root)
        if self.timeout is not None:
            self._config.Execute.timeout = int(self.timeout)
        if self.db_url is None:
            configured = self._config.CourseDirectory.get("db_url")
            self.db_url = configured or f"sqlite:///{self.root / 'gradebook.db'}"
        self.db_url = normalise_db_url(self.db_url)
        self._config.CourseDirectory.db_url = self.db_url

    # -- folders ---------------------------------------------------------------------------
    def folder(self, trait: str, default: str) -> Path:
        """A CourseDirectory folder (e.g. ``submitted_directory``) as an absolute path."""
        return self.root / self._config.CourseDirectory.get(trait, default)

    @property
    def source_dir(self) -> Path:
        return self.folder("source_directory", "source")

    @property
    def release_dir(self) -> Path:
        return self.folder("release_directory", "release")

    @property
    def submitted_dir(self) -> Path:
        return self.folder("submitted_directory", "submitted")

    @property
    def autograded_dir(self) -> Path:
        return self.folder("autograded_directory", "autograded")

    @property
    def feedback_dir(self) -> Path:
        return self.folder("feedback_directory", "feedback")

    @property
    def sanitized_dir(self) -> Path:
        return self.root / SANITIZED

    @property
    def course_id(self) -> str:
        return self._config.CourseDirectory.get("course_id", "") or "default_course"

    # -- nbgrader objects ------------------------------------------------------------------
    def config(self, **course_dir: Any) -> Config:
        """A copy of the merged config, with extra CourseDirectory settings."""
        config = copy.deepcopy(self._config)
        config.merge(Config({"CourseDirectory": course_dir}))
        return config

    def api(self, **course_dir: Any):
        """An ``NbGraderAPI`` for this course (``course_dir`` overrides CourseDirectory traits)."""
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        config = self.config(**course_dir)
        coursedir = CourseDirectory(config=config)
        return NbGraderAPI(coursedir=coursedir, config=config)

    @contextmanager
    def gradebook(self) -> Iterator[Any]:
        """An open nbgrader ``Gradebook``; its connections are closed on exit.

        Closing the engine too (not only the session) matters: ``bpkit grade`` forks workers, and a
        pooled connection inherited by a child must not be shared with the parent.
        """
        from nbgrader.api import Gradebook

        gb = Gradebook(self.db_url, self.course_id)
        try:
            yield gb
        finally:
            gb.close()
            gb.engine.dispose()

    # -- assignments -----------------------------------------------------------------------
    def assignments(self) -> list[str]:
        """Assignment names: the folders of the source directory that hold a notebook."""
        if not self.source_dir.is_dir():
            return []
        return sorted(
            p.name for p in self.source_dir.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))
        )

    def notebooks(self, assignment: str) -> list[str]:
        """Notebook names (without ``.ipynb``) of ``assignment``, from its source folder."""
        folder = self.source_dir / assignment
        if not folder.is_dir():
            known = ", ".join(self.assignments()) or "none"
            raise FileNotFoundError(
                f"no assignment '{assignment}' in {self.source_dir.name}/ (known: {known})"
            )
        return sorted(p.stem for p in folder.glob("*.ipynb"))

    def ensure_in_gradebook(self, assignment: str) -> bool:
        """Register ``assignment`` in the gradebook if needed; True if it had to be added.

        nbgrader only grades assignments it has generated. Generation goes to a temporary
        release folder, so the committed release (``course/``) is not touched here.
        """
        from nbgrader.api import MissingEntry

        with self.gradebook() as gb:
            try:
                gb.find_assignment(assignment)
                return False
            except MissingEntry:
                pass
        with tempfile.TemporaryDirectory(prefix="bpkit-release-") as tmp:
            api = self.api(release_directory=tmp)
            result = api.generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(
                f"could not register '{assignment}' in the gradebook:\n{result.get('error', '')}"
            )
        return True


@contextmanager
def working_dir(path: Path) -> Iterator[None]:
    """Temporarily change the working directory."""
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)
