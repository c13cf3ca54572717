"""``bpkit validate NOTEBOOK``: the student's self-check, with an honest exit code.

``nbgrader validate`` exits 0 even when tests fail. This runs the notebook's visible tests with
nbgrader's ``Validator`` (under the same grading policy as ``bpkit grade``: warnings do not fail a
test, per-cell timeout, output cap), then says in plain words which tests failed and why.

It also lists the written answers (cells graded by hand) that are not written yet: a cell that
still reads the release's placeholder (``YOUR ANSWER HERE``, the course's
``ClearSolutions.text_stub``), is empty, or is unchanged since the release. nbgrader gives such a
cell 0 points when it autogrades.

Exit code: 0 when every test passes and every written answer is written (ready to submit); 1 when
a test fails or a written answer is unfinished; 2 when the file could not be checked at all.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bpkit.grading.sanitize import read_notebook

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
ERROR_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)\b:?")
SHOWN_LINES = 5


@dataclass
class Failure:
    name: str  # grade_id of the test cell
    points: float
    message: list[str]  # first lines of the error


@dataclass
class Unfinished:
    name: str  # grade_id of the written-answer cell
    points: float
    why: str  # e.g. 'still reads "YOUR ANSWER HERE"'
    heading: str = ""  # the nearest heading above it, so the student can find it


@dataclass
class Report:
    path: Path
    passed: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    unfinished: list[Unfinished] = field(default_factory=list)  # written answers not written
    answers: int = 0  # written-answer cells in the notebook
    edited: list[str] = field(default_factory=list)  # locked cells the student changed
    problem: str = ""  # the notebook could not be checked at all

    @property
    def exit_code(self) -> int:
        """0: ready to submit; 1: a test fails or a written answer is unfinished; 2: unchecked."""
        if self.problem:
            return 2
        return 1 if self.failed or self.unfinished else 0


def error_lines(raw: str, limit: int = SHOWN_LINES) -> list[str]:
    """The first lines of the error itself (not the traceback frames), without colour codes."""
    lines = [ANSI.sub("", line).rstrip() for line in raw.splitlines()]
    lines = [line for line in lines if line.strip()]
    starts = [i for i, line in enumerate(lines) if ERROR_LINE.match(line)]
    if starts:
        shown = lines[starts[-1] :]
    else:
        shown = lines[-limit:]
    if "CellTimeoutError" in raw:
        shown = ["The cell ran too long and was stopped (an endless loop, or very slow code?)"]
    return shown[:limit] or ["(no error message)"]


def _grade_cells(nb) -> dict[str, tuple[str, float]]:
    """source (stripped) -> (grade_id, points) of every graded test cell (autograded code)."""
    found = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
            found[cell.source.strip()] = (meta.get("grade_id", "?"), float(meta.get("points", 0)))
    return found


def _answer_cells(nb) -> list[int]:
    """Indices of the written answers: cells graded by hand (graded and written by the student)."""
    return [
        i
        for i, cell in enumerate(nb.cells)
        if cell.metadata.get("nbgrader", {}).get("grade")
        and cell.metadata.get("nbgrader", {}).get("solution")
    ]


def placeholders(config) -> dict[str, str]:
    """The text nbgrader's release puts in answer cells, by cell type (from the course config)."""
    from nbgrader.preprocessors import ClearSolutions

    stubs = ClearSolutions(config=config)
    return {"markdown": stubs.text_stub, "code": stubs.code_stub.get("python", "")}


def _heading_above(nb, index: int) -> str:
    for cell in reversed(nb.cells[:index]):
        if cell.cell_type == "markdown":
            for line in reversed(cell.source.splitlines()):
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return ""


def unfinished_answers(nb, stubs: dict[str, str]) -> list[Unfinished]:
    """The written answers that are still a placeholder, empty, or as released."""
    from nbgrader.utils import compute_checksum

    found = []
    for i in _answer_cells(nb):
        cell = nb.cells[i]
        meta = cell.metadata.nbgrader
        stub = stubs.get(cell.cell_type, "").strip()
        text = cell.source
        if stub and stub in text:
            text = text.replace(stub, "")
        if not text.strip():
            shown = stub.splitlines()[0] if stub else ""
            why = f'still reads "{shown}"' if stub and stub in cell.source else "is empty"
        elif "checksum" in meta and compute_checksum(cell) == meta["checksum"]:
            why = "is unchanged since the release"
        else:
            continue
        points = float(meta.get("points", 0))
        found.append(Unfinished(meta.get("grade_id", "?"), points, why, _heading_above(nb, i)))
    return found


