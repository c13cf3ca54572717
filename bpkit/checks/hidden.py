"""The kernel's half of a hidden test: run the student's code on the hidden inputs, report data.

A hidden test cell in a source notebook reads::

    from bpkit.checks import hidden

    hidden.record("nb02", "linear_backward", linear_backward)

Under ``bpkit grade`` the grader leaves the hidden cases (inputs only: seeds, shapes, small
functions) in the kernel's working folder, in :data:`CASES_FILE`. :func:`record` runs the
exercise's visible check and then its hidden cases with the checks in *record* mode (see
``_replay``), and displays what the student's function returned as one plain-data output of type
:data:`~bpkit.checks._replay.MIME`. Nothing is judged here: the grader takes that output, replays it
to the checks in its own process and decides the cell's points there. The expected values and
the code that compares never enter the kernel.

Without a cases file (an instructor running the source notebook), the hidden cases come from the
grader-only package ``bpkit_grader`` if it can be imported, and are judged right here.
"""

from __future__ import annotations

import importlib
import os
import pickle
from collections.abc import Callable
from typing import Any

from bpkit.checks import _replay
from bpkit.checks._core import CheckError
from bpkit.checks._exercise import Exercise

#: The file the grader writes into the kernel's working folder: the hidden cases of a notebook.
CASES_FILE = ".bpkit_hidden_cases.pkl"

_print = print


def _cases(notebook: str, exercise: str) -> tuple[str, dict[str, Any]] | None:
    """(checks module, the keyword arguments of the exercise's check that give its hidden
    cases), read from the cases file; None when there is none."""
    if not os.path.isfile(CASES_FILE):
        return None
    with open(CASES_FILE, "rb") as f:
        table = pickle.load(f)  # written by the grader, for this notebook
    if table.get("notebook") != notebook or exercise not in table.get("specs", {}):
        raise CheckError(f"the hidden cases of {notebook} hold no exercise {exercise!r}")
    return table["checks"], table["specs"][exercise]


def _run_recorded(run: Callable[[], Any]) -> dict[str, Any]:
    """Run ``run`` in record mode; its records, and why it stopped early, if it did."""
    recording = _replay.Recording()
    previous = _replay.set_mode(recording)
    stopped = ""
    try:
        run()
    except Exception as error:  # noqa: BLE001 - the grader decides; this only notes where
        stopped = f"{type(error).__name__}: {error}"[:2000]
    finally:
        _replay.set_mode(previous)
    return {"records": recording.records, "stopped": stopped}


def _emit(payload: dict[str, Any]) -> None:
    from IPython.display import display

    display(
        {_replay.MIME: payload, "text/plain": "[hidden checks: results sent to the grader]"},
        raw=True,
    )


def payload(
    notebook: str, exercise: str, row: Exercise, kwargs: dict, fn: Callable
) -> dict[str, Any]:
    """The plain data a hidden test hands the grader: ``fn`` recorded by the exercise's check
    (its table ``row``) on the visible cases and on the hidden ones (``kwargs``)."""
    return {
        "notebook": notebook,
        "exercise": exercise,
        "visible": _run_recorded(lambda: row(fn)),
        "hidden": _run_recorded(lambda: row.run(fn, **kwargs)),
    }


def record(notebook: str, exercise: str, fn: Callable[..., Any]) -> None:
    """Run ``exercise``'s visible and hidden cases on ``fn`` and hand the results to the grader."""
    found = _cases(notebook, exercise)
    if found is None:
        _judge_here(notebook, exercise, (fn,))
        return
    module, kwargs = found
    row = importlib.import_module(module).EXERCISES[exercise]
    _emit(payload(notebook, exercise, row, kwargs, fn))


def values_payload(notebook: str, exercise: str, values: tuple[Any, ...]) -> dict[str, Any]:
    """The plain data of a test cell that hands over values (e.g. trained weights)."""
    return {"notebook": notebook, "exercise": exercise, "values": _replay.encode(list(values))}


def record_values(notebook: str, exercise: str, *values: Any) -> None:
    """Hand plain values (e.g. trained weights) to the grader, which checks them itself."""
    if _cases(notebook, exercise) is None:
        _judge_here(notebook, exercise, values)
        return
    _emit(values_payload(notebook, exercise, values))


def _judge_here(notebook: str, exercise: str, args: tuple[Any, ...]) -> None:
    try:
        judge = importlib.import_module("bpkit_grader.judge")
    except ImportError:
        _print("The hidden tests run when your instructor grades this notebook.")
        return
    verdict = judge.judge_in_process(notebook, exercise, *args)
    if verdict is not None:
        raise CheckError(verdict)
