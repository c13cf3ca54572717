"""End to end: one fabricated class with every broken and hostile case, graded once in parallel.

Each test below looks at one student of that class: its status and reason, its score, its row in
the CSV export, and that the rest of the class was graded regardless.
"""

from __future__ import annotations

import csv
import io
import json

import fabricate_class as fab
import nbformat
import pytest

from bpkit.cli import main as bpkit_main
from bpkit.grading.course import Course
from bpkit.grading.export import export_rows, write_csv
from bpkit.grading.feedback import HIDDEN_NOTE
from bpkit.grading.output_size import MAX_CELL_CHARS
from bpkit.grading.runner import grade_class

pytestmark = pytest.mark.slow

TIMEOUT = 10
MEMORY_MB = 2048
C, W = fab.CORRECT, fab.WRONG


def _without_cell(nb, grade_id):
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id]
    return nb


def _edit_cell(nb, grade_id, source):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
    return nb


def _duplicated(nb):
    """A student who copy-pasted the answer cell and the test cell (same grade_ids)."""
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    answer, test = nbformat.from_dict(by_id["square"]), nbformat.from_dict(by_id["test_square"])
    nb.cells.extend([answer, test])  # nbformat cell ids are duplicated too
    return nb


def submissions(root):
    """student -> (content, file name) for the whole fabricated class."""
    f = fab.filled
    hostile = {
        "tamper_allclose": {"square": W["square"] + "\nnp.allclose = lambda *a, **k: True"},
        "tamper_builtins": {
            "mean": W["mean"] + "\nimport builtins\nbuiltins.abs = lambda v: 0\n"
            "builtins.all = lambda v: True"
        },
        "tamper_checks": {"square": W["square"] + "\nchecks.check_square = lambda fn: None"},
        "tamper_testing": {
            "square": W["square"] + "\nsetattr(np.testing, 'assert_allclose', lambda *a, **k: None)"
        },
        "tamper_modules": {
            "square": W["square"] + "\nimport sys, types\n"
            "sys.modules['fixture_grader'] = types.SimpleNamespace(check_square=lambda fn: None)"
        },
    }
    class_ = {
        "ok": f(root, C),
        "wrong": f(root, W),
        "loop": f(root, {"square": "def square(x):\n    while True:\n        pass", **_m()}),
        "exit": f(root, {"square": "import os\nos._exit(1)", **_m()}),
        "segfault": f(root, {"square": "import ctypes\nctypes.string_at(0)", **_m()}),
        "memory": f(
            root,
            {
                "square": "blocks = []\nwhile True:\n    blocks.append(bytearray(500_000_000))",
                **_m(),
            },
        ),
        "empty": "",
        "badjson": '{"cells": [{"cell_type": "code", ',
        "notnb": '{"hello": "world"}',
        "deleted_test": _without_cell(f(root, {"square": W["square"], **_m()}), "test_square"),
        "edited_test": _edit_cell(f(root, {"square": W["square"], **_m()}), "test_square", "pass"),
        "duplicate": json.dumps(_duplicated(f(root, C))),  # as saved, duplicate cell ids and all
        "warning": f(
            root,
            {
                "square": C["square"],
                "mean": "import warnings\ndef mean(x):\n"
                "    warnings.warn('precision loss in mean', RuntimeWarning)\n"
                "    return np.mean(x)",
            },
        ),
        "chatty": f(
            root, {"square": "for i in range(1_000_000):\n    print(i)\n" + C["square"], **_m()}
        ),
        # one line each, so no line count stops them: the size cap must
        "long_lines": f(
            root,
            {
                "square": "for _ in range(3):\n    print('\\x01' * 3_000_000)\n" + C["square"],
                **_m(),
            },
        ),
    }
    class_ = {k: (v, "ex01.ipynb") for k, v in class_.items()}
    class_["renamed"] = (f(root, C), "Untitled.ipynb")
    for student, answers in hostile.items():
        class_[student] = (f(root, {**C, **answers}), "ex01.ipynb")
    return class_


def _m():
    return {"mean": C["mean"]}


@pytest.fixture(scope="module")
def graded(course_root):
    """Grade the class once; return (rows by student, export rows by student, originals)."""
    originals = {}
    for student, (content, name) in submissions(course_root).items():
        path = fab.submit(course_root, student, content, name)
        originals[student] = path.read_bytes()
    nothing = course_root / "submitted" / "nothing" / fab.ASSIGNMENT
    nothing.mkdir(parents=True)
    (nothing / "notes.txt").write_text("I could not finish")
    course = Course(course_root)
    with course.gradebook() as gb:
        gb.add_student("absent")
    rows = grade_class(course, fab.ASSIGNMENT, workers=2, timeout=TIMEOUT, memory_mb=MEMORY_MB)
    exported = export_rows(course)
    return (
        {r.student: r for r in rows},
        {r["student"]: r for r in exported},
        originals,
        course,
    )


def _grades(course, student):
    with course.gradebook() as gb:
        sub = gb.find_submission(fab.ASSIGNMENT, student)
        return {g.name: g.score for nb in sub.notebooks for g in nb.grades}


