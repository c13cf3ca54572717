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
from typing import Any

import pytest

from bpkit.checks._core import CheckError
from bpkit_grader import judge

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


def assert_passes(nb: str, name: str, fn: Callable[..., Any], source: str, capsys: Any) -> None:
    """The visible check accepts `fn` with nothing on stderr, and so does the outside judge.

    The hidden verdict goes the way grading takes: the checks record `fn`'s results as plain
    data, which are replayed to the checks again (see ``bpkit.checks._replay``).
    """
    getattr(importlib.import_module(f"bpkit.checks.{nb}"), name)(fn)
    out = capsys.readouterr()
    assert f"{name}: all checks passed" in out.out, out.out
    assert out.err == ""
    assert judge.judge_in_process(nb, name, fn, source=source) is None


def assert_rejected(
    nb: str, name: str, fn: Callable[..., Any], source: str, label: str, expected: str
) -> None:
    """The visible check names `expected`; the outside judge rejects `fn` and names it too."""
    with pytest.raises(CheckError) as visible:
        getattr(importlib.import_module(f"bpkit.checks.{nb}"), name)(fn)
    assert expected in str(visible.value), f"{label}: {visible.value}"
    verdict = judge.judge_in_process(nb, name, fn, source=source)
    assert verdict is not None, f"{label}: the outside judge accepted it"
    assert expected in verdict, f"{label}: {verdict}"
