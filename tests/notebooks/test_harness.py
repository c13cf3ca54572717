"""The notebook checks themselves: each must pass a good notebook and catch a planted defect."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest
import test_leaks
import test_metadata
from _nb import BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION, Notebook, read, regions
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from test_release_fails import caused_by_stubs

from bpkit.grading.release import release

SOLUTION_LINE = "return float(np.sum((y - y_hat) ** 2) / (2 * y.shape[0]))"
HIDDEN_LINE = 'hidden.record("nb99", "mse", mse)'


def meta(grade_id: str, **flags) -> dict:
    base = {"grade": False, "solution": False, "locked": False, "grade_id": grade_id}
    return {"nbgrader": {**base, **flags, "schema_version": 3}}


def planted_source() -> nbformat.NotebookNode:
    cells = [new_code_cell("import numpy as np", metadata=meta("setup", locked=True))]
    for k in range(4):
        cells.append(
            new_code_cell(
                f"def mse{k}(y_hat, y):\n    {BEGIN_SOLUTION}\n    {SOLUTION_LINE}\n"
                f"    {END_SOLUTION}",
                metadata=meta(f"mse{k}", solution=True),
            )
        )
        cells.append(
            new_code_cell(
                f"assert mse{k}(np.ones((2, 1)), np.zeros((2, 1))) == 0.5\n"
                f"{BEGIN_HIDDEN}\n{HIDDEN_LINE.replace('mse', f'mse{k}')}\n{END_HIDDEN}",
                metadata=meta(f"test_mse{k}", grade=True, locked=True, points=1),
            )
        )
    cells.append(
        new_markdown_cell(
            "A model answer that says something quite specific about credit assignment.",
            metadata=meta("written", grade=True, solution=True, points=2),
        )
    )
    nb = new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    return nb


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Notebook:
    root = tmp_path_factory.mktemp("course-root")
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.source_directory = 'solutions'\n"
        "c.CourseDirectory.release_directory = 'course'\n"
    )
    nb = Notebook("99_planted", "99", root)
    nb.source.parent.mkdir(parents=True)
    nbformat.write(planted_source(), nb.source)
    release(["99_planted"], root=root, dest=root / "course")
    return nb


def write_release(nb: Notebook, edit) -> None:
    release_nb = read(nb.release)
    edit(release_nb)
    nbformat.write(release_nb, nb.release)


@pytest.fixture
def restore(planted: Notebook):
    source, released = planted.source.read_bytes(), planted.release.read_bytes()
    yield planted
    planted.source.write_bytes(source)
    planted.release.write_bytes(released)


def test_regions_are_the_lines_between_markers():
    src = f"a\n{BEGIN_SOLUTION}\nb\nc\n{END_SOLUTION}\nd\n{BEGIN_SOLUTION}\ne\n{END_SOLUTION}"
    assert regions(src, BEGIN_SOLUTION, END_SOLUTION) == [["b", "c"], ["e"]]


def test_a_clean_release_passes_every_static_check(planted: Notebook):
    for check in (
        test_leaks.test_release_has_no_markers_or_grader_imports,
        test_leaks.test_release_has_no_solution_lines,
        test_leaks.test_release_has_no_hidden_test_lines,
        test_metadata.test_notebook_format_and_kernelspec,
        test_metadata.test_no_stored_outputs,
        test_metadata.test_nbgrader_cells_are_well_formed,
        test_metadata.test_setup_cell_comes_first_and_is_locked,
        test_metadata.test_each_answer_cell_is_followed_by_a_test_cell,
        test_metadata.test_enough_graded_work,
        test_metadata.test_every_test_cell_has_visible_and_hidden_checks,
    ):
        check(planted)


@pytest.mark.parametrize(
    ("check", "plant", "message"),
    [
        (test_leaks.test_release_has_no_solution_lines, f"    {SOLUTION_LINE}", "lines of the"),
        (
            test_leaks.test_release_has_no_hidden_test_lines,
            'hidden.record("nb99", "mse1", mse1)',
            "hidden-test lines",
        ),
        (test_leaks.test_release_has_no_markers_or_grader_imports, f"# {END_SOLUTION}", "contains"),
        (
            test_leaks.test_release_has_no_markers_or_grader_imports,
            "import bpkit_grader.nb99",
            "bpkit_grader",
        ),
        (
            test_leaks.test_release_has_no_solution_lines,
            "A model answer that says something quite specific about credit assignment.",
            "lines of the",
        ),
    ],
)
def test_leaks_are_caught(restore: Notebook, check, plant: str, message: str):
    def edit(nb):
        nb.cells[3].source += "\n" + plant

    write_release(restore, edit)
    with pytest.raises(AssertionError, match=message):
        check(restore)


def _duplicate_id(nb):
    nb.cells[3].metadata.nbgrader.grade_id = "mse0"


def _no_points(nb):
    del nb.cells[2].metadata.nbgrader["points"]


def _unlocked_test(nb):
    nb.cells[2].metadata.nbgrader["locked"] = False


def _no_markers(nb):
    nb.cells[1].source = "def mse0(y_hat, y):\n    return 0.0"


def _bad_id(nb):
    nb.cells[1].metadata.nbgrader["grade_id"] = "mse 0"


def _stored_output(nb):
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi")]


def _few_tests(nb):
    nb.cells = nb.cells[:3] + nb.cells[-1:]


def _no_written(nb):
    nb.cells = nb.cells[:-1]


def _no_hidden(nb):
    nb.cells[4].source = nb.cells[4].source.split(BEGIN_HIDDEN)[0]


def _untested_answer(nb):
    nb.cells[2].metadata.nbgrader.update(grade=False, locked=False, grade_id="demo")
    del nb.cells[2].metadata.nbgrader["points"]


@pytest.mark.parametrize(
    ("check", "break_it", "message"),
    [
        (test_metadata.test_nbgrader_cells_are_well_formed, _duplicate_id, "duplicate grade_id"),
        (test_metadata.test_nbgrader_cells_are_well_formed, _no_points, "needs points"),
        (test_metadata.test_nbgrader_cells_are_well_formed, _unlocked_test, "must be locked"),
        (test_metadata.test_nbgrader_cells_are_well_formed, _no_markers, "solution markers"),
        (test_metadata.test_nbgrader_cells_are_well_formed, _bad_id, "must match"),
        (test_metadata.test_no_stored_outputs, _stored_output, "stores outputs"),
        (test_metadata.test_enough_graded_work, _few_tests, "autograded test cells"),
        (test_metadata.test_enough_graded_work, _no_written, "manually graded"),
        (test_metadata.test_each_answer_cell_is_followed_by_a_test_cell, _untested_answer, "mse0"),
        (test_metadata.test_every_test_cell_has_visible_and_hidden_checks, _no_hidden, "no hidden"),
    ],
)
def test_metadata_defects_are_caught(restore: Notebook, check, break_it, message: str):
    source = read(restore.source)
    broken = copy.deepcopy(source)
    break_it(broken)
    nbformat.write(broken, restore.source)
    with pytest.raises(AssertionError, match=message):
        check(restore)


class _Error(dict):
    __getattr__ = dict.get


@pytest.mark.parametrize(
    ("ename", "evalue", "earlier", "allowed"),
    [
        ("NotImplementedError", "", [], True),
        ("CheckError", "sigmoid(z) is not implemented yet: replace ...", [], True),
        ("CheckError", "sigmoid looks like the wrong sign.", [], False),
        ("NameError", "name 'history' is not defined", ["history = fit(model)"], True),
        ("NameError", "name 'histroy' is not defined", ["history = fit(model)"], False),
        ("TypeError", "unsupported operand", [], False),
    ],
)
def test_release_errors_are_attributed_to_stubs_only_when_they_are(ename, evalue, earlier, allowed):
    assert caused_by_stubs(_Error(ename=ename, evalue=evalue), earlier) is allowed


def test_planted_root_is_separate(planted: Notebook):
    assert planted.root != Path(__file__).resolve().parents[2]


def test_release_is_deterministic_and_keeps_course_tidy(planted: Notebook, tmp_path):
    from bpkit.grading.release import ReleaseError

    root = planted.root
    (root / "gradebook.db").unlink(missing_ok=True)  # made by the fixture's release into course/
    (root / "solutions" / "README.md").write_text("# The course map\n")
    dest = tmp_path / "course"
    (dest / "98_removed").mkdir(parents=True)
    (dest / "98_removed" / "98_removed.ipynb").write_text("{}")
    (first,) = release(root=root, dest=dest)
    data = first.read_bytes()
    (second,) = release(root=root, dest=dest)
    assert second.read_bytes() == data, "releasing twice must give identical files"
    assert not (dest / "98_removed").exists(), "a full release removes assignments with no source"
    assert (dest / "README.md").read_text() == "# The course map\n"
    released = read(second)
    assert all(c.get("outputs", []) == [] for c in released.cells if c.cell_type == "code")
    assert "raise NotImplementedError()" in released.cells[1].source
    assert not (root / "gradebook.db").exists(), "a release elsewhere must not touch the gradebook"
    with pytest.raises(ReleaseError, match="unknown assignment"):
        release(["42_nothing"], root=root, dest=dest)


def test_release_command_line(planted: Notebook, tmp_path, capsys):
    from bpkit.grading.release import main

    dest = tmp_path / "out"
    assert main(["99_planted", "--root", str(planted.root), "--dest", str(dest)]) == 0
    out = capsys.readouterr().out
    assert "released out/99_planted/99_planted.ipynb" in out and "1 notebook(s) released" in out
    assert main(["42_nothing", "--root", str(planted.root), "--dest", str(dest)]) == 1
    assert "release failed: unknown assignment(s) ['42_nothing']" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.nb00
def test_tampering_in_a_notebook_is_reported_by_the_test_cells(tmp_path):
    """In a real kernel: patches made in notebook cells fail the visible and hidden checks."""
    from _nb import execute

    cells = [
        "import numpy as np\nfrom bpkit.checks import nb00 as checks",
        "np.allclose = lambda *a, **k: True\ndef batch_mean(a):\n    return a.sum(axis=0)",
        "checks.batch_mean(batch_mean)",
        "np.allclose = np.isclose.__wrapped__.__globals__['allclose']",  # undo: the real one
        "checks.batch_mean = lambda fn: None\nchecks.batch_mean(batch_mean)",
        'from bpkit.checks import hidden\nhidden.record("nb00", "batch_mean", batch_mean)',
    ]
    path = tmp_path / "tamper.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells]), path)
    out = execute(path, grading_mode="autograde")
    text = [
        " ".join(f"{e.ename}: {e.evalue}" for e in c.outputs if e.output_type == "error")
        for c in out.cells
    ]
    assert text[2] == (
        "CheckError: Tampering detected: numpy.allclose has been replaced (defined in your "
        "notebook). Remove that line; the checks cannot trust results otherwise."
    )
    assert text[3] == "" and text[4] == ""  # the patched visible check runs nothing...
    # the hidden test runs the same check as the visible one, guard first: the kernel records
    # nothing for a patched checks module, and the grader names the replacement
    assert "no result was recorded for batch_mean(a)" in text[5]
    assert "Tampering detected: bpkit.checks.nb00.batch_mean has been replaced" in text[5]
