"""Faults of a grading cluster, with a real Redis and real ``bpkit worker`` processes: a
submission that kills every worker that takes it, a broker that is down or goes away, and workers
holding another version of the course."""

from __future__ import annotations

import base64
import json
import re
import shutil
import sqlite3
import subprocess
import threading

import fabricate_class as fab
import pytest
from test_cluster_support import BPKIT, RedisServer, Workers, free_port, wait_for, worker_env

from bpkit.cli import main as bpkit_main
from bpkit.grading import cluster
from bpkit.grading.course import Course
from bpkit.grading.export import export_rows

pytestmark = pytest.mark.slow

#: Kills every bpkit worker process above the kernel: only possible without the sandbox.
POISON = fab.hostile(
    """
    import os, signal
    pid, victims = os.getppid(), []
    while pid > 1:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            command = f.read()
        if b"worker" in command and b"--cluster" in command:
            victims.append(pid)
        with open(f"/proc/{pid}/stat") as f:
            pid = int(f.read().rsplit(")", 1)[1].split()[1])
    for victim in victims:
        os.kill(victim, signal.SIGKILL)
    """
)
SLOW = "import time\ntime.sleep(5)"


@pytest.fixture(scope="module")
def redis():
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture()
def workers(redis, tmp_path):
    pool = Workers(tmp_path, worker_env(redis.url), cluster_arg=redis.url)
    yield pool
    pool.stop()


def _grade(root, url, *extra):
    argv = ["grade", fab.ASSIGNMENT, "--root", str(root), "--cluster", url, *extra]
    return bpkit_main(argv)


def _copy(course_template, tmp_path, name):
    root = tmp_path / name / "course"
    shutil.copytree(course_template, root)
    return root


def test_a_submission_that_kills_its_workers_fails_after_bounded_tries(
    redis, workers, fresh_course, capsys
):
    for name in ("p1", "p2"):
        workers.start(name, fresh_course, "--no-sandbox", redeliver_after=6)
    workers.wait_ready()
    stop = threading.Event()

    def supervise() -> None:  # what systemd would do on a real machine
        while not stop.wait(0.3):
            workers.restart_dead()

    supervisor = threading.Thread(target=supervise, daemon=True)
    supervisor.start()
    fab.submit(fresh_course, "ok", fab.filled(fresh_course, fab.CORRECT))
    fab.submit(fresh_course, "poison", fab.filled(fresh_course, {"square": POISON}))
    try:
        assert _grade(fresh_course, redis.url, "--no-sandbox", "--max-tries", "2") == 0
    finally:
        stop.set()
        supervisor.join()
    rows = {r["student"]: r for r in export_rows(Course(fresh_course))}
    assert (rows["ok"]["status"], rows["ok"]["score"]) == ("graded", 3.0)
    assert rows["ok"]["isolation"] == "unsandboxed"
    assert rows["poison"]["status"] == "failed" and rows["poison"]["score"] == 0.0
    assert "the worker grading it died 2 times" in rows["poison"]["reason"]
    assert "given up after 2 tries" in rows["poison"]["reason"]
    tries = sum(workers.log(n).count("grading student poison of") for n in ("p1", "p2"))
    assert tries == 2
    assert "WARNING: graded WITHOUT the sandbox" in capsys.readouterr().out


def test_a_broker_that_is_down_is_named_and_nothing_is_written(fresh_course, capsys):
    fab.submit(fresh_course, "ok", fab.filled(fresh_course, fab.CORRECT))
    url = f"redis://127.0.0.1:{free_port()}/0"
    assert _grade(fresh_course, url) == 2
    assert bpkit_main(["worker", "--root", str(fresh_course), "--cluster", url]) == 2
    err = capsys.readouterr().err
    assert err.count(f"cannot reach the grading cluster's broker at {url}") == 2
    with Course(fresh_course).gradebook() as gb:
        assert gb.students == []
    assert not (fresh_course / "sanitized").exists()
    assert not (fresh_course / "autograded").exists()


def _ledger(root):
    try:
        with sqlite3.connect(root / "gradebook.db") as db:
            return dict(db.execute("SELECT student, status FROM bpkit_grading_status"))
    except sqlite3.OperationalError:  # no table yet
        return {}


