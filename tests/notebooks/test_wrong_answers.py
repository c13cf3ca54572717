"""Each exercise rejects known-wrong answers with the diagnostic a student would read.

For a notebook with ``tests/notebooks/wrong/nbNN.py``, one kernel (in grading mode) runs the
solution notebook in order, each cell once. After each answer cell's block has run, every wrong
replacement in ``WRONG`` runs followed by the block's graded test cells, and a test cell must
fail with the expected substring in its error message. Then the correct answer and its tests run
again (and must pass), and the notebook continues.
"""

from __future__ import annotations

import nbformat
import pytest
from _nb import (
    Notebook,
    client,
    errors,
    grading,
    is_answer,
    is_test,
    kernel_env,
    load_wrong,
    params,
    read,
    stderr,
)

MIN_WRONG = 3


def require_wrong(nb: Notebook) -> dict[str, list[tuple[str, str, str]]]:
    if not nb.wrong_file.is_file():
        pytest.fail(f"tests/notebooks/wrong/nb{nb.nn}.py (the known-wrong answers) is missing")
    return load_wrong(nb)


def answer_ids(nb: Notebook) -> list[str]:
    return [grading(c)["grade_id"] for c in read(nb.source).cells if is_answer(c)]


@pytest.mark.parametrize("nb", params(slow=False))
def test_every_answer_cell_has_enough_wrong_answers(nb: Notebook):
    wrong = require_wrong(nb)
    answers = answer_ids(nb)
    short = {a: len(wrong.get(a, [])) for a in answers if len(wrong.get(a, [])) < MIN_WRONG}
    assert not short, f"nb{nb.nn}: answer cells with fewer than {MIN_WRONG} wrong answers: {short}"
    unknown = sorted(set(wrong) - set(answers))
    assert not unknown, f"WRONG of nb{nb.nn} names cells that are not answer cells: {unknown}"
    for grade_id, entries in wrong.items():
        for entry in entries:
            assert len(entry) == 3 and all(isinstance(x, str) and x for x in entry), (
                f"WRONG[{grade_id!r}] entries must be (label, source, expected substring)"
            )


def messages(cell) -> str:
    """What a student reads as the outcome of a cell: the error lines and stderr."""
    return "\n".join(f"{e.ename}: {e.evalue}" for e in errors(cell)) + stderr(cell)


class Runner:
    """Runs cells of one notebook, or replacements of them, in one kernel."""

    def __init__(self, nb: Notebook):
        self.nb = read(nb.source)  # pristine: nbclient stores executed cells in its own copy
        self.client = client(read(nb.source), nb.source.parent)
        self.client.timeout = 60

    def run(self, index: int, source: str | None = None):
        original = self.nb.cells[index]
        cell = nbformat.v4.new_code_cell(original.source if source is None else source)
        cell.metadata = nbformat.from_dict(dict(original.metadata))
        self.client.execute_cell(cell, index)
        return cell

    def run_answer(self, start: int, stop: int, source: str, *, everything: bool):
        """Run `source` in place of answer cell `start`, then the cells after it up to `stop`:
        every code cell if `everything`, else only the graded test cells."""
        ran = [(start, self.run(start, source))]
        for j in range(start + 1, stop):
            cell = self.nb.cells[j]
            if cell.cell_type == "code" and (everything or is_test(cell)):
                ran.append((j, self.run(j)))
        return ran


@pytest.mark.parametrize("nb", params(slow=True))
def test_wrong_answers_are_rejected_with_their_diagnostic(nb: Notebook):
    wrong = require_wrong(nb)
    runner = Runner(nb)
    cells = runner.nb.cells
    answers = [i for i, c in enumerate(cells) if is_answer(c)] + [len(cells)]
    problems: list[str] = []
    with runner.client.setup_kernel(env=kernel_env(grading_mode="autograde")):
        for i in range(answers[0]):
            if cells[i].cell_type == "code":
                runner.run(i)
        for start, stop in zip(answers, answers[1:], strict=False):
            grade_id = grading(cells[start])["grade_id"]
            correct = cells[start].source
            # The correct answer first, with every cell of its block, each run exactly once.
            ran = runner.run_answer(start, stop, correct, everything=True)
            broken = [f"cell {j}: {messages(c)[:400]}" for j, c in ran if messages(c).strip()]
            if broken:
                problems.append(f"{grade_id}: the solution itself fails: {broken}")
            for label, source, expected in wrong.get(grade_id, []):
                tests = runner.run_answer(start, stop, source, everything=False)[1:]
                shown = "\n".join(messages(c) for _, c in tests)
                if not any(errors(c) for _, c in tests):
                    problems.append(f"{grade_id}: wrong answer {label!r} passed the tests")
                elif expected not in shown:
                    problems.append(
                        f"{grade_id}: wrong answer {label!r} failed, but without {expected!r}; "
                        f"the student reads:\n    {shown.strip()[:600]}"
                    )
            # Then the correct answer again, so that the rest of the notebook sees it.
            ran = runner.run_answer(start, stop, correct, everything=False)
            broken = [f"cell {j}: {messages(c)[:400]}" for j, c in ran if messages(c).strip()]
            if broken:
                problems.append(
                    f"{grade_id}: the correct answer fails after the wrong ones: {broken}"
                )
    assert not problems, f"nb{nb.nn}:\n" + "\n".join(problems)
