"""Cleaning one submission before grading: clear statuses, nothing lost, originals untouched."""

from __future__ import annotations

import json
import os

import fabricate_class as fab
import nbformat
import pytest

from bpkit.grading.sanitize import notebook_specs, sanitize


@pytest.fixture(scope="module")
def specs(course_root):
    return notebook_specs(course_root / "solutions" / fab.ASSIGNMENT)


def run(course_root, specs, student):
    folder = course_root / "submitted" / student / fab.ASSIGNMENT
    return sanitize(folder, course_root / "sanitized" / student / fab.ASSIGNMENT, student, specs)


def test_a_file_name_that_is_not_utf8_is_skipped_with_a_note(course_root, specs):
    path = fab.submit(course_root, "s_bytes", fab.filled(course_root, fab.CORRECT))
    with open(os.path.join(os.fsencode(path.parent), b"bad\xff\xfename.txt"), "w") as handle:
        handle.write("data")
    result = run(course_root, specs, "s_bytes")
    assert result.status == ""
    assert result.notes == ["skipped 'bad\ufffd\ufffdname.txt': its name is not valid UTF-8"]
    copied = os.listdir(course_root / "sanitized" / "s_bytes" / fab.ASSIGNMENT)
    assert sorted(copied) == ["ex01.ipynb", "timestamp.txt"]


def test_specs_know_the_graded_and_answer_cells(specs):
    (spec,) = specs
    assert spec.grade_ids == {"setup", "square", "test_square", "mean", "test_mean"}
    assert spec.solution_ids == {"square", "mean"}
    assert any("import fixture_checks.ex01 as checks" in code for code in spec.trusted_code)


def test_clean_submission_is_copied_with_its_timestamp(course_root, specs):
    path = fab.submit(course_root, "s_clean", fab.filled(course_root, fab.CORRECT))
    (path.parent / "data").mkdir()
    (path.parent / "data" / "points.csv").write_text("1,2\n")
    result = run(course_root, specs, "s_clean")
    assert (result.status, result.notebooks, result.notes, result.suspicion) == (
        "",
        ["ex01"],
        [],
        [],
    )
    out = course_root / "sanitized" / "s_clean" / fab.ASSIGNMENT
    assert (out / "timestamp.txt").read_text().startswith("2026-01-15")
    assert (out / "data" / "points.csv").read_text() == "1,2\n"
    assert nbformat.read(out / "ex01.ipynb", as_version=4).cells[2].source == fab.CORRECT["square"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "ex01.ipynb is an empty file"),
        ("   \n", "ex01.ipynb is an empty file"),
        ("{not json", "ex01.ipynb is not valid JSON (line 1, column 2"),
        ("[1, 2, 3]", "ex01.ipynb is JSON but not a Jupyter notebook"),
        ('{"cells": "nope"}', "ex01.ipynb is JSON but not a Jupyter notebook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "ex01.ipynb is not valid JSON"),
    ],
)
def test_unreadable_files_are_invalid_notebooks(course_root, specs, content, reason):
    path = fab.submit(course_root, "s_bad", content)
    before = path.read_bytes()
    result = run(course_root, specs, "s_bad")
    assert result.status == "invalid notebook" and not result.gradable
    assert reason in result.problems[0]
    assert path.read_bytes() == before


def test_notebook_under_another_name_is_used_with_a_note(course_root, specs):
    fab.submit(course_root, "s_name", fab.filled(course_root, fab.CORRECT), "ex01 (2).ipynb")
    result = run(course_root, specs, "s_name")
    assert result.gradable and result.status == ""
    assert result.notes == ["file was named 'ex01 (2).ipynb'; graded as 'ex01.ipynb'"]
    assert (course_root / "submitted" / "s_name" / fab.ASSIGNMENT / "ex01 (2).ipynb").exists()


def test_missing_notebook_lists_what_was_found(course_root, specs):
    folder = course_root / "submitted" / "s_none" / fab.ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / "answers.pdf").write_bytes(b"%PDF")
    result = run(course_root, specs, "s_none")
    assert result.status == "missing"
    assert result.problems == ["ex01.ipynb is missing (found: answers.pdf)"]


def test_no_folder_at_all_is_missing(course_root, specs):
    result = run(course_root, specs, "s_ghost")
    assert (result.status, result.problems) == ("missing", ["no submission"])


def test_duplicated_grade_ids_keep_one_graded_copy(course_root, specs):
    nb = fab.filled(course_root, {"square": "def square(x):\n    raise NotImplementedError()"})
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    later_answer = nbformat.from_dict(cells["square"])
    later_answer.source = fab.CORRECT["square"]
    nb.cells += [later_answer, nbformat.from_dict(cells["test_square"])]
    fab.submit(course_root, "s_dup", json.dumps(nb))
    result = run(course_root, specs, "s_dup")
    assert result.gradable
    assert any("cell 'square' appeared 2 times" in n for n in result.notes)
    out = nbformat.read(course_root / "sanitized/s_dup/ex01/ex01.ipynb", as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in out.cells]
    assert ids.count("square") == 1 and ids.count("test_square") == 1
    graded_answer = out.cells[ids.index("square")]
    assert graded_answer.source == fab.CORRECT["square"]  # the answer the student kept working on
    assert ids.index("test_square") < len(ids) - 1  # the test cell in its original place
    assert len({c.id for c in out.cells}) == len(out.cells)


def test_unknown_grade_ids_lose_their_metadata(course_root, specs):
    nb = fab.filled(course_root, fab.CORRECT)
    nb.cells[2].metadata.nbgrader["grade_id"] = "from_another_notebook"
    fab.submit(course_root, "s_foreign", nb)
    result = run(course_root, specs, "s_foreign")
    assert any("unknown id 'from_another_notebook'" in n for n in result.notes)


def test_saved_outputs_are_removed_and_big_ones_noted(course_root, specs):
    nb = fab.filled(course_root, fab.CORRECT)
    text = "x\n" * 1_000_000
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    fab.submit(course_root, "s_big", nb)
    result = run(course_root, specs, "s_big")
    assert any("MB of saved output removed" in n for n in result.notes)
    out = nbformat.read(course_root / "sanitized/s_big/ex01/ex01.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in out.cells)


def test_tampering_in_answer_and_extra_cells_is_reported(course_root, specs):
    nb = fab.filled(
        course_root,
        {"square": fab.CORRECT["square"] + "\nnp.allclose = lambda *a, **k: True"},
        extra=["import builtins\nbuiltins.all = lambda v: True"],
    )
    fab.submit(course_root, "s_evil", nb)
    result = run(course_root, specs, "s_evil")
    assert "ex01: answer 'square', line 3: assigns numpy.allclose" in result.suspicion
    assert "ex01: cell 3, line 2: assigns builtins.all" in result.suspicion
