"""Hidden tests judged by the grader, not in the student's kernel.

Two autograde preprocessors bracket nbgrader's ``Execute``:

* :class:`ProvideHiddenCases` writes the notebook's hidden *inputs* (``bpkit_grader``'s table,
  pickled) into the folder the kernel starts in, where ``bpkit.checks.hidden.record`` reads them;
* :class:`JudgeHidden` takes each hidden test cell's plain-data output, removes it from the
  notebook, and replays it to the checks in this process (``bpkit_grader.judge``). A wrong or
  missing result becomes an error output with the diagnosis, so nbgrader scores the cell 0.

The cell that is judged is the gradebook's copy of the test cell (nbgrader restores locked cells
before executing), so a student cannot choose what is judged, and whatever the student did to
numpy, builtins or the checks inside the kernel, a hidden point needs the right numbers.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from bpkit.checks._replay import MIME
from bpkit.checks.hidden import CASES_FILE

#: A hidden test line, as the source notebooks write it.
HIDDEN_CALL = re.compile(r"hidden\.record(?:_values)?\(\s*\"(\w+)\",\s*\"(\w+)\"")


def _grader() -> Any:
    """``bpkit_grader.judge``, the grader-only package next to the course's notebooks."""
    return importlib.import_module("bpkit_grader.judge")


def hidden_calls(nb: NotebookNode) -> list[tuple[int, str, str]]:
    """(cell index, notebook module, exercise) of every hidden test in ``nb``."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.metadata.get("nbgrader", {}).get("grade"):
            continue
        match = HIDDEN_CALL.search(cell.source)
        if match:
            found.append((index, match.group(1), match.group(2)))
    return found


def _folder(resources: ResourcesDict) -> Path:
    return Path(resources.get("metadata", {}).get("path") or ".")


class _HiddenPackages(NbGraderPreprocessor):
    """Where a notebook's hidden table and its checks live (``<package>.<notebook>``)."""

    grader_package = Unicode(
        "bpkit_grader", help="grader-only package with a HIDDEN table per notebook"
    ).tag(config=True)
    checks_package = Unicode(
        "bpkit.checks", help="importable package (in the sandbox too) with the checks"
    ).tag(config=True)


class ProvideHiddenCases(_HiddenPackages):
    """Put the hidden inputs where the kernel starts; nothing else of the grader goes there."""

    def preprocess(
        self, nb: NotebookNode, resources: ResourcesDict
    ) -> tuple[NotebookNode, ResourcesDict]:
        notebooks = sorted({module for _, module, _ in hidden_calls(nb)})
        target = _folder(resources) / CASES_FILE
        target.unlink(missing_ok=True)
        if len(notebooks) > 1:
            raise ValueError(f"hidden tests of several notebooks in one file: {notebooks}")
        if notebooks:
            payload = _grader().cases_payload(
                notebooks[0], self.grader_package, self.checks_package
            )
            target.write_bytes(payload)
            target.chmod(0o644)
        return nb, resources


def _error_output(message: str) -> NotebookNode:
    text = f"CheckError: {message}"
    return from_dict(
        {"output_type": "error", "ename": "CheckError", "evalue": message, "traceback": [text]}
    )


def _answer_source(nb: NotebookNode, exercise: str) -> str:
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") == exercise:
            return cell.source
    return ""


def drop_results(nb: NotebookNode) -> None:
    """Remove ``execute_result`` outputs from every test cell.

    nbgrader reads the first ``execute_result`` of a test cell as its grade (partial credit for a
    number, full points for anything else) and stops looking, so an answer that makes every cell
    display a value (an IPython event hook) would score points past its own errors. The course
    gives no partial credit; a test cell earns its points by running without error.
    """
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            cell.outputs = [o for o in cell.outputs if o.get("output_type") != "execute_result"]


class JudgeHidden(_HiddenPackages):
    """Judge every hidden test from its recorded data; a failure becomes the cell's error."""

    def preprocess(
        self, nb: NotebookNode, resources: ResourcesDict
    ) -> tuple[NotebookNode, ResourcesDict]:
        (_folder(resources) / CASES_FILE).unlink(missing_ok=True)
        drop_results(nb)
        judge = _grader()
        for index, module, exercise in hidden_calls(nb):
            cell = nb.cells[index]
            payloads = [o for o in cell.outputs if MIME in o.get("data", {})]
            cell.outputs = [o for o in cell.outputs if MIME not in o.get("data", {})]
            if len(payloads) != 1:
                verdict = (
                    f"{judge.NO_RECORD}: the hidden test cell produced "
                    f"{len(payloads)} sets of results for {exercise} instead of one."
                )
            else:
                verdict = judge.judge(
                    module,
                    exercise,
                    json.loads(json.dumps(payloads[0]["data"][MIME])),  # plain dicts and lists
                    _answer_source(nb, exercise),
                    self.grader_package,
                    self.checks_package,
                )
            if verdict is not None:
                self.log.info("hidden test %s: %s", exercise, verdict)
                cell.outputs.append(_error_output(f"hidden test: {verdict}"))
        return nb, resources