def _edited_cells(nb) -> list[str]:
    from nbgrader.utils import compute_checksum, is_locked

    edited = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if is_locked(cell) and "checksum" in meta and compute_checksum(cell) != meta["checksum"]:
            edited.append(meta.get("grade_id", "?"))
    return edited


def validate(path: Path, timeout: int | None = None) -> Report:
    """Run the visible tests of the notebook at ``path``."""
    path = Path(path)
    report = Report(path)
    if not path.exists():
        report.problem = f"no such file: {path}"
        return report
    if path.is_dir():
        report.problem = f"{path} is a folder; give the path of a .ipynb notebook"
        return report
    nb, reason = read_notebook(path)
    if nb is None:
        report.problem = f"not a notebook: {reason}"
        return report
    cells = _grade_cells(nb)
    report.answers = len(_answer_cells(nb))
    if not cells and not report.answers:
        report.problem = (
            f"{path.name} has no graded test cells or written answers, so there is nothing to check"
        )
        return report
    report.edited = _edited_cells(nb)

    from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, Execute
    from nbgrader.validator import Validator

    from bpkit.grading.course import find_root, load_course_config
    from bpkit.grading.stderr import WarningsToStdout

    config = load_course_config(find_root(path.parent.resolve()))
    report.unfinished = unfinished_answers(nb, placeholders(config))
    if not cells:
        return report
    if timeout is not None:
        config.Execute.timeout = int(timeout)
    validator = Validator(config=config)
    validator.preprocessors = [CheckCellMetadata, ClearOutput, Execute, WarningsToStdout]
    validator.ignore_checksums = True
    results = validator.validate(str(path.resolve()))
    failed_sources = set()
    for item in results.get("failed", []):
        grade_id, points = cells.get(item["source"].strip(), ("a test cell", 0.0))
        failed_sources.add(item["source"].strip())
        report.failed.append(Failure(grade_id, points, error_lines(item.get("raw_error", ""))))
    report.passed = [gid for src, (gid, _) in cells.items() if src not in failed_sources]
    return report


def _points(points: float) -> str:
    return f"{points:g} point" + ("" if points == 1 else "s")


def print_report(report: Report, out: TextIO | None = None) -> None:
    """Explain the result to the student."""
    out = out or sys.stdout
    if report.problem:
        out.write(f"Cannot check this notebook: {report.problem}\n")
        return
    total = len(report.passed) + len(report.failed)
    for name in report.edited:
        out.write(
            f"Note: you changed the locked cell '{name}'. Grading puts the original back, so "
            "your grade may differ from what you see here.\n"
        )
    if report.failed:
        out.write(f"{len(report.failed)} of {total} graded tests FAIL in {report.path.name}:\n")
        for failure in report.failed:
            points = f" ({_points(failure.points)})" if failure.points else ""
            out.write(f"\n  x {failure.name}{points}\n")
            for line in failure.message:
                out.write(f"      {line}\n")
        out.write(
            "\nFix the answer cells above each failing test, then run bpkit validate again.\n"
        )
    elif total:
        out.write(f"All {total} graded tests pass in {report.path.name}.\n")
    if report.unfinished:
        _print_unfinished(report, out)
    elif report.answers and not total:
        out.write(f"All {report.answers} written answers in {report.path.name} are written.\n")


def _print_unfinished(report: Report, out: TextIO) -> None:
    items = report.unfinished
    worth = _points(sum(u.points for u in items))
    what = "written answer is" if len(items) == 1 else "written answers are"
    if report.passed or report.failed:
        out.write("\n")
    out.write(f"{len(items)} {what} unfinished in {report.path.name} ({worth}, graded by hand):\n")
    for item in items:
        where = f', under "{item.heading}"' if item.heading else ""
        points = f" ({_points(item.points)})" if item.points else ""
        out.write(f"\n  ? {item.name}{points}{where}: {item.why}\n")
    out.write("\nWrite them before you submit: a placeholder or an empty answer scores 0.\n")
