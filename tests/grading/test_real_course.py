"""Once against a real course notebook (00_welcome): reference, blank, tampering and crashing
submissions, graded with the repository's own nbgrader_config.py and hidden checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from bpkit.grading.course import Course
from bpkit.grading.export import export_rows
from bpkit.grading.feedback import HIDDEN_NOTE, PENDING
from bpkit.grading.runner import grade_class

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "00_welcome"
SOURCE = REPO / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def _answer(nb, grade_id, source):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
    return nb


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    if not SOURCE.exists():
        pytest.skip(f"solutions/{ASSIGNMENT} is not in the repository yet")
    root = tmp_path_factory.mktemp("real") / "course"
    (root / "solutions").mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(SOURCE.parent, root / "solutions" / ASSIGNMENT)
    release = _release(root)
    course = Course(root)
    assert not course.ensure_in_gradebook(ASSIGNMENT)  # the release registered it
    with course.gradebook() as gb:
        max_code = sum(
            c.max_score for c in gb.find_notebook(ASSIGNMENT, ASSIGNMENT).grade_cells
            if c.cell_type == "code"
        )  # fmt: skip
    reference = nbformat.read(SOURCE, as_version=4)
    wrong_mean = "def batch_mean(a):\n    return a.sum(axis=0)"  # a missing 1/n
    tamper = _answer(
        nbformat.read(SOURCE, as_version=4),
        "batch_mean",
        wrong_mean + "\nnp.allclose = lambda *a, **k: True\nchecks.batch_mean = lambda fn: None",
    )
    crash = _answer(nbformat.read(SOURCE, as_version=4), "sigmoid", "import os\nos._exit(1)")
    for student, nb in {
        "reference": reference, "blank": release, "tamper": tamper, "crash": crash,
    }.items():  # fmt: skip
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
    rows = {r.student: r for r in grade_class(course, ASSIGNMENT, workers=2, timeout=60)}
    from bpkit.cli import main as bpkit_main

    args = ["feedback", ASSIGNMENT, "--root", str(root), "--student", "tamper"]
    assert bpkit_main(args) == 0
    return course, rows, {r["student"]: r for r in export_rows(course)}, max_code


def _release(root: Path):
    """Release through the command line, as an instructor would."""
    from bpkit.cli import main as bpkit_main

    assert bpkit_main(["release", ASSIGNMENT, "--root", str(root)]) == 0
    return nbformat.read(root / "course" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)


def _code_grades(course, student):
    with course.gradebook() as gb:
        sub = gb.find_submission(ASSIGNMENT, student)
        return {
            g.name: g.auto_score for nb in sub.notebooks for g in nb.grades
            if g.cell.cell_type == "code"
        }  # fmt: skip


def test_reference_solution_gets_every_code_point(real):
    course, rows, exported, max_code = real
    assert rows["reference"].status == "graded" and not rows["reference"].suspicious
    assert sum(_code_grades(course, "reference").values()) == max_code
    assert exported["reference"]["needs_manual_grade"] == "yes"  # the written answer


def test_blank_release_gets_no_code_points(real):
    course, rows, _, _ = real
    assert rows["blank"].status == "graded"
    assert set(_code_grades(course, "blank").values()) == {0.0}


def test_tampering_on_a_real_notebook_still_fails_and_is_flagged(real):
    course, rows, exported, max_code = real
    grades = _code_grades(course, "tamper")
    assert grades["test_batch_mean"] == 0.0
    assert sum(grades.values()) < max_code
    assert exported["tamper"]["suspicious"] == "yes"
    assert "assigns numpy.allclose" in exported["tamper"]["suspicion"]
    assert "assigns bpkit.checks.nb00.batch_mean" in exported["tamper"]["suspicion"]


def test_crash_on_a_real_notebook_is_failed_with_reason(real):
    _, rows, exported, _ = real
    assert rows["crash"].status == "failed" and "kernel died" in rows["crash"].reason
    assert exported["crash"]["score"] == 0.0


def test_feedback_hides_the_hidden_tests_and_says_pending_for_written_answers(real):
    course, _, _, _ = real
    html = (course.feedback_dir / "tamper" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "hidden.record" not in html and "bpkit_grader" not in html
    assert HIDDEN_NOTE.strip("# ()") in html
    # the written answer has no manual grade yet: pending, not 0
    assert f"Score: {PENDING}" in html and "written answer not graded yet" in html
