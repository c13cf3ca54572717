"""A full grade + export against a real PostgreSQL server started by the test.

The server comes from Debian's ``postgresql`` package (binaries in /usr/lib/postgresql/*/bin). It
runs from a temporary data folder on a free loopback port, as the ``postgres`` user when the tests
run as root (PostgreSQL refuses to run as root), and is stopped when the module is done.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import fabricate_class as fab
import pytest

from bpkit.cli import main as bpkit_main
from bpkit.grading.course import Course
from bpkit.grading.export import export_rows

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: p.split("/")[-3])
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url(request):
    bindir = _bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but PostgreSQL is not installed (apt-get install postgresql)")
        pytest.skip("PostgreSQL binaries not found in /usr/lib/postgresql/*/bin")
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    work = Path(tempfile.mkdtemp(prefix="bpkit-pg-"))
    data, log = work / "data", work / "server.log"
    if as_root:
        shutil.chown(work, "postgres")
    port = _free_port()

    def run(*cmd: str) -> None:
        subprocess.run([*prefix, *cmd], check=True, capture_output=True, text=True, timeout=120)

    run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "grader", "--no-sync")
    options = f"-p {port} -k {work} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start")

    def stop() -> None:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(work, ignore_errors=True)

    request.addfinalizer(stop)
    run(str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "grader", "bpkit")
    return f"postgresql://grader@127.0.0.1:{port}/bpkit"


@pytest.fixture(scope="module")
def graded_on_postgres(postgres_url, course_root, tmp_path_factory):
    fab.submit(course_root, "ok", fab.filled(course_root, fab.CORRECT))
    fab.submit(course_root, "wrong", fab.filled(course_root, fab.WRONG))
    fab.submit(course_root, "crash", fab.filled(course_root, {"square": "import os\nos._exit(1)"}))
    fab.submit(course_root, "broken", "{")
    root = str(course_root)
    common = ["--root", root, "--db-url", postgres_url]
    assert bpkit_main(["grade", fab.ASSIGNMENT, "--workers", "2", "--quiet", *common]) == 0
    out = tmp_path_factory.mktemp("export") / "grades.csv"
    assert bpkit_main(["export", "--output", str(out), *common]) == 0
    return Course(course_root, db_url=postgres_url), out


def test_grades_live_in_postgres_not_sqlite(graded_on_postgres, course_root):
    from nbgrader.api import MissingEntry

    course, _ = graded_on_postgres
    with Course(course_root).gradebook() as sqlite_gb:  # the copied template's SQLite file
        with pytest.raises(MissingEntry):
            sqlite_gb.find_submission(fab.ASSIGNMENT, "ok")
    with course.gradebook() as gb:
        assert gb.engine.dialect.name == "postgresql"
        assert gb.find_submission(fab.ASSIGNMENT, "ok").score == 3.0
        assert gb.find_submission(fab.ASSIGNMENT, "wrong").score == 0.0


def test_export_from_postgres_has_every_student_with_a_status(graded_on_postgres):
    course, csv_path = graded_on_postgres
    rows = {r["student"]: r for r in export_rows(course)}
    assert {s: rows[s]["status"] for s in ("ok", "wrong", "crash", "broken")} == {
        "ok": "graded",
        "wrong": "graded",
        "crash": "failed",
        "broken": "invalid notebook",
    }
    assert rows["ok"]["score"] == 3.0 and rows["crash"]["score"] == 0.0
    text = csv_path.read_text()
    assert text.startswith("assignment,student,score,max_score,status,reason,suspicious")
    assert text.count("\nex01,") == 4
