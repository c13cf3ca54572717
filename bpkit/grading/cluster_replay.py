"""Write a worker's grading into the coordinator's gradebook, as local grading would have.

A worker sends back the autograded notebooks (executed, judged, filtered). The coordinator runs
nbgrader's own autograde for the student on its sanitized copy, with one change: the steps up to
the output filters are replaced by :class:`UseWorkerNotebook`, which hands on the worker's
notebook. The steps from ``SaveAutoGrades`` on run as configured, so the submission, its
timestamp and late penalty, every grade and comment, and the files in ``autograded/`` are written
by the same code as in ``bpkit grade`` without ``--cluster``. A student whose grading failed on
the worker (no notebook) fails here too, leaving what a local failure leaves.
"""

from __future__ import annotations

import tempfile
import time
import warnings
from pathlib import Path

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades
from traitlets import Unicode

from bpkit.grading.course import SANITIZED, Course, redact

LOCKED = "database is locked"


class UseWorkerNotebook(NbGraderPreprocessor):
    """Replace the notebook with the one the worker graded (``folder/<name>.ipynb``)."""

    folder = Unicode("", help="folder holding the worker's autograded notebooks").tag(config=True)

    def preprocess(
        self, nb: NotebookNode, resources: ResourcesDict
    ) -> tuple[NotebookNode, ResourcesDict]:
        name = resources.get("unique_key") or ""
        path = Path(self.folder) / f"{name}.ipynb"
        if not path.is_file():
            raise RuntimeError(f"the worker returned no graded notebook {name}.ipynb")
        return nbformat.read(path, as_version=4), resources


def replay_steps(configured: list[type]) -> list[type]:
    """The configured autograde steps from ``SaveAutoGrades`` on, after UseWorkerNotebook."""
    names = [step.__name__ for step in configured]
    start = names.index(SaveAutoGrades.__name__) if SaveAutoGrades.__name__ in names else 0
    return [UseWorkerNotebook, *configured[start:]]


def replay(
    course: Course, assignment: str, student: str, notebooks: dict[str, str], attempts: int = 5
) -> dict:
    """Record one student's worker results in the gradebook; nbgrader's result dict."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    with tempfile.TemporaryDirectory(prefix="bpkit-replay-") as folder:
        for name, text in notebooks.items():
            if "/" in name or not name.endswith(".ipynb"):
                raise ValueError(f"a worker returned a notebook with a bad name: {name!r}")
            Path(folder, name).write_text(text)
        config = course.config(submitted_directory=SANITIZED)
        config.Autograde.autograde_preprocessors = replay_steps(
            list(config.Autograde.autograde_preprocessors)
        )
        config.UseWorkerNotebook.folder = folder
        api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
        result: dict = {}
        for attempt in range(attempts):
            with warnings.catch_warnings():  # nbgrader's harmless "not in session" SAWarning
                warnings.filterwarnings("ignore", message=".*not in session.*")
                result = api.autograde(assignment, student, force=True, create=True)
            text = (result.get("log") or "") + (result.get("error") or "")
            if result["success"] or not notebooks or LOCKED not in text:
                break
            time.sleep(0.5 * 2**attempt)
    if notebooks and not result["success"]:
        error = redact((result.get("error") or result.get("log") or "").strip(), course.db_url)
        raise RuntimeError(f"could not record {student}'s grades in the gradebook: {error}")
    return result
