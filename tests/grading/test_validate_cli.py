"""``bpkit validate`` (the student's self-check), and the ``bpkit`` command's help and version."""

from __future__ import annotations

import subprocess
import sys

import fabricate_class as fab
import nbformat
import pytest

import bpkit
from bpkit.cli import build_parser
from bpkit.cli import main as bpkit_main


def write(course_root, name, nb):
    path = course_root / "course" / fab.ASSIGNMENT / name
    nbformat.write(nb, path)
    return path


def validate(path, *extra):
    return bpkit_main(["validate", str(path), *extra])


@pytest.mark.slow
def test_all_tests_pass_exits_zero(course_root, capsys):
    path = write(course_root, "good.ipynb", fab.filled(course_root, fab.CORRECT))
    assert validate(path) == 0
    assert capsys.readouterr().out == "All 2 graded tests pass in good.ipynb.\n"


@pytest.mark.slow
def test_failing_test_is_named_with_its_message_and_exits_one(course_root, capsys):
    nb = fab.filled(course_root, {"square": fab.WRONG["square"], "mean": fab.CORRECT["mean"]})
    path = write(course_root, "wrong.ipynb", nb)
    assert validate(path) == 1
    out = capsys.readouterr().out
    assert "1 of 2 graded tests FAIL in wrong.ipynb:" in out
    assert "x test_square (2 points)" in out
    assert "CheckError: square on x = [1, -2, 3] looks like 2x instead of x squared" in out
    assert "test_mean" not in out
    assert "\x1b[" not in out  # no terminal colour codes


@pytest.mark.slow
def test_unanswered_notebook_fails_every_test(course_root, capsys):
    path = write(course_root, "blank.ipynb", fab.release_notebook(course_root))
    assert validate(path) == 1
    out = capsys.readouterr().out
    assert "2 of 2 graded tests FAIL" in out
    assert out.count("NotImplementedError") == 2  # the stub's error, once per test


@pytest.mark.slow
def test_runtime_warning_in_a_correct_answer_passes(course_root, capsys):
    mean = (
        "import warnings\ndef mean(x):\n"
        "    warnings.warn('precision', RuntimeWarning)\n    return np.mean(x)"
    )
    path = write(course_root, "warn.ipynb", fab.filled(course_root, {**fab.CORRECT, "mean": mean}))
    assert validate(path) == 0
    assert "All 2 graded tests pass" in capsys.readouterr().out


@pytest.mark.slow
def test_endless_loop_is_stopped_and_explained(course_root, capsys):
    loop = "def square(x):\n    while True:\n        pass"
    path = write(
        course_root, "loop.ipynb", fab.filled(course_root, {**fab.CORRECT, "square": loop})
    )
    assert validate(path, "--timeout", "3") == 1
    assert "The cell ran too long and was stopped" in capsys.readouterr().out


@pytest.mark.slow
def test_edited_locked_cell_is_pointed_out(course_root, capsys):
    nb = fab.filled(course_root, fab.CORRECT)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_mean":
            cell.source = "pass"
    path = write(course_root, "edited.ipynb", nb)
    validate(path)
    assert "you changed the locked cell 'test_mean'" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.write_text("print('hi')"), "not a notebook: x.ipynb is not valid JSON"),
        (lambda p: p.write_text(""), "not a notebook: x.ipynb is an empty file"),
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: nbformat.write(nbformat.v4.new_notebook(), p), "has no graded test cells"),
    ],
)
def test_files_that_cannot_be_checked_exit_two(tmp_path, capsys, make, words):
    path = tmp_path / "x.ipynb"
    make(path)
    assert validate(path) == 2
    out = capsys.readouterr().out
    assert out.startswith("Cannot check this notebook: ") and words in out


def test_version_and_help():
    result = subprocess.run(
        [sys.executable, "-m", "bpkit.cli", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.strip() == f"bpkit {bpkit.__version__}"
    text = build_parser().format_help()
    for command in ("release", "collect", "grade", "feedback", "export", "validate"):
        assert f"    {command}" in text
    assert "bpkit grade 01_chain_rule --workers 4" in text


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("grade", ["--workers", "--timeout", "--memory-mb", "--db-url", "own process"]),
        ("collect", ["Canvas", "Moodle", "--pattern", "attributed"]),
        ("export", ["--format", "status", "suspicious"]),
        ("validate", ["Exit code 0", "1: some fail", "2: the file could not be checked"]),
        ("release", ["--all", "solutions"]),
        ("feedback", ["html", "grader-only"]),
    ],
)
def test_each_command_has_a_helpful_help_text(command, words, capsys):
    with pytest.raises(SystemExit) as stop:
        bpkit_main([command, "--help"])
    assert stop.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for word in words:
        assert word in text


def test_no_command_prints_help(capsys):
    assert bpkit_main([]) == 0
    assert "usage: bpkit" in capsys.readouterr().out


def test_release_needs_a_name_or_all(capsys):
    assert bpkit_main(["release"]) == 2
    assert "name one or more assignments, or use --all" in capsys.readouterr().err


def test_grading_an_unknown_assignment_is_a_clear_error(course_root, capsys):
    assert bpkit_main(["grade", "nope", "--root", str(course_root)]) == 2
    assert (
        "bpkit grade: no assignment 'nope' in solutions/ (known: ex01)" in capsys.readouterr().err
    )
