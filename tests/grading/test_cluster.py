"""``bpkit grade --cluster`` with a real Redis (password protected) and two real sandboxed
``bpkit worker`` processes: the gradebook equals local grading's, a worker killed mid-task loses
nothing, a killed coordinator resumes, and the password shows nowhere."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time

import fabricate_class as fab
import nbformat
import pytest
from test_cluster_support import BPKIT, RedisServer, Workers, cmdline, wait_for, worker_env

from bpkit.cli import main as bpkit_main
from bpkit.grading.course import Course
from bpkit.grading.export import export_rows
from bpkit.grading.runner import grade_class

pytestmark = pytest.mark.slow

SECRET = "s3cret-broker-pw"
SLOW = "import time\ntime.sleep(5)"
CLASS = {
    "ok": fab.CORRECT,
    "wrong": fab.WRONG,
    "half": {"square": fab.CORRECT["square"], "mean": fab.WRONG["mean"]},
    "crash": {"square": "import os\nos._exit(1)", "mean": fab.CORRECT["mean"]},
}


@pytest.fixture(scope="module")
def cluster(course_template, tmp_path_factory):
    """Redis with a password, and two sandboxed workers on their own copy of the course."""
    import shutil

    redis = RedisServer(password=SECRET)
    logs = tmp_path_factory.mktemp("logs")
    worker_root = tmp_path_factory.mktemp("worker") / "course"
    shutil.copytree(course_template, worker_root)
    workers = Workers(logs, worker_env(redis.url))
    for name in ("w1", "w2"):
        workers.start(name, worker_root)
    try:
        workers.wait_ready()
        yield redis, workers
    finally:
        workers.stop()
        redis.stop()


@pytest.fixture()
def env(cluster, monkeypatch):
    redis, workers = cluster
    workers.restart_dead()
    workers.wait_ready()
    monkeypatch.setenv("BPKIT_CLUSTER_URL", redis.url)
    return worker_env(redis.url)


def _submit_class(root, students=CLASS, extra=None):
    for student, answers in students.items():
        fab.submit(root, student, fab.filled(root, answers, extra=(extra or {}).get(student)))
    fab.submit(root, "broken", "{")


def _grade(root, *extra):
    return bpkit_main(["grade", fab.ASSIGNMENT, "--root", str(root), "--cluster", *extra])


def _cells(course, student):
    """Every grade and comment nbgrader keeps for the student, by cell."""
    with course.gradebook() as gb:
        sub = gb.find_submission(fab.ASSIGNMENT, student)
        return {
            (nb.name, g.name): (g.auto_score, g.manual_score, g.max_score, g.needs_manual_grade)
            for nb in sub.notebooks
            for g in nb.grades
        } | {"late": sub.total_seconds_late}


def _graded_notebook(course, student):
    path = course.autograded_dir / student / fab.ASSIGNMENT / "ex01.ipynb"
    nb = nbformat.read(path, as_version=4)
    return [(c.source, c.get("outputs", [])) for c in nb.cells]


def test_the_gradebook_equals_local_grading(env, fresh_course, tmp_path):
    import shutil
    import tempfile

    local_root = tmp_path / "local"
    shutil.copytree(fresh_course, local_root)
    _submit_class(fresh_course)
    _submit_class(local_root)
    scratch = tempfile.mkdtemp(prefix="bpkit-cl-")  # short; not where other tests look for leaks
    before, tempfile.tempdir = tempfile.tempdir, scratch
    try:
        grade_class(Course(local_root), fab.ASSIGNMENT, workers=2, timeout=20)
    finally:
        tempfile.tempdir = before
        shutil.rmtree(scratch, ignore_errors=True)
    assert _grade(fresh_course) == 0
    local, remote = Course(local_root), Course(fresh_course)
    assert export_rows(remote) == export_rows(local)
    by_student = {r["student"]: r for r in export_rows(remote)}
    assert (by_student["ok"]["score"], by_student["half"]["score"]) == (3.0, 2.0)
    assert (
        by_student["crash"]["status"] == "failed" and "kernel died" in by_student["crash"]["reason"]
    )
    assert by_student["broken"]["status"] == "invalid notebook"
    assert {r["isolation"] for r in by_student.values() if r["status"] == "graded"} == {"sandboxed"}
    for student in ("ok", "wrong", "half"):
        assert _cells(remote, student) == _cells(local, student)
        assert _graded_notebook(remote, student) == _graded_notebook(local, student)
    assert not (remote.autograded_dir / "crash" / fab.ASSIGNMENT).exists()


def _grading_worker(workers, student):
    for name in workers.procs:
        if f"grading student {student} of" in workers.log(name):
            return name
    return None


def test_a_worker_killed_mid_task_loses_nothing(cluster, env, fresh_course, tmp_path, capfd):
    _, workers = cluster
    _submit_class(fresh_course, {"slow": fab.CORRECT}, extra={"slow": [SLOW]})
    out = tmp_path / "out.txt"
    with open(out, "w") as handle:
        coordinator = subprocess.Popen(
            [BPKIT, "grade", fab.ASSIGNMENT, "--root", str(fresh_course), "--cluster"],
            env=env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(lambda: _grading_worker(workers, "slow") is not None, timeout=60)
        victim = _grading_worker(workers, "slow")
        time.sleep(1.0)  # well inside the notebook
        workers.kill(victim)
        assert coordinator.wait(timeout=120) == 0, out.read_text()
    survivor = next(n for n in workers.procs if n != victim)
    assert "grading student slow of ex01 (try 2)" in workers.log(survivor)
    rows = {r["student"]: r for r in export_rows(Course(fresh_course))}
    assert (rows["slow"]["status"], rows["slow"]["score"]) == ("graded", 3.0)
    text = out.read_text()
    assert text.count("  slow ") == 1  # recorded once, whatever the deliveries
    with sqlite3.connect(fresh_course / "gradebook.db") as db:
        (count,) = db.execute(
            "SELECT COUNT(*) FROM submitted_assignment s JOIN student t ON s.student_id = t.id "
            "WHERE t.id = 'slow'"
        ).fetchone()
    assert count == 1


def _ledger(root):
    try:
        with sqlite3.connect(root / "gradebook.db") as db:
            return dict(db.execute("SELECT student, updated FROM bpkit_grading_status"))
    except sqlite3.OperationalError:  # no table yet
        return {}


def test_a_killed_coordinator_resumes_and_force_grades_again(cluster, env, fresh_course, tmp_path):
    redis, workers = cluster
    students = {"ok": fab.CORRECT, "wrong": fab.WRONG, "slow": fab.CORRECT}
    _submit_class(fresh_course, students, extra={"slow": [SLOW]})
    out = tmp_path / "first.txt"
    with open(out, "w") as handle:
        coordinator = subprocess.Popen(
            [BPKIT, "grade", fab.ASSIGNMENT, "--root", str(fresh_course), "--cluster"],
            env=env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
        # right after the fork the command line is not yet the new program's: wait for it
        wait_for(lambda: "grade" in cmdline(coordinator.pid), timeout=20, every=0.01)
        seen = {"coordinator": cmdline(coordinator.pid)}
        wait_for(lambda: {"ok", "wrong"} & set(_ledger(fresh_course)), timeout=90)
        seen |= {name: cmdline(p.pid) for name, p in workers.procs.items()}
        coordinator.send_signal(signal.SIGKILL)
        coordinator.wait()
    before = _ledger(fresh_course)
    assert "slow" not in before  # killed mid-run
    graded_before = {s for s in ("ok", "wrong") if s in before}
    assert graded_before
    assert _grade(fresh_course) == 0
    after = _ledger(fresh_course)
    for student in graded_before:
        assert after[student] == before[student]  # not graded again
    rows = {r["student"]: r for r in export_rows(Course(fresh_course))}
    assert {s: (rows[s]["status"], rows[s]["score"]) for s in students} == {
        "ok": ("graded", 3.0), "wrong": ("graded", 0.0), "slow": ("graded", 3.0),
    }  # fmt: skip
    assert _grade(fresh_course, "--force") == 0
    forced = _ledger(fresh_course)
    assert all(forced[s] != after[s] for s in students)

    # the broker's password: on no command line, in no log, in no output
    assert all(text and SECRET not in text for text in seen.values()), seen
    assert "--cluster" in seen["coordinator"] and "--cluster" in seen["w1"]
    logs = [workers.log(n) for n in workers.procs] + [out.read_text()]
    assert all(SECRET not in log for log in logs)
    assert "redis://:**@127.0.0.1" in workers.log("w1")  # Celery masks it too


def test_a_password_on_the_command_line_is_refused(fresh_course, capsys):
    url = f"redis://:{SECRET}@127.0.0.1:6379/0"
    assert _grade(fresh_course, url) == 2
    assert bpkit_main(["worker", "--root", str(fresh_course), "--cluster", url]) == 2
    err = capsys.readouterr().err
    assert err.count("BPKIT_CLUSTER_URL") == 2 and SECRET not in err
    assert not (fresh_course / "autograded").exists()
