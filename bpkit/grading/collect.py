"""``bpkit collect ASSIGNMENT SOURCE``: LMS downloads into nbgrader's ``submitted/`` layout.

SOURCE is a folder as a learning-management system exports it. Each entry is attributed to a
student by the first rule that matches its name:

1. ``--pattern REGEX`` (if given), a regular expression with a ``(?P<student>...)`` group, matched
   against the file or folder name;
2. Canvas: ``<name>[_late]_<user id>_<attachment id>_<original file name>``: the student is the
   numeric user id (``doejane_late_1234_99887_ex01.ipynb`` -> ``1234``);
3. Moodle: a folder ``<Full Name>_<id>_assignsubmission_file_``: the student is the id;
4. ``<student>.ipynb`` / ``<student>.zip``, or ``<student>_<anything>.ipynb|.zip``: the student is
   everything before the first underscore (``jdoe_ex01.ipynb`` -> ``jdoe``);
5. a plain folder ``<student>/`` holding that student's files.

Zips are unpacked safely (no absolute paths or ``..``, no ``__MACOSX``, a size cap). A notebook
whose name is the assignment's notebook name up to LMS decorations (``ex01 (2).ipynb``,
``ex01-1.ipynb``) is stored under the proper name; a single notebook with no name of its own
(``jdoe.ipynb``) becomes the assignment's notebook when it has only one. Other names are kept, so
``bpkit grade`` reports them as a wrong file name. When one student has several copies of a file,
the newest is kept and the others are reported. Files that match no rule are reported, never
silently dropped. New students are added to the gradebook.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from bpkit.grading.course import Course
from bpkit.grading.sanitize import _normalised

CANVAS = re.compile(
    r"^(?P<name>[a-z]+)(?:_late)?_(?P<student>\d+)_(?P<attachment>\d+)_(?P<rest>.+)$"
)
MOODLE = re.compile(r"^(?P<name>.+)_(?P<student>\d+)_assignsubmission_(?:file|onlinetext)_?$")
GENERIC = re.compile(r"^(?P<student>[A-Za-z0-9.@+-]+?)(?:_(?P<rest>.+))?$")
FOLDER = re.compile(r"^(?P<student>[\w.@+-]+)$")
SUBMISSION_SUFFIXES = (".ipynb", ".zip")
ZIP_LIMIT = 500 * 1024 * 1024  # bytes unpacked per zip
SKIP_PARTS = ("__MACOSX", ".ipynb_checkpoints", ".DS_Store")


@dataclass
class Found:
    """One file attributed to a student."""

    student: str
    name: str  # file name in the student's submitted folder
    data: bytes
    mtime: float
    origin: str


@dataclass
class CollectReport:
    students: dict[str, list[str]] = field(default_factory=dict)  # student -> stored file names
    unattributed: list[str] = field(default_factory=list)  # "path: why"
    notes: list[str] = field(default_factory=list)
    new_students: list[str] = field(default_factory=list)


def attribute(
    name: str, is_dir: bool = False, pattern: re.Pattern | None = None
) -> tuple[str, str] | None:
    """(student, rest of the name) for a file or folder name in SOURCE, or None.

    For ``jdoe_ex01.ipynb`` the rest is ``ex01.ipynb``; for ``jdoe.ipynb`` it is empty.
    """
    suffix = Path(name).suffix
    stem = name[: -len(suffix)] if suffix in SUBMISSION_SUFFIXES else name
    if is_dir:
        rules = (pattern, MOODLE, FOLDER)
    elif suffix in SUBMISSION_SUFFIXES:
        rules = (pattern, CANVAS, GENERIC)
    else:
        rules = (pattern, CANVAS)
    for rule in rules:
        if rule is None:
            continue
        match = rule.match(name) if rule is not GENERIC else rule.match(stem)
        if match is None and rule is pattern:
            match = rule.match(stem)
        if match and match.groupdict().get("student"):
            rest = match.groupdict().get("rest") or ""
            if rule is GENERIC and rest:
                rest += suffix
            return match["student"], rest
    return None


def _notebook_name(rest: str, original: str, expected: list[str]) -> str:
    """The name to store a notebook under."""
    stem = Path(rest).stem if rest.endswith(".ipynb") else Path(original).stem
    for name in expected:
        if _normalised(stem) == _normalised(name):
            return f"{name}.ipynb"
    if not rest.endswith(".ipynb") and len(expected) == 1:  # jdoe.ipynb: no name of its own
        return f"{expected[0]}.ipynb"
    return Path(rest or original).name


def _unzip(path: Path, student: str, expected: list[str], report: CollectReport) -> list[Found]:
    found, total = [], 0
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                parts = PurePosixPath(info.filename).parts
                if info.is_dir() or not parts or any(p in SKIP_PARTS for p in parts):
                    continue
                if info.filename.startswith("/") or ".." in parts:
                    report.unattributed.append(f"{path.name}:{info.filename}: unsafe path, skipped")
                    continue
                total += info.file_size
                if total > ZIP_LIMIT:
                    report.unattributed.append(f"{path.name}: unpacks to over 500 MB; rest skipped")
                    break
                inner = parts[-1]
                name = _notebook_name(inner, inner, expected) if inner.endswith(".ipynb") else inner
                mtime = datetime(*info.date_time).replace(tzinfo=UTC).timestamp()
                found.append(
                    Found(student, name, archive.read(info), mtime, f"{path.name}:{inner}")
                )
    except (zipfile.BadZipFile, OSError) as error:
        report.unattributed.append(f"{path.name}: not a readable zip ({error})")
        return []
    if not any(f.name.endswith(".ipynb") for f in found):
        report.notes.append(f"{path.name}: no notebook inside (student {student})")
    return found


def scan(source: Path, expected: list[str], pattern: re.Pattern | None = None) -> tuple:
    """Everything in ``source`` attributed to students, plus the report so far."""
    report, found = CollectReport(), []
    for entry in sorted(source.iterdir()):
        if entry.name.startswith(".") or entry.name in SKIP_PARTS:
            continue
        who = attribute(entry.name, entry.is_dir(), pattern)
        if who is None:
            report.unattributed.append(f"{entry.name}: name matches no known pattern")
            continue
        student, rest = who
        files = sorted(p for p in entry.rglob("*") if p.is_file()) if entry.is_dir() else [entry]
        for path in files:
            if any(part in SKIP_PARTS for part in path.parts):
                continue
            if path.suffix == ".zip":
                found.extend(_unzip(path, student, expected, report))
            elif path.suffix == ".ipynb":
                inner = rest if path == entry else path.name
                name = _notebook_name(inner, path.name, expected)
                found.append(
                    Found(student, name, path.read_bytes(), path.stat().st_mtime, path.name)
                )
            else:
                name = rest if path == entry and rest else path.name
                found.append(
                    Found(student, name, path.read_bytes(), path.stat().st_mtime, path.name)
                )
    if not found and not report.unattributed:
        report.notes.append(f"{source} is empty")
    return found, report


def collect(
    course: Course, assignment: str, source: Path, pattern: str | None = None
) -> CollectReport:
    """Import ``source`` into ``submitted/<student>/<assignment>/``; see the module docstring."""
    source = Path(source)
    if not source.is_dir():
        raise FileNotFoundError(f"no such folder: {source}")
    expected = course.notebooks(assignment)
    regex = re.compile(pattern) if pattern else None
    if regex is not None and "student" not in regex.groupindex:
        raise ValueError("--pattern needs a named group (?P<student>...)")
    found, report = scan(source, expected, regex)
    newest: dict[tuple[str, str], Found] = {}
    for item in found:
        key = (item.student, item.name)
        old = newest.get(key)
        if old is not None:
            keep, drop = (item, old) if item.mtime >= old.mtime else (old, item)
            report.notes.append(
                f"{item.student}: two copies of {item.name}; "
                f"kept {keep.origin}, skipped {drop.origin}"
            )
            item = keep
        newest[key] = item
    by_student: dict[str, list[Found]] = {}
    for item in newest.values():
        by_student.setdefault(item.student, []).append(item)
    for student, items in sorted(by_student.items()):
        folder = course.submitted_dir / student / assignment
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for item in items:
            (folder / item.name).write_bytes(item.data)
        stamp = datetime.fromtimestamp(max(i.mtime for i in items), UTC)
        (folder / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
        report.students[student] = sorted(i.name for i in items)
    from nbgrader.api import MissingEntry

    with course.gradebook() as gb:
        for student in report.students:
            try:
                gb.find_student(student)
            except MissingEntry:
                gb.add_student(student)
                report.new_students.append(student)
    return report
