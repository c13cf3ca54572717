"""`bpkit grade` and its sandbox from the command line: refusal, opting out, tampering, secrets."""

from __future__ import annotations

import shutil

import fabricate_class as fab
import pytest

from bpkit.cli import main as bpkit_main
from bpkit.grading import sandbox
from bpkit.grading.course import Course, redact, url_password
from bpkit.grading.export import export_rows

pytestmark = pytest.mark.slow

VANDAL = """
path = {target!r}
with open(path, "a") as f:
    f.write(" ")
"""


def _grade(root, *extra):
    return bpkit_main(["grade", fab.ASSIGNMENT, "--root", str(root), "--workers", "1", *extra])


def test_grade_refuses_without_bubblewrap_and_names_the_fix(fresh_course, monkeypatch, capsys):
    fab.submit(fresh_course, "ok", fab.filled(fresh_course, fab.CORRECT))
    real_which = shutil.which
    monkeypatch.setattr(sandbox.shutil, "which", lambda n: None if n == "bwrap" else real_which(n))
    monkeypatch.setattr(sandbox, "_CHECKED", set())
    assert _grade(fresh_course) == 2
    err = capsys.readouterr().err
    assert "bubblewrap (bwrap) is not installed" in err
    assert "apt-get install bubblewrap" in err and "--no-sandbox" in err
    assert not (fresh_course / "autograded").exists()  # nobody was graded unconfined


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap (bwrap)")
def test_grade_refuses_when_namespaces_fail(fresh_course, monkeypatch, tmp_path, capsys):
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{__import__('os').environ['PATH']}")
    monkeypatch.setattr(sandbox, "_CHECKED", set())
    fab.submit(fresh_course, "ok", fab.filled(fresh_course, fab.CORRECT))
    assert _grade(fresh_course) == 2
    err = capsys.readouterr().err
    assert "No permissions to create new namespace" in err and "--no-sandbox" in err


def test_no_sandbox_grades_warns_marks_rows_and_catches_tampering(fresh_course, capsys):
    victim = fab.submit(fresh_course, "victim", fab.filled(fresh_course, fab.CORRECT))
    vandal = fab.hostile(VANDAL.format(target=str(victim)))
    fab.submit(fresh_course, "vandal", fab.filled(fresh_course, {**fab.WRONG, "square": vandal}))
    assert _grade(fresh_course, "--no-sandbox") == 0
    out = capsys.readouterr().out
    assert "WARNING: graded WITHOUT the sandbox" in out
    rows = {r["student"]: r for r in export_rows(Course(fresh_course))}
    assert {r["isolation"] for r in rows.values()} == {"unsandboxed"}
    assert rows["vandal"]["status"] == "tampered" and rows["vandal"]["score"] == 0.0
    assert f"changed {victim}" in rows["vandal"]["reason"]
    assert rows["vandal"]["suspicious"] == "yes"
    assert (rows["victim"]["status"], rows["victim"]["score"]) == ("graded", 3.0)


def test_a_password_on_the_command_line_is_refused(fresh_course, capsys):
    url = "postgresql://grader:hunter2-secret@localhost/bpkit"
    code = bpkit_main(["export", "--root", str(fresh_course), "--db-url", url, "-o", "-"])
    assert code == 2
    err = capsys.readouterr().err
    assert "~/.pgpass" in err and "BPKIT_DB_URL" in err and "hunter2-secret" not in err


def test_passwords_are_redacted_raw_and_quoted():
    url = "postgresql://grader:p%40ss/w@db/bpkit"
    assert url_password(url) == "p@ss/w"
    text = f"could not connect to {url} (password p@ss/w)"
    assert (
        redact(text, url) == "could not connect to postgresql://grader:***@db/bpkit (password ***)"
    )
    assert redact("nothing here", "sqlite:///gradebook.db") == "nothing here"
