"""``bpkit collect``: LMS exports into submitted/, unattributable files reported, students added."""

from __future__ import annotations

import os
import zipfile

import fabricate_class as fab
import nbformat
import pytest

from bpkit.cli import main as bpkit_main
from bpkit.grading.collect import attribute, collect
from bpkit.grading.course import Course


@pytest.mark.parametrize(
    ("name", "is_dir", "expected"),
    [
        ("jdoe.ipynb", False, ("jdoe", "")),
        ("jdoe_ex01.ipynb", False, ("jdoe", "ex01.ipynb")),
        ("jdoe.zip", False, ("jdoe", "")),
        ("doejane_1234_556677_ex01.ipynb", False, ("1234", "ex01.ipynb")),
        ("doejane_late_1234_556677_ex01-1.ipynb", False, ("1234", "ex01-1.ipynb")),
        ("Jane Doe_4321_assignsubmission_file_", True, ("4321", "")),
        ("alice", True, ("alice", "")),
        ("README.txt", False, None),
        ("class list.csv", False, None),
    ],
)
def test_names_are_attributed_by_the_documented_rules(name, is_dir, expected):
    assert attribute(name, is_dir) == expected


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


@pytest.fixture()
def lms_export(fresh_course, tmp_path):
    """A messy LMS download covering every convention."""
    good = nbformat.writes(fab.filled(fresh_course, fab.CORRECT))
    src = tmp_path / "download"
    src.mkdir()
    (src / "alice.ipynb").write_text(good)
    (src / "bob_ex01 (1).ipynb").write_text(good)
    (src / "doecarol_777_1001_ex01.ipynb").write_text(good)
    moodle = src / "Dan Smith_888_assignsubmission_file_"
    moodle.mkdir()
    (moodle / "ex01.ipynb").write_text(good)
    (moodle / "data.csv").write_text("1,2\n")
    _zip(
        src / "erin.zip",
        {
            "erin/ex01.ipynb": good,
            "__MACOSX/erin/._ex01.ipynb": "junk",
            "erin/.ipynb_checkpoints/ex01-checkpoint.ipynb": good,
            "../../escape.ipynb": good,
        },
    )
    (src / "frank.zip").write_bytes(b"this is not a zip")
    _zip(src / "gina.zip", {"notes.txt": "no notebook here"})
    older, newer = src / "hank_ex01.ipynb", src / "hank_ex01-1.ipynb"
    older.write_text(good)
    newer.write_text(good.replace("return x * x", "return x ** 2"))
    os.utime(older, (1_600_000_000, 1_600_000_000))
    (src / "README.txt").write_text("exported by the LMS")
    (src / "ivy_my_homework.ipynb").write_text(good)
    return src


def test_collect_puts_each_student_in_nbgraders_layout(fresh_course, lms_export):
    course = Course(fresh_course)
    report = collect(course, fab.ASSIGNMENT, lms_export)
    assert report.students == {
        "alice": ["ex01.ipynb"],
        "bob": ["ex01.ipynb"],
        "777": ["ex01.ipynb"],
        "888": ["data.csv", "ex01.ipynb"],
        "erin": ["ex01.ipynb"],
        "gina": ["notes.txt"],
        "hank": ["ex01.ipynb"],
        "ivy": ["my_homework.ipynb"],
    }
    for student in report.students:
        folder = course.submitted_dir / student / fab.ASSIGNMENT
        assert (folder / "timestamp.txt").read_text().endswith(" UTC")
    kept = (course.submitted_dir / "hank" / fab.ASSIGNMENT / "ex01.ipynb").read_text()
    assert "return x ** 2" in kept  # the newest of two copies
    assert any("hank: two copies of ex01.ipynb; kept hank_ex01-1.ipynb" in n for n in report.notes)
    assert any("gina.zip: no notebook inside" in n for n in report.notes)
    assert not (lms_export.parent / "escape.ipynb").exists()


def test_collect_reports_what_it_could_not_attribute(fresh_course, lms_export):
    report = collect(Course(fresh_course), fab.ASSIGNMENT, lms_export)
    text = "\n".join(report.unattributed)
    assert "README.txt: name matches no known pattern" in text
    assert "frank.zip: not a readable zip" in text
    assert "erin.zip:../../escape.ipynb: unsafe path, skipped" in text


def test_collect_adds_unknown_students_to_the_gradebook(fresh_course, lms_export):
    course = Course(fresh_course)
    with course.gradebook() as gb:
        gb.add_student("alice")
    report = collect(course, fab.ASSIGNMENT, lms_export)
    assert "alice" not in report.new_students
    assert set(report.new_students) == set(report.students) - {"alice"}
    with course.gradebook() as gb:
        assert {s.id for s in gb.students} >= set(report.students)


def test_custom_pattern_and_cli_report(fresh_course, tmp_path, capsys):
    src = tmp_path / "custom"
    src.mkdir()
    (src / "ex01--s123456.ipynb").write_text(nbformat.writes(fab.filled(fresh_course, {})))
    (src / "stray.ipynb").write_text("{}")
    code = bpkit_main(
        [
            "collect", fab.ASSIGNMENT, str(src), "--root", str(fresh_course),
            "--pattern", r"^ex01--(?P<student>s\d+)\.ipynb$",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "s123456" in out and "collected 2 students" in out
    assert (fresh_course / "submitted" / "s123456" / fab.ASSIGNMENT / "ex01.ipynb").exists()


def test_collect_from_a_missing_folder_is_a_clear_error(fresh_course, tmp_path, capsys):
    code = bpkit_main(
        ["collect", fab.ASSIGNMENT, str(tmp_path / "nope"), "--root", str(fresh_course)]
    )
    assert code == 2
    assert "no such folder" in capsys.readouterr().err
