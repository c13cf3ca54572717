"""Submissions that fight the grader itself: a loop that swallows the timeout's interrupt, and
code that kills the grading process. Both end as a status row; the rest of the class is graded.

These run with ``sandbox=False``: in the sandbox a notebook cannot even see its grading process
(``test_attacks.py``), but a worker can still die for other reasons (the kernel's OOM killer),
and that path must record the student too."""

from __future__ import annotations

import fabricate_class as fab
import pytest

from bpkit.grading.course import Course
from bpkit.grading.export import export_rows
from bpkit.grading.runner import grade_class

pytestmark = pytest.mark.slow

SWALLOW = """\
import time
def square(x):
    while True:
        try:
            time.sleep(0.1)
        except KeyboardInterrupt:
            pass"""
PARRICIDE = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"


@pytest.fixture(scope="module")
def rows(course_root):
    fab.submit(course_root, "ok", fab.filled(course_root, fab.CORRECT))
    fab.submit(course_root, "swallow", fab.filled(course_root, {**fab.CORRECT, "square": SWALLOW}))
    fab.submit(course_root, "parricide", fab.filled(course_root, {"square": PARRICIDE}))
    course = Course(course_root)
    # slack: room for a kernel that starts slowly on a loaded machine (the parricide needs a
    # running kernel); the swallowing loop is stopped by the cell timeout, not by this deadline
    graded = grade_class(course, fab.ASSIGNMENT, workers=2, timeout=3, slack=60, sandbox=False)
    return {r.student: r for r in graded}, {r["student"]: r for r in export_rows(course)}


def test_rest_of_class_is_graded(rows):
    by_student, exported = rows
    assert (by_student["ok"].status, by_student["ok"].score) == ("graded", 3.0)
    assert set(exported) == {"ok", "swallow", "parricide"}


def test_interrupt_swallowing_loop_is_stopped(rows):
    by_student, exported = rows
    row = by_student["swallow"]
    assert row.status == "failed"
    assert "kept running after the timeout tried to interrupt it" in row.reason
    assert "catch KeyboardInterrupt" in row.reason and "'test_square'" in row.reason
    assert exported["swallow"]["status"] == row.status and exported["swallow"]["reason"]


def test_killed_grading_process_is_recorded_as_failed(rows):
    by_student, exported = rows
    row = by_student["parricide"]
    assert row.status == "failed"
    assert "the grading process died (signal 9) during cell 3 ('square')" in row.reason
    assert exported["parricide"]["score"] == 0.0


def _stuck_worker(args, log_path):
    """Stands in for a worker that never finishes, with a child process of its own."""
    import subprocess
    import time
    from pathlib import Path

    child = subprocess.Popen(["sleep", "120"])
    Path(args.result).with_suffix(".pid").write_text(str(child.pid))
    Path(args.result).with_suffix(".cell").write_text("cell 3 ('square')")
    time.sleep(120)


def test_a_student_past_the_whole_notebook_deadline_is_killed_with_its_children(
    fresh_course, monkeypatch
):
    import time
    from pathlib import Path

    from bpkit.grading import worker
    from bpkit.grading.runner import ClassGrader

    fab.submit(fresh_course, "stuck", fab.filled(fresh_course, fab.CORRECT))
    monkeypatch.setattr(worker, "child_main", _stuck_worker)
    grader = ClassGrader(Course(fresh_course), fab.ASSIGNMENT, workers=1, timeout=0, slack=3)
    started = time.monotonic()
    (row,) = grader.run()
    assert time.monotonic() - started < 60
    assert row.status == "failed"
    assert row.reason == "stopped after 3 s for the whole notebook (last cell: cell 3 ('square'))"
    pid = int((grader.work_dir / "stuck.pid").read_text())
    time.sleep(0.5)
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except FileNotFoundError:
        state = "gone"
    assert state in ("gone", "Z")  # killed: gone, or a zombie waiting for init to reap it


def test_a_kernel_that_dies_once_is_graded_again(fresh_course, monkeypatch):
    """A kernel can die for reasons that are not the student's: one more try, and say so."""
    from bpkit.grading import course as course_module

    real_api = course_module.Course.api
    tries: list[int] = []

    def flaky_api(self, **kw):
        api = real_api(self, **kw)
        real_autograde = api.autograde

        def autograde(*args, **kwargs):
            tries.append(1)  # in the forked worker: its own copy of the list
            if len(tries) == 1:
                return {"success": False, "log": "[ERROR] Kernel died before replying", "error": ""}
            return real_autograde(*args, **kwargs)

        api.autograde = autograde
        return api

    monkeypatch.setattr(course_module.Course, "api", flaky_api)
    fab.submit(fresh_course, "ok", fab.filled(fresh_course, fab.CORRECT))
    (row,) = grade_class(Course(fresh_course), fab.ASSIGNMENT, workers=1, timeout=20)
    assert (row.status, row.score) == ("graded", 3.0)
    assert row.reason == "the kernel died on the first try and the student was graded again"
