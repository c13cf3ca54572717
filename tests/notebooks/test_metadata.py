"""nbgrader metadata of the solution notebooks is well-formed, and the notebooks are complete."""

from __future__ import annotations

import re

import nbformat
import pytest
from _nb import (
    BEGIN_HIDDEN,
    BEGIN_SOLUTION,
    END_HIDDEN,
    END_SOLUTION,
    Notebook,
    grading,
    is_answer,
    is_manual,
    is_test,
    params,
    read,
    regions,
)

from bpkit.grading.judging import HIDDEN_CALL
from bpkit_grader.judge import specs

GRADE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
MIN_AUTOGRADED = 4
MIN_MANUAL = 1


@pytest.mark.parametrize("nb", params(slow=False))
def test_notebook_format_and_kernelspec(nb: Notebook):
    notebook = read(nb.source)
    nbformat.validate(notebook)
    kernelspec = notebook.metadata.get("kernelspec", {})
    assert kernelspec.get("name") == "python3" and kernelspec.get("language") == "python", (
        f"{nb.name} needs kernelspec python3 (without it JupyterLab asks for a kernel)"
    )
    assert notebook.metadata.get("language_info", {}).get("name") == "python"


@pytest.mark.parametrize("nb", params(slow=False))
def test_no_stored_outputs(nb: Notebook):
    stored = [
        i
        for i, cell in enumerate(read(nb.source).cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not stored, f"{nb.name} stores outputs or execution counts in cells {stored}"


@pytest.mark.parametrize("nb", params(slow=False))
def test_nbgrader_cells_are_well_formed(nb: Notebook):
    problems = []
    seen: set[str] = set()
    for i, cell in enumerate(read(nb.source).cells):
        meta = grading(cell)
        if not meta:
            continue
        grade_id = meta.get("grade_id", "")
        where = f"cell {i} ({grade_id or 'no grade_id'})"
        if meta.get("schema_version") != 3:
            problems.append(f"{where}: schema_version must be 3")
        if not GRADE_ID.match(grade_id):
            problems.append(f"{where}: grade_id must match [A-Za-z0-9_-]+")
        if grade_id in seen:
            problems.append(f"{where}: duplicate grade_id")
        seen.add(grade_id)
        points = meta.get("points")
        if meta.get("grade") and not (isinstance(points, int | float) and points > 0):
            problems.append(f"{where}: a graded cell needs points > 0")
        if is_test(cell) and not meta.get("locked"):
            problems.append(f"{where}: a test cell must be locked")
        if is_answer(cell) and not (BEGIN_SOLUTION in cell.source and END_SOLUTION in cell.source):
            problems.append(f"{where}: an answer cell needs the solution markers")
    assert not problems, f"{nb.name}: " + "; ".join(problems)


@pytest.mark.parametrize("nb", params(slow=False))
def test_setup_cell_comes_first_and_is_locked(nb: Notebook):
    code = [c for c in read(nb.source).cells if c.cell_type == "code"]
    assert code, f"{nb.name} has no code cells"
    meta = grading(code[0])
    assert meta.get("grade_id") == "setup" and meta.get("locked"), (
        f"{nb.name}: the first code cell must be the locked setup cell (grade_id 'setup')"
    )


@pytest.mark.parametrize("nb", params(slow=False))
def test_each_answer_cell_is_followed_by_a_test_cell(nb: Notebook):
    cells = read(nb.source).cells
    untested = []
    for i, cell in enumerate(cells):
        if not is_answer(cell):
            continue
        following = []
        for later in cells[i + 1 :]:
            if is_answer(later):
                break
            following.append(later)
        if not any(is_test(c) for c in following):
            untested.append(grading(cell)["grade_id"])
    assert not untested, f"{nb.name}: answer cells with no graded test after them: {untested}"


@pytest.mark.parametrize("nb", params(slow=False))
def test_enough_graded_work(nb: Notebook):
    cells = read(nb.source).cells
    autograded = sum(is_test(c) for c in cells)
    manual = sum(is_manual(c) for c in cells)
    assert autograded >= MIN_AUTOGRADED, (
        f"{nb.name} has {autograded} autograded test cells, at least {MIN_AUTOGRADED} are required"
    )
    assert manual >= MIN_MANUAL, f"{nb.name} has no manually graded (written) answer"


@pytest.mark.parametrize("nb", params(slow=False))
def test_every_test_cell_has_visible_and_hidden_checks(nb: Notebook):
    problems = []
    for cell in read(nb.source).cells:
        if not is_test(cell):
            continue
        grade_id = grading(cell).get("grade_id")
        hidden = regions(cell.source, BEGIN_HIDDEN, END_HIDDEN)
        visible = cell.source.split(BEGIN_HIDDEN)[0]
        if not any(line.strip() for region in hidden for line in region):
            problems.append(f"{grade_id}: no hidden tests")
        if not visible.strip():
            problems.append(f"{grade_id}: no visible tests before the hidden ones")
        calls = HIDDEN_CALL.findall("\n".join("\n".join(region) for region in hidden))
        module = f"nb{nb.name[:2]}"
        if hidden and (len(calls) != 1 or calls[0][0] != module):
            problems.append(
                f'{grade_id}: the hidden tests must be one hidden.record("{module}", ...), '
                f"found {calls}"
            )
    assert not problems, f"{nb.name}: " + "; ".join(problems)


@pytest.mark.parametrize("nb", params(slow=False))
def test_every_hidden_test_has_cases_in_the_grader_table(nb: Notebook):
    module = f"nb{nb.name[:2]}"
    named = [
        exercise
        for cell in read(nb.source).cells
        if is_test(cell)
        for _, exercise in HIDDEN_CALL.findall(cell.source)
    ]
    assert sorted(named) == sorted(specs(module)), f"bpkit_grader/{module}.py and the cells differ"
