"""What the per-notebook check tests share.

Reference answers are read from the answer cells of the solution notebook, so the tests guard the
notebook as well as the checks. Known-wrong answers come from ``tests/notebooks/wrong/nbNN.py``,
the same ones the notebook harness substitutes in a real kernel. Every exercise must get two
verdicts, without a kernel:

* the solution passes the visible and the hidden checks, printing nothing to stderr;
* each wrong answer fails the visible check with its diagnosis, and fails the hidden one too.
"""

from __future__ import annotations

import importlib
import json
import linecache
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bpkit.checks._core import CheckError

ROOT = Path(__file__).resolve().parents[2]


def solution_notebook(nb: str) -> Path:
    """The source notebook of ``nb`` ("nb03" -> solutions/03_*/03_*.ipynb)."""
    (path,) = (ROOT / "solutions").glob(f"{nb[2:]}_*/{nb[2:]}_*.ipynb")
    return path


def answer_cells(nb: str) -> dict[str, str]:
    """grade_id -> source of every answer (solution) code cell of the solution notebook."""
    cells = json.loads(solution_notebook(nb).read_text(encoding="utf-8"))["cells"]
    return {
        c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code" and c.get("metadata", {}).get("nbgrader", {}).get("solution")
    }


def setup_cell(nb: str) -> str:
    """Source of the notebook's locked setup cell (grade_id "setup")."""
    cells = json.loads(solution_notebook(nb).read_text(encoding="utf-8"))["cells"]
    (source,) = (
        "".join(c["source"])
        for c in cells
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "setup"
    )
    return source


def wrong_answers(nb: str) -> dict[str, list[tuple[str, str, str]]]:
    """{answer grade_id: [(label, source, expected diagnosis)]} from tests/notebooks/wrong."""
    return importlib.import_module(f"tests.notebooks.wrong.{nb}").WRONG


def wrong_params(nb: str) -> list[Any]:
    """The wrong answers as pytest params (name, label, source, expected), id "name-label"."""
    return [
        pytest.param(name, label, source, expected, id=f"{name}-{label}")
        for name, cases in wrong_answers(nb).items()
        for label, source, expected in cases
    ]


def define(source: str, name: str, namespace: Mapping[str, Any]) -> Callable[..., Any]:
    """Execute an answer cell's source in a copy of `namespace`, as a kernel would; return `name`.

    The source is registered with linecache, as IPython does, so checks that read a function's
    source (inspect.getsource) see it.
    """
    filename = f"<answer {name} {abs(hash(source))}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    scope = dict(namespace)
    exec(compile(source, filename, "exec"), scope)  # noqa: S102 - the answer under test
    return scope[name]


def assert_passes(
    checks: ModuleType, hidden: ModuleType, name: str, fn: Callable[..., Any], capsys: Any
) -> None:
    """The visible and the hidden checks both accept `fn`, with nothing on stderr."""
    getattr(checks, name)(fn)
    getattr(hidden, name)(fn)
    out = capsys.readouterr()
    assert f"{name}: all checks passed" in out.out, out.out
    assert out.err == ""


def assert_rejected(
    checks: ModuleType,
    hidden: ModuleType,
    name: str,
    fn: Callable[..., Any],
    label: str,
    expected: str,
) -> None:
    """The visible check names `expected`; the hidden check rejects `fn` as well."""
    with pytest.raises(CheckError) as visible:
        getattr(checks, name)(fn)
    assert expected in str(visible.value), f"{label}: {visible.value}"
    with pytest.raises(AssertionError):  # a fresh copy of the checks raises its own CheckError
        getattr(hidden, name)(fn)