def _graded_cell(course, student, grade_id):
    path = course.autograded_dir / student / fab.ASSIGNMENT / "ex01.ipynb"
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]


def test_every_student_has_exactly_one_row(graded):
    rows, exported, _, _ = graded
    expected = set(submissions(graded[3].root)) | {"nothing", "absent"}
    assert set(rows) == expected
    assert set(exported) == expected


def test_correct_and_wrong_answers_are_scored(graded):
    rows, exported, _, _ = graded
    assert (rows["ok"].status, rows["ok"].score, rows["ok"].max_score) == ("graded", 3.0, 3.0)
    assert (rows["wrong"].status, rows["wrong"].score) == ("graded", 0.0)
    assert exported["ok"]["status"] == "graded" and exported["ok"]["score"] == 3.0
    assert exported["wrong"]["suspicious"] == "no"


def test_infinite_loop_times_out_one_cell_and_grading_goes_on(graded):
    rows, exported, _, course = graded
    row = rows["loop"]
    assert row.status == "timed out"
    assert "test_square" in row.reason and f"longer than {TIMEOUT} s" in row.reason
    assert _grades(course, "loop") == {"test_square": 0.0, "test_mean": 1.0}
    assert exported["loop"]["status"] == "timed out" and exported["loop"]["score"] == 1.0


@pytest.mark.parametrize("student", ["exit", "segfault"])
def test_dead_kernel_is_recorded_as_failed_with_reason(graded, student):
    rows, exported, _, _ = graded
    row = rows[student]
    assert row.status == "failed"
    assert "kernel died" in row.reason and "'square'" in row.reason
    assert "graded twice, the kernel died both times" in row.reason
    assert exported[student]["status"] == "failed" and exported[student]["score"] == 0.0
    assert "kernel died" in exported[student]["reason"]


def test_memory_blowup_is_contained_by_the_memory_cap(graded):
    rows, exported, _, course = graded
    row = rows["memory"]
    # The cap turns the blow-up into a MemoryError in the answer cell: that cell's exercise
    # scores 0, the rest of the notebook is graded, and the reason names the cap.
    assert row.status == "graded"
    assert f"out of memory (limit {MEMORY_MB} MB)" in row.reason and "'square'" in row.reason
    assert _grades(course, "memory") == {"test_square": 0.0, "test_mean": 1.0}
    assert exported["memory"]["score"] == 1.0


@pytest.mark.parametrize(
    ("student", "words"),
    [
        ("empty", "ex01.ipynb is an empty file"),
        ("badjson", "ex01.ipynb is not valid JSON (line 1"),
        ("notnb", "JSON but not a Jupyter notebook"),
    ],
)
def test_unreadable_notebooks_are_invalid_with_reason(graded, student, words):
    rows, exported, _, _ = graded
    assert rows[student].status == "invalid notebook"
    assert words in rows[student].reason
    assert exported[student]["status"] == "invalid notebook"
    assert exported[student]["score"] == 0.0 and words in exported[student]["reason"]


def test_wrong_file_name_is_graded_with_a_note(graded):
    rows, exported, _, _ = graded
    assert (rows["renamed"].status, rows["renamed"].score) == ("graded", 3.0)
    assert "wrong file name 'Untitled.ipynb'" in exported["renamed"]["reason"]


def test_missing_notebook_and_missing_student(graded):
    rows, exported, _, _ = graded
    assert rows["nothing"].status == "missing"
    assert "ex01.ipynb is missing (found: notes.txt)" in rows["nothing"].reason
    assert (exported["absent"]["status"], exported["absent"]["reason"]) == (
        "missing",
        "no submission",
    )
    assert exported["absent"]["score"] == 0.0


@pytest.mark.parametrize("student", ["deleted_test", "edited_test"])
def test_deleted_or_edited_test_cell_is_restored(graded, student):
    rows, _, _, course = graded
    assert rows[student].status == "graded"
    assert _grades(course, student) == {"test_square": 0.0, "test_mean": 1.0}
    (cell,) = _graded_cell(course, student, "test_square")
    assert "checks.check_square(square)" in cell.source
    assert fab.HIDDEN_SQUARE in cell.source


def test_duplicated_grade_id_is_cleaned_not_fatal(graded):
    rows, _, _, course = graded
    row = rows["duplicate"]
    assert (row.status, row.score) == ("graded", 3.0)
    assert "cell 'test_square' appeared 2 times" in row.reason
    assert "cell 'square' appeared 2 times" in row.reason
    assert len(_graded_cell(course, "duplicate", "test_square")) == 1


def test_runtime_warning_in_a_correct_answer_does_not_zero_the_test(graded):
    rows, _, _, course = graded
    assert (rows["warning"].status, rows["warning"].score) == ("graded", 3.0)
    (cell,) = _graded_cell(course, "warning", "test_mean")
    streams = {o.name: o.text for o in cell.outputs if o.output_type == "stream"}
    assert "stderr" not in streams
    assert "RuntimeWarning: precision loss in mean" in streams["stdout"]


