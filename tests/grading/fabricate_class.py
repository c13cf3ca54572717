"""Build a tiny nbgrader course and a class of fabricated submissions, for tests and benchmarks.

The fixture assignment ``ex01`` has one notebook with two graded exercises, laid out like the
real course (see ``bpkit.grading.judging``):

- ``square`` (2 points) and ``mean`` (1 point): visible checks in the package
  ``fixture_checks.ex01`` (built on ``bpkit.checks._core``, importable inside the sandbox), hidden
  cases in the grader-only table ``fixture_grader.ex01``, which never enters the kernel. The hidden
  test cells record the student's results; the grader judges them.

Submissions are made from the generated release, with the answer cells filled in, so they look
exactly like what a student hands in.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import nbformat

ASSIGNMENT = "ex01"
NOTEBOOK = "ex01"
MAX_SCORE = 3.0

CONFIG = '''\
"""Fixture course for the grading tests."""

import os
import sys
from pathlib import Path

from bpkit.grading.policy import apply_grading_policy

c = get_config()  # noqa: F821
ROOT = Path(__file__).resolve().parent
LIB = ROOT / "fixture_lib"  # the visible checks: public, importable in the sandbox
for path in (str(ROOT), str(LIB)):  # the grader finds fixture_grader and fixture_checks
    if path not in sys.path:
        sys.path.insert(0, path)
os.environ["PYTHONPATH"] = str(LIB)  # unsandboxed kernels (validate, --no-sandbox)
c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.course_id = "fixture"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "course"
apply_grading_policy(c)
for name in ("ProvideHiddenCases", "JudgeHidden"):
    c[name].grader_package = "fixture_grader"
    c[name].checks_package = "fixture_checks"
c.SandboxKernelManager.extra_paths = [str(LIB)]
c.HideGraderFrames.packages = ["bpkit_grader", "fixture_grader"]
'''

VISIBLE_CHECKS = '''\
"""Visible checks of the fixture assignment (public; the hidden cases reuse them)."""

import numpy as np

from bpkit.checks._core import call, expect_close, guard, passed
from bpkit.checks._exercise import Exercise, table


def _check_square(square, cases):
    guard()
    for name, xs in cases:
        x = np.array(xs, dtype=float)
        got = call(square, x, what=f"square on {name}")
        expect_close(f"square on {name}", got, x * x,
                     mistakes={"2x instead of x squared": 2 * x})
    passed("square")


def _check_mean(mean, cases):
    guard()
    for name, xs in cases:
        x = np.array(xs, dtype=float)
        got = call(mean, x, what=f"mean of {name}")
        expect_close(f"mean of {name}", got, x.mean(),
                     mistakes={"the sum instead of the mean": x.sum()})
    passed("mean")


EXERCISES = table(
    Exercise("square", "square(x) -> x * x", check=_check_square,
             visible={"cases": [("x = [1, -2, 3]", [1.0, -2.0, 3.0])]},
             mistakes=("2x instead of x squared",)),
    Exercise("mean", "mean(x) -> the mean of x", check=_check_mean,
             visible={"cases": [("[1, 2, 6]", [1.0, 2.0, 6.0])]},
             mistakes=("the sum instead of the mean",)),
)
__getattr__, __dir__ = EXERCISES.module_hooks(globals())
check_square, check_mean = EXERCISES["square"], EXERCISES["mean"]  # the names the cells call
'''

HIDDEN_CASES = '''\
"""Hidden cases of the fixture assignment (grader-only; inputs, never expected values)."""

HIDDEN = {
    "square": {"cases": [("7 points", [-3.0, -2.0, -1.0, 0, 1, 2, 3.0])]},
    "mean": {"cases": [("0..9", [float(i) for i in range(10)])]},
}
'''

SETUP = "import numpy as np\nimport fixture_checks.ex01 as checks"
#: A comment only the instructor's solution has: it must never reach a student.
SOLUTION_MARK = "the reference line 3b7e"
SQUARE = (
    "def square(x):\n    ### BEGIN SOLUTION\n"
    f"    return x * x  # {SOLUTION_MARK}\n    ### END SOLUTION"
)
MEAN = "def mean(x):\n    ### BEGIN SOLUTION\n    return np.mean(x)\n    ### END SOLUTION"
HIDDEN_SQUARE = 'hidden.record("ex01", "square", square)'
HIDDEN_MEAN = 'hidden.record("ex01", "mean", mean)'
TEST_SQUARE = (
    "checks.check_square(square)\n### BEGIN HIDDEN TESTS\n"
    f"from bpkit.checks import hidden\n{HIDDEN_SQUARE}\n### END HIDDEN TESTS"
)
TEST_MEAN = (
    "checks.check_mean(mean)\n### BEGIN HIDDEN TESTS\n"
    f"from bpkit.checks import hidden\n{HIDDEN_MEAN}\n### END HIDDEN TESTS"
)

#: Correct answers, keyed by grade_id.
CORRECT = {
    "square": "def square(x):\n    return x * x",
    "mean": "def mean(x):\n    return np.mean(x)",
}
#: Plausible wrong answers.
WRONG = {"square": "def square(x):\n    return 2 * x", "mean": "def mean(x):\n    return np.sum(x)"}


def _meta(grade_id: str, *, grade: bool, solution: bool, points: float | None = None) -> dict:
    meta = {
        "grade": grade,
        "solution": solution,
        "locked": not solution,
        "grade_id": grade_id,
        "schema_version": 3,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook() -> nbformat.NotebookNode:
    """The instructor's notebook, with solutions and hidden tests."""
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.language_info = {"name": "python"}
    code = nbformat.v4.new_code_cell
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Fixture assignment\nTwo tiny exercises."),
        code(SETUP, metadata=_meta("setup", grade=False, solution=False)),
        code(SQUARE, metadata=_meta("square", grade=False, solution=True)),
        code(TEST_SQUARE, metadata=_meta("test_square", grade=True, solution=False, points=2)),
        code(MEAN, metadata=_meta("mean", grade=False, solution=True)),
        code(TEST_MEAN, metadata=_meta("test_mean", grade=True, solution=False, points=1)),
    ]
    return nb


