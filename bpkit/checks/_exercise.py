"""One graded exercise, declared once: what the visible check and the outside judge both read.

A notebook's checks package (``bpkit/checks/nbNN/__init__.py``) is a short table of these::

    EXERCISES = table(
        Exercise(
            "loop_gradient",
            "loop_gradient(W, b, X, Y) -> (dW, db), against bpkit's Linear + Sigmoid + mse",
            check=gradients.check_loop_gradient,
            visible={"cases": gradients.VISIBLE_GRAD},
            reference=gradients.reference_gradient,
            mistakes=(TRANSPOSED_W, MISSING_1_OVER_N, WRONG_SIGN, ...),
        ),
        ...
    )

The visible check a notebook calls is the exercise itself: ``checks.loop_gradient(fn)`` runs
``check(fn, **visible)``. The hidden cases live in the grader-only table
``bpkit_grader.nbNN.HIDDEN`` (exercise name -> other keyword arguments for the same ``check``).
Under grading the kernel records what the student's code returns on them, and the grader replays
those records to the same ``check`` in its own process (``bpkit_grader.judge``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Exercise:
    """A graded exercise: its check, its visible cases, its reference and its named mistakes.

    name: the function (or value) the student writes; also the name of the visible check.
    about: one line, the signature and what it is compared with (shown by ``help``).
    check: ``check(answer, **cases)`` runs the cases, raises ``CheckError`` with the message the
        student reads, and prints one line when all pass.
    visible: the visible cases, as keyword arguments of ``check``.
    reference: bpkit's right answer that ``check`` compares with, or None when the answer is
        judged by its properties (a shuffle, a training run).
    mistakes: the named mistakes ``check`` recognises, in the words the student reads.
    values: the test cell hands over values (trained weights), not a function.
    """

    name: str
    about: str
    check: Callable[..., None]
    visible: Mapping[str, Any] = field(default_factory=dict)
    reference: Callable[..., Any] | None = None
    mistakes: tuple[str, ...] = ()
    values: bool = False

    def __call__(self, *answer: Any) -> None:
        """Run the visible cases on ``answer`` (the student's function, or values)."""
        self.check(*answer, **self.visible)

    def run(self, *answer: Any, **cases: Any) -> None:
        """Run other cases (the hidden ones) on ``answer``, through the same check."""
        self.check(*answer, **cases)

    def __repr__(self) -> str:
        return f"<check for {self.about}>"


class Table(Mapping[str, Exercise]):
    """A notebook's exercises by name, in notebook order."""

    def __init__(self, exercises: tuple[Exercise, ...]) -> None:
        self._by_name = {ex.name: ex for ex in exercises}
        if len(self._by_name) != len(exercises):
            raise ValueError("two exercises share a name")

    def __getitem__(self, name: str) -> Exercise:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(self._by_name)
            raise KeyError(f"no exercise {name!r} here; the exercises are {known}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def attribute(self, name: str) -> Exercise:
        """Module ``__getattr__``: ``checks.<exercise>`` is that exercise's visible check."""
        if name in self._by_name:
            return self._by_name[name]
        raise AttributeError(name)

    def module_hooks(self, namespace: dict[str, Any]) -> tuple[Callable, Callable]:
        """A checks package's ``__getattr__`` and ``__dir__``: ``checks.<exercise>`` is that
        exercise's visible check, and tab completion lists the exercises with the rest."""

        def listing() -> list[str]:
            return sorted({*namespace, *self._by_name})

        return self.attribute, listing


def table(*exercises: Exercise) -> Table:
    """The table of a notebook's exercises."""
    return Table(exercises)