def test_a_broker_lost_mid_run_stops_with_the_url_and_no_partial_rows(
    course_template, tmp_path, fresh_course
):
    lost = RedisServer()
    pool = Workers(tmp_path, worker_env(lost.url), cluster_arg=lost.url)
    try:
        pool.start("lone", fresh_course)
        pool.wait_ready()
        students = {"a_ok": fab.CORRECT, "b_slow": fab.CORRECT, "c_slow": fab.WRONG}
        for student, answers in students.items():
            extra = [SLOW] if "slow" in student else None
            fab.submit(fresh_course, student, fab.filled(fresh_course, answers, extra=extra))
        coordinator = subprocess.Popen(
            [BPKIT, "grade", fab.ASSIGNMENT, "--root", str(fresh_course), "--cluster", lost.url],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        wait_for(lambda: "a_ok" in _ledger(fresh_course), timeout=90)
        lost.stop()
        _, err = coordinator.communicate(timeout=90)
    finally:
        pool.stop()
        lost.stop()
    assert coordinator.returncode == 2
    assert f"lost the grading cluster's broker at {lost.url}" in err
    assert "run the same command again to resume" in err
    assert _ledger(fresh_course) == {"a_ok": "graded"}
    rows = {r["student"]: r for r in export_rows(Course(fresh_course))}
    assert (rows["a_ok"]["status"], rows["a_ok"]["score"]) == ("graded", 3.0)
    assert {rows[s]["status"] for s in ("b_slow", "c_slow")} == {"not graded yet"}


def test_tasks_reach_only_workers_of_their_course_version(
    redis, workers, course_template, tmp_path, fresh_course
):
    other = _copy(course_template, tmp_path, "other")
    grader = other / "fixture_grader" / "ex01.py"
    grader.write_text(grader.read_text() + "\n# another version of the hidden cases\n")
    mine = cluster.course_version(Course(fresh_course))
    workers.start("other", other)
    workers.wait_ready()
    # (read from the worker: this process must not load a second course with the same packages)
    theirs = re.search(r"at version (\w+)", workers.log("other")).group(1)
    assert mine != theirs
    fab.submit(fresh_course, "ok", fab.filled(fresh_course, fab.CORRECT))

    # no worker of this version: failed, naming both versions
    assert _grade(fresh_course, redis.url, "--wait-for-workers", "3") == 0
    (row,) = [r for r in export_rows(Course(fresh_course)) if r["student"] == "ok"]
    assert row["status"] == "failed"
    assert (
        f"course version {mine}" in row["reason"]
        and f"other runs version {theirs}" in row["reason"]
    )

    # a matching worker comes: the next run grades the student there, and only there
    workers.start("match", fresh_course)
    workers.wait_ready("match")
    assert _grade(fresh_course, redis.url) == 0
    (row,) = [r for r in export_rows(Course(fresh_course)) if r["student"] == "ok"]
    assert (row["status"], row["score"]) == ("graded", 3.0)
    assert "grading student ok of" in workers.log("match")
    assert "grading student" not in workers.log("other")

    # a task misrouted to the other version's queue is refused there and sent back
    app = cluster.make_app(redis.url)
    notebook = json.dumps(fab.filled(fresh_course, fab.CORRECT)).encode()
    payload = {
        "version": mine, "assignment": fab.ASSIGNMENT, "student": "stray",
        "files": {"ex01.ipynb": base64.b64encode(notebook).decode()}, "timeout": 20,
        "memory_mb": 2048, "deadline": 200, "max_tries": 3, "sandbox": True,
    }  # fmt: skip
    result = app.send_task(
        cluster.TASK_NAME, args=[payload], task_id="bpkit-stray", queue=cluster.queue_name(theirs)
    )
    done = result.get(timeout=90)
    assert (done["verdict"]["status"], done["worker"], done["version"]) == ("graded", "match", mine)
    refusal = (
        f"refused the task for student stray: it needs course version {mine}, this worker has "
        f"course version {theirs}"
    )
    assert refusal in workers.log("other")