def build_course(root: Path) -> Path:
    """Write the fixture course under ``root``, release it and register it in the gradebook."""
    from bpkit.grading.course import Course

    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(CONFIG)
    for package, text in (
        (root / "fixture_lib" / "fixture_checks", VISIBLE_CHECKS),
        (root / "fixture_grader", HIDDEN_CASES),
    ):
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").write_text("")
        (package / f"{ASSIGNMENT}.py").write_text(text)
    folder = root / "solutions" / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(source_notebook(), folder / f"{NOTEBOOK}.ipynb")
    result = Course(root).api().generate_assignment(ASSIGNMENT, force=True, create=True)
    assert result["success"], result.get("error")
    return root


def release_notebook(root: Path) -> nbformat.NotebookNode:
    """The student version, as generated by nbgrader."""
    return nbformat.read(root / "course" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)


def filled(root: Path, answers: dict[str, str], extra: list[str] | None = None):
    """The release notebook with answer cells replaced (grade_id -> source).

    ``extra`` sources are appended as new code cells after the setup cell, as a student might add
    scratch cells.
    """
    nb = release_notebook(root)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    for i, source in enumerate(extra or []):
        nb.cells.insert(2 + i, nbformat.v4.new_code_cell(source))
    return nb


def submit(root: Path, student: str, content, name: str = f"{NOTEBOOK}.ipynb") -> Path:
    """Put a submission at ``submitted/<student>/ex01/<name>``.

    ``content`` is a notebook node, or raw text/bytes for broken files.
    """
    folder = root / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content)
    else:
        nbformat.write(content, path)
    (folder / "timestamp.txt").write_text("2026-01-15 12:00:00.000000 UTC")
    return path


def hostile(code: str) -> str:
    """Dedent a hostile answer snippet."""
    return textwrap.dedent(code).strip("\n")


def as_json(nb) -> str:
    return json.dumps(nb)
