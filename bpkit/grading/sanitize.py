"""Check and clean one student's submission before nbgrader sees it.

nbgrader reads ``submitted/<student>/<assignment>/``. bpkit never changes those files: it writes a
cleaned copy to ``sanitized/<student>/<assignment>/`` and grades that. Cleaning means:

- a notebook under the wrong file name (``Untitled.ipynb``, ``ex01 (1).ipynb``) is graded under
  the expected name when it is the only candidate, with a note;
- an empty file, a file that is not JSON or not a notebook is reported as an invalid notebook
  (the other notebooks of the assignment are still graded);
- a grade_id that appears on several cells (a copy-pasted cell) is kept once: the first copy of
  a test/locked cell, the last copy of an answer cell (where the student kept working); the other
  copies become plain cells, which still run. Duplicated cell ids are renewed;
- nbgrader metadata with a grade_id the assignment does not have is dropped;
- saved outputs are removed (they are never graded, and can be huge);
- the student's code cells are scanned for tampering (:mod:`bpkit.grading.tamper`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from bpkit.grading.status import INVALID, MISSING
from bpkit.grading.tamper import scan_cells

#: Bytes of saved output above which the note mentions that outputs were dropped.
BIG_OUTPUT = 1_000_000
_COPY_SUFFIX = re.compile(
    r"(\s*\(\d+\)|[-_ ]copy\d*|-Copy\d+|[-_]v?\d+|[-_ ]final)$", re.IGNORECASE
)


@dataclass
class NotebookSpec:
    """What the source notebook of one assignment notebook looks like."""

    name: str
    grade_ids: set[str]
    solution_ids: set[str]
    trusted_code: list[str]  # code of locked cells (setup, tests)


@dataclass
class Sanitized:
    """Result of cleaning one submission."""

    student: str
    notebooks: list[str] = field(default_factory=list)  # cleaned notebooks written
    problems: list[str] = field(default_factory=list)  # invalid or missing notebooks
    notes: list[str] = field(default_factory=list)
    suspicion: list[str] = field(default_factory=list)
    status: str = ""  # "" (ready to grade), INVALID or MISSING

    @property
    def gradable(self) -> bool:
        return bool(self.notebooks)


def notebook_specs(source_dir: Path) -> list[NotebookSpec]:
    """Specs of every notebook in an assignment's source folder."""
    specs = []
    for path in sorted(source_dir.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        grade_ids, solution_ids, trusted = set(), set(), []
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if "grade_id" not in meta:
                continue
            grade_ids.add(meta["grade_id"])
            if meta.get("solution"):
                solution_ids.add(meta["grade_id"])
            elif cell.cell_type == "code" and (meta.get("locked") or meta.get("grade")):
                trusted.append(cell.source)
        specs.append(NotebookSpec(path.stem, grade_ids, solution_ids, trusted))
    return specs


def _normalised(stem: str) -> str:
    stem = stem.strip()
    for _ in range(3):
        stem = _COPY_SUFFIX.sub("", stem).strip()
    return stem.lower()


def match_files(folder: Path, expected: list[str]) -> tuple[dict[str, Path], list[str]]:
    """Map expected notebook names to files in ``folder``; also return notes on renamed files."""
    present = {p.stem: p for p in sorted(folder.glob("*.ipynb")) if p.is_file()}
    found = {name: present.pop(name) for name in expected if name in present}
    notes = []
    for name in [n for n in expected if n not in found]:
        close = [s for s in present if _normalised(s) == _normalised(name)]
        if len(close) == 1:
            found[name] = present.pop(close[0])
            notes.append(f"file was named '{close[0]}.ipynb'; graded as '{name}.ipynb'")
    missing = [n for n in expected if n not in found]
    if len(missing) == 1 and len(present) == 1:
        (stem, path), name = next(iter(present.items())), missing[0]
        found[name] = path
        notes.append(f"wrong file name '{stem}.ipynb'; graded as '{name}.ipynb'")
    return found, notes


def read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str]:
    """Read a submitted notebook; on failure return (None, a plain-words reason)."""
    data = path.read_bytes()
    if not data.strip():
        return None, f"{path.name} is an empty file"
    try:
        raw = json.loads(data.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as error:
        return None, (
            f"{path.name} is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}); the file may be truncated or not a notebook"
        )
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        return None, f"{path.name} is JSON but not a Jupyter notebook (it has no list of cells)"
    try:
        with warnings.catch_warnings():  # duplicate cell ids are fixed by deduplicate()
            warnings.simplefilter("ignore")
            nb = nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as error:  # nbformat raises several kinds for malformed notebooks
        return None, f"{path.name} is not a readable notebook ({type(error).__name__}: {error})"
    return nb, ""


def deduplicate(nb: nbformat.NotebookNode, spec: NotebookSpec) -> list[str]:
    """Make grade_ids and cell ids unique in place; return notes on what was changed."""
    notes = []
    positions: dict[str, list[int]] = {}
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        if not isinstance(meta, dict) or not meta:
            continue
        grade_id = meta.get("grade_id")
        if grade_id not in spec.grade_ids:
            del cell.metadata["nbgrader"]
            notes.append(f"cell {index + 1} had nbgrader data for unknown id {grade_id!r}; ignored")
            continue
        positions.setdefault(grade_id, []).append(index)
    for grade_id, where in positions.items():
        if len(where) < 2:
            continue
        keep = where[-1] if grade_id in spec.solution_ids else where[0]
        for index in where:
            if index != keep:
                del nb.cells[index].metadata["nbgrader"]
        notes.append(
            f"cell '{grade_id}' appeared {len(where)} times (copy-pasted?); "
            f"cell {keep + 1} is graded, the other copies still run as plain cells"
        )
    seen: set[str] = set()
    for cell in nb.cells:
        cell_id = cell.get("id")
        if cell_id is not None and cell_id in seen:
            cell["id"] = uuid.uuid4().hex[:8]
        if cell_id is not None:
            seen.add(cell["id"])
    return notes


def strip_outputs(nb: nbformat.NotebookNode) -> int:
    """Remove saved outputs in place; return their size in bytes (JSON)."""
    size = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            size += len(json.dumps(cell.get("outputs", [])))
            cell.outputs = []
            cell.execution_count = None
    return size


def student_code(nb: nbformat.NotebookNode, spec: NotebookSpec) -> list[tuple[str, str]]:
    """(label, source) of the code cells a student wrote or could edit."""
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if grade_id in spec.grade_ids and grade_id not in spec.solution_ids:
            continue  # a locked cell: nbgrader restores its source from the gradebook
        label = f"answer '{grade_id}'" if grade_id else f"cell {index + 1}"
        cells.append((f"{spec.name}: {label}", cell.source))
    return cells


def _regular(path: Path) -> bool:
    """A plain file, not a symbolic link, FIFO or device (never followed: the grader is root)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _utf8(name: str) -> bool:
    """Whether a file name read from the disk is valid UTF-8 (the notebooks' JSON and the
    gradebook cannot carry one that is not)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def regular_files(folder: Path, notes: list[str]) -> list[Path]:
    """The plain files under ``folder``, without following links; the rest is noted, not copied."""
    found = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        for name in sorted(dirs):
            if Path(top, name).is_symlink():
                notes.append(f"skipped {Path(top, name).relative_to(folder)}: a link to a folder")
        for name in sorted(files):
            path = Path(top, name)
            if not _utf8(name):
                shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                notes.append(f"skipped {shown!r}: its name is not valid UTF-8")
            elif _regular(path):
                found.append(path)
            else:
                notes.append(f"skipped {path.relative_to(folder)}: a link or a special file")
    return found


def sanitize(submitted: Path, output: Path, student: str, specs: list[NotebookSpec]) -> Sanitized:
    """Clean ``submitted`` (one student's assignment folder) into ``output``."""
    result = Sanitized(student)
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    if not submitted.is_dir():
        result.status, result.problems = MISSING, ["no submission"]
        return result
    for item in regular_files(submitted, result.notes):  # data files, timestamp.txt, sub-folders
        relative = item.relative_to(submitted)
        top_notebook = len(relative.parts) == 1 and item.suffix == ".ipynb"
        if not top_notebook and ".ipynb_checkpoints" not in relative.parts:
            (output / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(item, output / relative, follow_symlinks=False)
    found, notes = match_files(submitted, [s.name for s in specs])
    result.notes.extend(notes)
    for spec in specs:
        path = found.get(spec.name)
        if path is not None and not _regular(path):
            result.problems.append(f"{path.name} is a link or a special file, not a notebook")
            continue
        if path is None:
            others = sorted(p.name for p in submitted.iterdir() if p.name != "timestamp.txt")
            listing = ", ".join(others[:5]) if others else "nothing"
            result.problems.append(f"{spec.name}.ipynb is missing (found: {listing})")
            continue
        nb, reason = read_notebook(path)
        if nb is None:
            result.problems.append(reason)
            continue
        result.notes.extend(deduplicate(nb, spec))
        size = strip_outputs(nb)
        if size > BIG_OUTPUT:
            result.notes.append(f"{size / 1e6:.0f} MB of saved output removed from {path.name}")
        result.suspicion.extend(scan_cells(student_code(nb, spec), spec.trusted_code))
        nbformat.write(nb, output / f"{spec.name}.ipynb")
        result.notebooks.append(spec.name)
    if not result.notebooks:
        invalid = any("missing" not in p for p in result.problems)
        result.status = INVALID if invalid else MISSING
    elif result.problems:
        result.status = INVALID
    return result
