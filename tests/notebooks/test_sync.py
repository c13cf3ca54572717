"""course/ is exactly what release() generates from solutions/ (regenerated into a temp dir)."""

from __future__ import annotations

from pathlib import Path

import pytest
from _nb import COURSE, NOTEBOOK_RE, ROOT, SOLUTIONS, Notebook, discover, params, read

from bpkit.grading.release import release

HOW_TO_FIX = "course/ is out of date with solutions/: run `make release` and commit course/"
_REGENERATED: dict[str, Path] = {}


@pytest.fixture(scope="module")
def regenerate(tmp_path_factory):
    def run(nb: Notebook) -> Path:
        if nb.name not in _REGENERATED:
            dest = tmp_path_factory.mktemp(f"release-{nb.nn}")
            (path,) = release([nb.name], root=ROOT, dest=dest)
            _REGENERATED[nb.name] = path
        return _REGENERATED[nb.name]

    return run


def describe(cell) -> tuple:
    return (cell.cell_type, cell.source, cell.get("metadata", {}).get("nbgrader"))


@pytest.mark.parametrize("nb", params(slow=True))
def test_course_notebook_is_what_release_generates(nb: Notebook, regenerate):
    assert nb.release.is_file(), f"course/{nb.name}/{nb.name}.ipynb is missing. {HOW_TO_FIX}"
    fresh, committed = read(regenerate(nb)), read(nb.release)
    assert len(committed.cells) == len(fresh.cells), (
        f"course/{nb.name} has {len(committed.cells)} cells, the source gives "
        f"{len(fresh.cells)}. {HOW_TO_FIX}"
    )
    for i, (want, got) in enumerate(zip(fresh.cells, committed.cells, strict=True)):
        assert describe(got) == describe(want), (
            f"course/{nb.name} cell {i} differs from the regenerated release "
            f"(first line: {want.source.strip()[:60]!r}). {HOW_TO_FIX}"
        )
    assert committed.metadata == fresh.metadata, f"course/{nb.name} metadata differs. {HOW_TO_FIX}"
    assert nb.release.read_bytes() == regenerate(nb).read_bytes(), (
        f"course/{nb.name} is not byte-identical to the regenerated release. {HOW_TO_FIX}"
    )


def test_course_has_no_assignment_without_a_source():
    sources = {nb.name for nb in discover()}
    extra = sorted(
        p.name
        for p in (COURSE.iterdir() if COURSE.is_dir() else [])
        if p.is_dir() and NOTEBOOK_RE.match(p.name) and p.name not in sources
    )
    assert not extra, f"course/ holds {extra}, which have no notebook in solutions/. {HOW_TO_FIX}"


def test_course_map_is_copied():
    source = SOLUTIONS / "README.md"
    assert source.is_file(), "solutions/README.md (the course map) is missing"
    target = COURSE / "README.md"
    assert target.is_file() and target.read_bytes() == source.read_bytes(), (
        f"course/README.md differs from solutions/README.md. {HOW_TO_FIX}"
    )