def test_huge_output_is_truncated_and_graded(graded):
    rows, _, _, course = graded
    assert (rows["chatty"].status, rows["chatty"].score) == ("graded", 3.0)
    (cell,) = _graded_cell(course, "chatty", "square")
    text = "".join(o.get("text", "") for o in cell.outputs)
    assert len(text.splitlines()) <= 1001
    assert "truncated" in text


def test_long_lines_are_cut_to_the_size_cap_and_graded(graded):
    rows, _, _, course = graded
    assert (rows["long_lines"].status, rows["long_lines"].score) == ("graded", 3.0)
    (cell,) = _graded_cell(course, "long_lines", "square")
    text = "".join(o.get("text", "") for o in cell.outputs)
    assert len(text) <= MAX_CELL_CHARS + 200
    assert "[grader] output" in text


@pytest.mark.parametrize(
    ("student", "exercise", "static"),
    [
        ("tamper_allclose", "test_square", "assigns numpy.allclose"),
        ("tamper_builtins", "test_mean", "assigns builtins.abs"),
        ("tamper_checks", "test_square", "assigns fixture_checks.ex01.check_square"),
        ("tamper_testing", "test_square", "calls setattr on numpy.testing ('assert_allclose')"),
        ("tamper_modules", "test_square", "assigns an entry of sys.modules"),
    ],
)
def test_tampering_still_fails_and_is_flagged(graded, student, exercise, static):
    rows, exported, _, course = graded
    assert _grades(course, student)[exercise] == 0.0
    assert rows[student].suspicious
    assert any(static in s for s in rows[student].suspicion)
    assert exported[student]["suspicious"] == "yes" and static in exported[student]["suspicion"]


def test_failed_hidden_check_shows_its_message_but_not_its_code(graded):
    _, _, _, course = graded
    (cell,) = _graded_cell(course, "tamper_checks", "test_square")
    (error,) = [o for o in cell.outputs if o.output_type == "error"]
    text = "\n".join(error.traceback)
    # the visible check was switched off in the kernel; the grader's replay still names it
    assert error.ename == "CheckError" and error.evalue.startswith("hidden test: square on")
    assert "looks like 2x instead of x squared" in error.evalue
    assert error.traceback == [f"CheckError: {error.evalue}"]
    assert "fixture_grader" not in text and "expect_close" not in text


def test_clean_submissions_are_not_flagged(graded):
    _, exported, _, _ = graded
    for student in ("ok", "wrong", "loop", "renamed", "duplicate", "warning", "chatty"):
        assert exported[student]["suspicious"] == "no", exported[student]["suspicion"]


def test_submitted_files_are_never_modified(graded):
    _, _, originals, course = graded
    for student, data in originals.items():
        files = list((course.submitted_dir / student / fab.ASSIGNMENT).glob("*.ipynb"))
        assert len(files) == 1 and files[0].read_bytes() == data, student


def test_export_csv_has_a_status_column_for_everyone(graded, capsys):
    _, exported, _, course = graded
    buffer = io.StringIO()
    write_csv(list(exported.values()), buffer)
    table = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert len(table) == len(exported)
    assert {"score", "max_score", "status", "reason", "suspicious"} <= set(table[0])
    assert all(row["status"] for row in table)
    code = bpkit_main(["export", "--root", str(course.root), "--output", "-"])
    assert code == 0
    printed = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["student"] for r in printed} == set(exported)


def test_status_ledger_survives_in_the_gradebook(graded):
    from bpkit.grading.status import load

    _, _, _, course = graded
    ledger = load(course.db_url, course.course_id, fab.ASSIGNMENT)
    assert ledger[(fab.ASSIGNMENT, "exit")]["status"] == "failed"
    assert ledger[(fab.ASSIGNMENT, "tamper_checks")]["suspicious"] is True
    assert {s for (_, s) in ledger} == set(graded[0])


def test_feedback_command_writes_html_for_graded_students(graded, capsys):
    _, _, _, course = graded
    args = ["feedback", fab.ASSIGNMENT, "--root", str(course.root)]
    assert bpkit_main([*args, "--student", "ok", "--student", "tamper_checks"]) == 0
    assert "feedback written for 2 of 2 students" in capsys.readouterr().out
    html = (course.feedback_dir / "tamper_checks" / fab.ASSIGNMENT / "ex01.html").read_text()
    assert "hidden.record" not in html and "fixture_grader" not in html
    # the hidden part is one note; the visible part stays (syntax highlighting splits its tokens)
    assert HIDDEN_NOTE.strip("# ()") in html and "check_square" in html
    assert bpkit_main([*args, "--student", "exit"]) == 1  # never graded: reported, not hidden
    assert "exit                 no graded notebook (see its status" in capsys.readouterr().out


def test_regrading_one_student_leaves_the_others_alone(graded):
    _, _, _, course = graded
    (row,) = grade_class(course, fab.ASSIGNMENT, workers=1, timeout=TIMEOUT, students=["ok"])
    assert (row.student, row.status, row.score) == ("ok", "graded", 3.0)
    after = {r["student"]: r for r in export_rows(course)}
    assert after["exit"]["status"] == "failed" and after["loop"]["status"] == "timed out"
    assert after["tamper_checks"]["suspicious"] == "yes"
