"""course/ leaks nothing: no markers, no solution lines, no hidden tests, no model answers."""

from __future__ import annotations

import pytest
from _nb import (
    BEGIN_HIDDEN,
    BEGIN_SOLUTION,
    END_HIDDEN,
    END_SOLUTION,
    MARKER_WORDS,
    Notebook,
    is_manual,
    params,
    read,
    regions,
    require_release,
)

MIN_DISTINCTIVE = 25  # characters, after stripping


def secret_and_public_lines(nb: Notebook) -> tuple[set[str], set[str], str]:
    """(solution lines, hidden-test lines, text students may see) of a solution notebook.

    A secret line that also appears in the public text (say, quoted in the instructions) is not
    a leak, so it is left out of the secret sets.
    """
    solution: set[str] = set()
    hidden: set[str] = set()
    public: list[str] = []
    for cell in read(nb.source).cells:
        sol = [line for r in regions(cell.source, BEGIN_SOLUTION, END_SOLUTION) for line in r]
        if is_manual(cell) and cell.cell_type == "markdown" and BEGIN_SOLUTION not in cell.source:
            sol = cell.source.splitlines()  # a model answer: nbgrader blanks the whole cell
        hid = [line for r in regions(cell.source, BEGIN_HIDDEN, END_HIDDEN) for line in r]
        solution.update(line.strip() for line in sol)
        hidden.update(line.strip() for line in hid)
        secret = set(sol) | set(hid)
        public.extend(line for line in cell.source.splitlines() if line not in secret)
    text = "\n".join(public)
    return {s for s in solution if s not in text}, {h for h in hidden if h not in text}, text


def released_text(nb: Notebook) -> str:
    """Every cell of the release plus any other text file shipped next to it."""
    path = require_release(nb)
    parts = [cell.source for cell in read(path).cells]
    for other in sorted(path.parent.rglob("*")):
        if other.is_file() and other != path and other.suffix in {".py", ".md", ".txt", ".json"}:
            parts.append(other.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


@pytest.mark.parametrize("nb", params(slow=False))
def test_release_has_no_markers_or_grader_imports(nb: Notebook):
    text = released_text(nb)
    found = [word for word in (*MARKER_WORDS, "bpkit_grader") if word in text]
    assert not found, f"course/{nb.name} contains {found}"


@pytest.mark.parametrize("nb", params(slow=False))
def test_release_has_no_solution_lines(nb: Notebook):
    solution, _, _ = secret_and_public_lines(nb)
    distinctive = sorted(line for line in solution if len(line) > MIN_DISTINCTIVE)
    text = released_text(nb)
    leaked = [line for line in distinctive if line in text]
    assert not leaked, f"course/{nb.name} contains lines of the solutions: {leaked[:5]}"


@pytest.mark.parametrize("nb", params(slow=False))
def test_release_has_no_hidden_test_lines(nb: Notebook):
    _, hidden, _ = secret_and_public_lines(nb)
    text = released_text(nb)
    leaked = sorted(line for line in hidden if line and line in text)
    assert not leaked, f"course/{nb.name} contains hidden-test lines: {leaked[:5]}"
