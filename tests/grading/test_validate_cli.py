"""``bpkit validate`` (the student's self-check), and the ``bpkit`` command's help and version."""

from __future__ import annotations

import subprocess
import sys

import fabricate_class as fab
import nbformat
import pytest
from nbgrader.utils import compute_checksum

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


# ----- written answers (graded by hand) ---------------------------------------------------------
STUB = "YOUR ANSWER HERE"  # nbgrader's ClearSolutions.text_stub, as in the course's config


def written(grade_id, points, released, now=None, heading=None, code=False):
    """A written-answer cell as the release has it (with its checksum), then edited to ``now``."""
    make = nbformat.v4.new_code_cell if code else nbformat.v4.new_markdown_cell
    meta = fab._meta(grade_id, grade=True, solution=True, points=points)
    cell = make(released, metadata=meta)
    cell.metadata.nbgrader["checksum"] = compute_checksum(cell)
    if now is not None:
        cell.source = now
    if heading is None:
        return [cell]
    return [nbformat.v4.new_markdown_cell(f"Some text.\n\n### {heading}"), cell]


def answers_only(*cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [c for group in cells for c in group]
    return nb


def test_unfinished_written_answers_are_listed_and_exit_one(tmp_path, capsys):
    nb = answers_only(
        written("why_mean", 2, STUB, heading="Written answer (2 points)"),
        written("blank", 1, STUB, now="  \n"),
        written("starter", 3, "Your answer: ...", heading="Why momentum?"),
        written("done", 2, STUB, now="Because the loss is a mean over the batch."),
        written("kept_stub", 2, STUB, now=f"{STUB}\n\nEach example counts 1/n."),
        written("free_code", 1, "# YOUR CODE HERE\nraise NotImplementedError()", code=True),
    )
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    assert validate(path) == 1
    assert capsys.readouterr().out == (
        "4 written answers are unfinished in x.ipynb (7 points, graded by hand):\n"
        "\n"
        '  ? why_mean (2 points), under "Written answer (2 points)": '
        'still reads "YOUR ANSWER HERE"\n'
        "\n"
        '  ? blank (1 point), under "Written answer (2 points)": is empty\n'
        "\n"
        '  ? starter (3 points), under "Why momentum?": is unchanged since the release\n'
        "\n"
        '  ? free_code (1 point), under "Why momentum?": still reads "# YOUR CODE HERE"\n'
        "\n"
        "Write them before you submit: a placeholder or an empty answer scores 0.\n"
    )


def test_written_answers_all_written_exit_zero(tmp_path, capsys):
    nb = answers_only(
        written("why_mean", 2, STUB, now="Because the loss is a mean."),
        written("starter", 3, "Your answer: ...", now="Your answer: momentum averages."),
    )
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    assert validate(path) == 0
    assert capsys.readouterr().out == "All 2 written answers in x.ipynb are written.\n"


def test_a_course_with_its_own_placeholder_is_understood(tmp_path, capsys):
    (tmp_path / "nbgrader_config.py").write_text(
        'c = get_config()  # noqa: F821\nc.ClearSolutions.text_stub = "Write here."\n'
    )
    nb = answers_only(written("why", 2, "Write here.", now="Write here.\n"))
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    assert validate(path) == 1
    assert '? why (2 points): still reads "Write here."' in capsys.readouterr().out


@pytest.mark.slow
def test_passing_tests_with_an_unfinished_written_answer_exit_one(course_root, capsys):
    nb = fab.filled(course_root, fab.CORRECT)
    nb.cells += written("reflection", 3, STUB, heading="Written answer (3 points)")
    path = write(course_root, "unfinished.ipynb", nb)
    assert validate(path) == 1
    out = capsys.readouterr().out
    assert out.startswith("All 2 graded tests pass in unfinished.ipynb.\n\n")
    assert "1 written answer is unfinished in unfinished.ipynb (3 points, graded by hand):" in out
    assert '? reflection (3 points), under "Written answer (3 points)": still reads' in out
    nb.cells[-1].source = "The chain rule, applied backwards."
    path = write(course_root, "finished.ipynb", nb)
    assert validate(path) == 0
    assert capsys.readouterr().out == "All 2 graded tests pass in finished.ipynb.\n"


# ----- a graded cell that trains with a progress bar -------------------------------------------
TRAINING_TEST = """\
from bpkit.data import moons
from bpkit.model import mlp
from bpkit.train import fit

X, y = moons(60, noise=0.2, seed=1)
for progress in (True, None):
    history = fit(mlp([2, 8, 1], seed=0), X, y, loss="bce", epochs=5, progress=progress)
    assert len(history.loss) == 5"""


@pytest.mark.slow
def test_a_graded_cell_that_trains_with_a_bar_keeps_its_points(course_root, capsys):
    nb = fab.filled(course_root, fab.CORRECT)
    meta = fab._meta("test_training", grade=True, solution=False, points=2)
    nb.cells.append(nbformat.v4.new_code_cell(TRAINING_TEST, metadata=meta))
    path = write(course_root, "training.ipynb", nb)
    assert validate(path) == 0  # Validator: an error or any stderr output would fail the cell
    assert capsys.readouterr().out == "All 3 graded tests pass in training.ipynb.\n"


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
        (
            "validate",
            [
                "YOUR ANSWER HERE",
                "Exit code 0: all pass and every written answer is written",
                "1: some fail, or a written answer is unfinished",
                "2: the file could not be checked",
            ],
        ),
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
