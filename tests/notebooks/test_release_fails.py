"""The untouched release earns nothing, and fails only because of the stubs.

Each graded test cell must fail on the release (the per-cell equivalent of nbgrader's Validator
with ``invert=True``), and running the release top to bottom in grading mode must raise nothing
but NotImplementedError from the stubs and the check failures they cause.
"""

from __future__ import annotations

import re

import pytest
from _nb import (
    Notebook,
    error_text,
    errors,
    grading,
    is_answer,
    is_test,
    label,
    params,
    read,
    require_release,
)

STUB = "raise NotImplementedError()"
NOT_DEFINED = re.compile(r"name '(\w+)' is not defined")


def caused_by_stubs(error, earlier_failed_sources: list[str]) -> bool:
    """NotImplementedError, a check reporting one, or a name an earlier failing cell never set."""
    if error.ename == "NotImplementedError":
        return True
    if error.ename == "CheckError" and "not implemented yet" in error.evalue:
        return True
    missing = NOT_DEFINED.search(error.evalue or "")
    if error.ename == "NameError" and missing:
        word = re.compile(rf"\b{re.escape(missing.group(1))}\b")
        return any(word.search(src) for src in earlier_failed_sources)
    return False


@pytest.mark.parametrize("nb", params(slow=False))
def test_every_answer_stub_raises_not_implemented(nb: Notebook):
    release = read(require_release(nb))
    answers = [c for c in release.cells if is_answer(c)]
    assert answers, f"course/{nb.name} has no answer cells: run `make release`"
    missing = [grading(c)["grade_id"] for c in answers if STUB not in c.source]
    assert not missing, f"answer cells of course/{nb.name} without a {STUB!r} stub: {missing}"


@pytest.mark.parametrize("nb", params(slow=True))
def test_every_graded_test_fails_on_the_release(nb: Notebook, executed):
    out = executed(require_release(nb), "validate")
    passing = [label(out, i) for i, c in enumerate(out.cells) if is_test(c) and not errors(c)]
    assert not passing, f"these graded tests of course/{nb.name} pass without any work: {passing}"


@pytest.mark.parametrize("nb", params(slow=True))
def test_release_fails_only_because_of_the_stubs(nb: Notebook, executed):
    out = executed(require_release(nb), "validate")
    failed_sources: list[str] = []
    unrelated = []
    for i, cell in enumerate(out.cells):
        for error in errors(cell):
            if not caused_by_stubs(error, failed_sources):
                unrelated.append(f"{label(out, i)}:\n{error_text(cell)[-1200:]}")
        if errors(cell):
            failed_sources.append(cell.source)
    assert not unrelated, f"course/{nb.name} raises errors unrelated to the stubs:\n" + "\n".join(
        unrelated
    )
