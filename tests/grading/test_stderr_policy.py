"""The stderr policy: warnings move to stdout, other stderr text stays (and still counts)."""

from __future__ import annotations

from nbformat import from_dict
from nbgrader.utils import determine_grade

from bpkit.grading.stderr import WarningsToStdout, demote_warnings, split_warnings

WARNING = (
    "/tmp/ipykernel_7/123.py:3: RuntimeWarning: overflow encountered in exp\n"
    "  return 1 / (1 + np.exp(-z))\n"
)


def test_split_keeps_warning_header_and_source_line_together():
    text = "before\n" + WARNING + "after\n"
    warned, rest = split_warnings(text)
    assert warned == WARNING
    assert rest == "before\nafter\n"


def test_qualified_and_custom_categories_are_warnings():
    text = (
        "x.py:1: numpy.exceptions.ComplexWarning: casting\n"
        "y.py:9: DeprecationWarning: old\n"
        "z.py:2: UserWarning: careful\n"
    )
    assert split_warnings(text) == (text, "")


def test_other_stderr_text_is_not_a_warning():
    for text in ("Traceback (most recent call last):\n", "Warning: disk full\n", "error\n"):
        assert split_warnings(text) == ("", text)


def _grade_cell(outputs):
    return from_dict(
        {
            "cell_type": "code",
            "source": "check(f)",
            "metadata": {"nbgrader": {"grade": True, "solution": False, "points": 2}},
            "outputs": outputs,
            "execution_count": 1,
        }
    )


def test_a_warning_no_longer_zeroes_a_passing_test_cell():
    cell = _grade_cell([{"output_type": "stream", "name": "stderr", "text": WARNING}])
    assert determine_grade(cell) == (0, 2.0)  # nbgrader's default
    cell, _ = WarningsToStdout().preprocess_cell(cell, {}, 0)
    assert determine_grade(cell) == (2.0, 2.0)
    (out,) = cell.outputs
    assert out.name == "stdout" and out.text.startswith("[warning] /tmp/ipykernel_7/123.py:3:")


def test_other_stderr_still_zeroes_the_cell_and_errors_are_untouched():
    outputs = [
        {"output_type": "stream", "name": "stderr", "text": WARNING + "something broke\n"},
        {"output_type": "error", "ename": "CheckError", "evalue": "bad", "traceback": []},
    ]
    new = demote_warnings([from_dict(o) for o in outputs])
    assert [(o.output_type, o.get("name")) for o in new] == [
        ("stream", "stdout"),
        ("stream", "stderr"),
        ("error", None),
    ]
    assert new[1].text == "something broke\n"
    assert determine_grade(_grade_cell(new)) == (0, 2.0)
