"""Shared helpers of the notebook tier: discovery, cell roles, kernels, error text.

Every solution notebook ``solutions/NN_topic/NN_topic.ipynb`` is discovered automatically, so a
notebook added by anyone is tested by every check in this folder.
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
COURSE = ROOT / "course"
NOTEBOOK_RE = re.compile(r"^(\d\d)_[A-Za-z0-9_]+$")
ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# Spelled in two parts so that nothing here looks like a marker to nbgrader or to a grep.
_HASHES = "###"
BEGIN_SOLUTION = f"{_HASHES} BEGIN " + "SOLUTION"
END_SOLUTION = f"{_HASHES} END " + "SOLUTION"
BEGIN_HIDDEN = f"{_HASHES} BEGIN " + "HIDDEN TESTS"
END_HIDDEN = f"{_HASHES} END " + "HIDDEN TESTS"
MARKER_WORDS = ("BEGIN " + "SOLUTION", "END " + "SOLUTION", "BEGIN " + "HIDDEN", "END " + "HIDDEN")
CELL_TIMEOUT = 120  # seconds per cell; a notebook's budget is 15 s, so only a hang gets here


@dataclass(frozen=True)
class Notebook:
    """One assignment: ``name`` is e.g. ``02_backpropagation`` and ``nn`` is ``"02"``."""

    name: str
    nn: str
    root: Path = ROOT  # another root lets the harness test itself on planted notebooks

    @property
    def source(self) -> Path:
        return self.root / "solutions" / self.name / f"{self.name}.ipynb"

    @property
    def release(self) -> Path:
        return self.root / "course" / self.name / f"{self.name}.ipynb"

    @property
    def wrong_file(self) -> Path:
        return self.root / "tests" / "notebooks" / "wrong" / f"nb{self.nn}.py"


def discover() -> list[Notebook]:
    """Every ``solutions/NN_topic/NN_topic.ipynb``, in course order."""
    found = []
    if SOLUTIONS.is_dir():
        for folder in sorted(SOLUTIONS.iterdir()):
            match = NOTEBOOK_RE.match(folder.name)
            if match and (folder / f"{folder.name}.ipynb").is_file():
                found.append(Notebook(folder.name, match.group(1)))
    return found


def params(*, slow: bool) -> list[Any]:
    """pytest parameters, one per notebook, carrying the ``nbNN`` marker (and ``slow``)."""
    out = []
    for nb in discover():
        marks = [getattr(pytest.mark, f"nb{nb.nn}")]
        if slow:
            marks.append(pytest.mark.slow)
        out.append(pytest.param(nb, id=nb.name, marks=marks))
    return out


def read(path: Path) -> NotebookNode:
    return nbformat.read(path, as_version=4)


def require_release(nb: Notebook) -> Path:
    """The released notebook's path, or a failure telling how to create it."""
    if not nb.release.is_file():
        pytest.fail(f"course/{nb.name}/{nb.name}.ipynb is missing: run `make release`")
    return nb.release


def grading(cell: NotebookNode) -> dict[str, Any]:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_answer(cell: NotebookNode) -> bool:
    """An autograded answer cell: code the student writes."""
    meta = grading(cell)
    return cell.cell_type == "code" and bool(meta.get("solution")) and not meta.get("grade")


def is_test(cell: NotebookNode) -> bool:
    """A graded test cell (code, graded, not written by the student)."""
    meta = grading(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_manual(cell: NotebookNode) -> bool:
    """A manually graded answer (written answer in markdown, or graded free code)."""
    meta = grading(cell)
    return bool(meta.get("grade")) and bool(meta.get("solution"))


def regions(source: str, begin: str, end: str) -> list[list[str]]:
    """The lines strictly inside each begin/end marker pair of a cell's source."""
    found: list[list[str]] = []
    current: list[str] | None = None
    for line in source.splitlines():
        if begin in line:
            current = []
        elif end in line and current is not None:
            found.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return found


def kernel_env(*, grading_mode: str | None) -> dict[str, str]:
    """The environment of a kernel: repo root importable, inline plots, grading mode or not."""
    env = dict(os.environ)
    paths = [str(ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env.pop("MPLBACKEND", None)  # tests use Agg; in a kernel, Agg's plt.show() warns on stderr
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env.pop("NBGRADER_EXECUTION", None)
    env.pop("NBGRADER_VALIDATING", None)
    if grading_mode:
        env["NBGRADER_EXECUTION"] = grading_mode
    return env


def client(nb: NotebookNode, cwd: Path) -> NotebookClient:
    return NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(cwd)}},
    )


def execute(path: Path, *, grading_mode: str | None) -> NotebookNode:
    """Run a whole notebook in a fresh kernel (errors are kept in the outputs, not raised)."""
    nb = read(path)
    client(nb, path.parent).execute(env=kernel_env(grading_mode=grading_mode))
    return nb


def error_text(cell: NotebookNode) -> str:
    """Everything a student would see as an error in a cell: tracebacks and stderr."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "error":
            parts.append("\n".join(out.get("traceback", [])) or f"{out.ename}: {out.evalue}")
        elif out.output_type == "stream" and out.name == "stderr":
            parts.append(out.text)
    return ANSI_RE.sub("", "\n".join(parts))


def errors(cell: NotebookNode) -> list[NotebookNode]:
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def stderr(cell: NotebookNode) -> str:
    return "".join(
        o.text for o in cell.get("outputs", []) if o.output_type == "stream" and o.name == "stderr"
    )


def label(nb: NotebookNode, index: int) -> str:
    """How a cell is named in failure messages: its grade_id, or its index and first line."""
    cell = nb.cells[index]
    grade_id = grading(cell).get("grade_id")
    first = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else "(empty)"
    return f"cell {index} ({grade_id})" if grade_id else f"cell {index} [{first}]"


def load_wrong(nb: Notebook) -> dict[str, list[tuple[str, str, str]]]:
    """``WRONG`` from ``tests/notebooks/wrong/nbNN.py``."""
    spec = importlib.util.spec_from_file_location(f"_wrong_nb{nb.nn}", nb.wrong_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG
