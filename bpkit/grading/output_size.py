"""Cap the size of what each graded cell displayed, in characters.

nbgrader's ``LimitOutput`` counts lines, so one long line of output (``print("x" * 10**8)``) passes
it whole: hundreds of MB in the graded notebook, the gradebook's copy, the feedback page, and in a
cluster the result a worker sends back. :class:`LimitOutputSize` runs on the grader's side after
the hidden tests are judged (the kernel's own cap, in :mod:`bpkit.grading.kernel_output`, runs in
the student's process and only keeps printing cheap). Error outputs are kept, shortened: they are
what makes a test cell fail.
"""

from __future__ import annotations

from typing import Any

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Int

#: Characters of output kept per cell (all its outputs together; errors not counted).
MAX_CELL_CHARS = 1_000_000
#: Characters kept of an error's message and of each of its traceback lines.
MAX_ERROR_CHARS = 10_000
NOTE = "\n... [grader] output removed: this cell displayed more than {n:,} characters ...\n"


def _size(output: Any) -> int:
    if output.get("output_type") == "stream":
        return len(output.get("text", ""))
    data = output.get("data", {})
    return sum(len(v) if isinstance(v, str) else len("".join(map(str, v))) for v in data.values())


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + " ... [grader] cut"


class LimitOutputSize(NbGraderPreprocessor):
    """Keep at most ``max_cell_chars`` characters of output per cell, and short errors."""

    max_cell_chars = Int(MAX_CELL_CHARS, help="characters of output kept per cell").tag(config=True)
    max_error_chars = Int(MAX_ERROR_CHARS, help="characters kept per error line").tag(config=True)

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        if cell.get("cell_type") != "code" or not cell.get("outputs"):
            return cell, resources
        left, kept, cut = self.max_cell_chars, [], False
        for output in cell.outputs:
            if output.get("output_type") == "error":
                output["evalue"] = _short(str(output.get("evalue", "")), self.max_error_chars)
                output["traceback"] = [
                    _short(str(line), self.max_error_chars) for line in output.get("traceback", [])
                ]
                kept.append(output)
                continue
            size = _size(output)
            if size <= left:
                left -= size
                kept.append(output)
                continue
            if output.get("output_type") == "stream" and left > 0:
                output["text"] = output["text"][:left]
                kept.append(output)
                left = 0
            cut = True
        if cut:
            note = NOTE.format(n=self.max_cell_chars)
            kept.append(new_output("stream", name="stdout", text=note))
        cell.outputs = kept
        return cell, resources
