"""The building blocks of every notebook check, with messages that name the likely mistake.

A per-notebook checks module (``bpkit/checks/nbNN.py``) runs a student's function on several
named, seeded cases and compares the results with bpkit's own reference implementation::

    def sigmoid(student_fn):
        guard()
        z = np.linspace(-5, 5, 11)
        got = call(student_fn, z, what="sigmoid(z)")
        expect_close("sigmoid(z) on 11 points in [-5, 5]", got, F.sigmoid(z),
                     mistakes={"the wrong sign": F.sigmoid(-z)})
        passed("sigmoid")

On failure a :class:`CheckError` is raised whose text is what the student reads, e.g.
``dW looks like a missing 1/n. Divide by the batch size n.``

Everything numeric here goes through functions captured when this module is imported and through
ndarray methods (which cannot be monkeypatched), and :func:`guard` refuses to run when numpy,
builtins or bpkit were patched (see ``_tamper``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from sys import _getframe
from typing import Any

import numpy as np

from bpkit.checks import _replay
from bpkit.checks._tamper import tampering

_type = object.__class__
_asarray = np.asarray
_array = np.array
_absolute = np.absolute
_isfinite = np.isfinite
_isnan = np.isnan
_ndarray = np.ndarray
_generic = np.generic
_unravel = np.unravel_index
_print = print
_NUMBER_TYPES = (_type(0), _type(0.0), _type(True))

# Standard mistake labels; tests assert these substrings, so keep the wording.
TRANSPOSED_W = "a transposed W"
MISSING_1_OVER_N = "a missing 1/n"
WRONG_SIGN = "the wrong sign"
MISSING_ACTIVATION_DERIVATIVE = "a missing f'(z) (activation derivative)"
KEEP_DROP_SWAPPED = "keep and drop probabilities swapped"
SHAPE_MISMATCH = "a shape mismatch"


class CheckError(AssertionError):
    """A failed check. ``str(error)`` is the message the student reads."""


def guard() -> None:
    """Raise CheckError if numpy, builtins or bpkit (including these checks) were monkeypatched.

    Nothing to guard while replaying: that runs in the grader's process, not the student's.
    """
    if _type(_replay.mode()) is _replay.Replay:  # not isinstance: that may be the patched one
        return
    problem = tampering()
    if problem:
        raise CheckError(problem)


def expect(cond: bool, message: str) -> None:
    """Raise CheckError(message) unless cond is true."""
    if not cond:
        raise CheckError(message)


def passed(what: str) -> None:
    """Print a one-line success message (to stdout, never stderr).

    Silent while hidden checks record or replay: their verdict is reached by the grader.
    """
    if _replay.mode() is None:
        _print(f"\u2714 {what}: all checks passed.")


def _shape_text(shape: tuple[int | None, ...]) -> str:
    inner = ", ".join("any" if s is None else str(s) for s in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def _describe_type(got: object) -> str:
    kind = _type(got)
    if isinstance(got, _replay.Opaque):  # what the kernel recorded in place of a non-data object
        return f"a {got.type_name}"
    if kind in (_type(()), _type([])):
        return f"a {kind.__name__} of {len(got)} items"
    if isinstance(got, _ndarray):
        return f"an array of dtype {got.dtype} (not numbers)"
    return f"a {kind.__module__ + '.' if kind.__module__ != 'builtins' else ''}{kind.__name__}"


#: What a check says of an answer that returns nothing (a forgotten ``return``).
MISSING_RETURN = "returned None. Did you forget to `return` the result at the end of your function?"


def _missing_return(what: str) -> CheckError:
    return CheckError(f"{what} {MISSING_RETURN}")


def _as_numbers(what: str, got: object, expected_shape: tuple[int, ...]) -> np.ndarray:
    """Turn `got` into a float/int/bool ndarray or raise a CheckError naming its type."""
    if got is None:
        raise _missing_return(what)
    want = "a number" if expected_shape == () else f"a numpy array of shape {expected_shape}"
    ok_kind = isinstance(got, _ndarray | _generic) or _type(got) in _NUMBER_TYPES
    if not ok_kind and _type(got) not in (_type(()), _type([])):
        raise CheckError(f"{what} should be {want}, but it is {_describe_type(got)}.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = _asarray(got)
    except (ValueError, TypeError):
        arr = None
    if arr is None or arr.dtype.kind not in "biuf":
        raise CheckError(f"{what} should be {want}, but it is {_describe_type(got)}.")
    return arr


def _shape_ok(shape: tuple[int, ...], wanted: tuple[int | None, ...]) -> bool:
    if len(shape) != len(wanted):
        return False
    return all(w is None or s == w for s, w in zip(shape, wanted, strict=True))


def _shape_message(what: str, shape: tuple[int, ...], wanted: tuple[int | None, ...]) -> str:
    msg = (
        f"{what} has shape {_shape_text(shape)} but should have shape {_shape_text(wanted)}"
        f" \u2014 {SHAPE_MISMATCH}; "
    )
    if len(shape) == 2 and len(wanted) == 2 and _shape_ok(shape[::-1], wanted):
        msg += f"the two axes are swapped, which usually means {TRANSPOSED_W} or a missing .T."
    elif len(shape) != len(wanted):
        msg += (
            f"it has {len(shape)} axes instead of {len(wanted)} (check keepdims, np.sum's axis, "
            "or an extra/missing reshape)."
        )
    else:
        msg += "check which axis you summed or multiplied over (rows are examples)."
    return msg


def expect_shape(what: str, got: Any, shape: tuple[int | None, ...], hint: str = "") -> None:
    """Check `got.shape == shape` (None in `shape` matches any length).

    got: an array (or anything numpy can turn into one); shape: the wanted shape.
    """
    if got is None:
        raise _missing_return(what)
    actual = tuple(got.shape) if isinstance(got, _ndarray | _generic) else None
    if actual is None:
        actual = _as_numbers(what, got, tuple(0 if s is None else s for s in shape)).shape
    if not _shape_ok(actual, tuple(shape)):
        raise CheckError((_shape_message(what, actual, tuple(shape)) + " " + hint).strip())


def _close(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> bool:
    """Elementwise |got - expected| <= atol + rtol * |expected|, NaNs equal where both are NaN."""
    if got.shape != expected.shape:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = got.astype(np.float64)
        e = expected.astype(np.float64)
        same_nan = _isnan(g) & _isnan(e)
        same_inf = (g == e) & ~_isfinite(e)
        ok = _absolute(g - e) <= atol + rtol * _absolute(e)
    return bool((ok | same_nan | same_inf).all())


def _first_bad(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        err = _absolute(got.astype(np.float64) - expected.astype(np.float64))
        bad = ~(err <= atol + rtol * _absolute(expected.astype(np.float64)))
    flat = int(bad.ravel().argmax())
    if got.ndim == 0:
        return f"got {got.item():.6g}, expected {expected.item():.6g}"
    index = tuple(int(i) for i in _unravel(flat, got.shape))
    n_bad = int(bad.sum())
    return (
        f"{n_bad} of {got.size} entries differ; first at index {index}: "
        f"got {got[index]:.6g}, expected {expected[index]:.6g}"
    )


def _auto_diagnosis(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str:
    """Name a sign flip or a constant factor when no listed mistake matched."""
    if _close(-got, expected, rtol, atol):
        return f" It looks like {WRONG_SIGN}: every entry has the opposite sign."
    e = expected.astype(np.float64).ravel()
    g = got.astype(np.float64).ravel()
    big = _absolute(e) > 1e-12
    if big.sum() >= 1 and (_absolute(g) > 1e-12).sum() == big.sum():
        ratio = g[big][0] / e[big][0]
        if abs(ratio - 1) > 1e-6 and _close(got, expected * ratio, 1e-6, atol):
            return (
                f" Every entry is {ratio:.4g} times the expected value: a constant factor is "
                "off (a missing or extra 1/n, 1/2 or batch-size factor?)."
            )
    return ""


def expect_close(
    what: str,
    got: Any,
    expected: Any,
    *,
    mistakes: Mapping[str, Any] | None = None,
    rtol: float = 1e-7,
    atol: float = 1e-9,
    hint: str = "",
) -> None:
    """Check that `got` matches `expected` in shape and value, and name the mistake if not.

    got: the student's result (array or number); expected: bpkit's reference of the same shape.
    mistakes: {label: array} of what common wrong answers produce on the same inputs. If `got`
    matches one of them, the message reads "<what> looks like <label>. <hint>".
    """
    expected_arr = _asarray(expected)
    got_arr = _as_numbers(what, got, expected_arr.shape)
    hint = (" " + hint) if hint else ""
    mistakes = dict(mistakes or {})
    if not _shape_ok(got_arr.shape, expected_arr.shape):
        message = _shape_message(what, got_arr.shape, expected_arr.shape)
        for label, wrong in mistakes.items():
            wrong_arr = _asarray(wrong)
            if wrong_arr.shape == got_arr.shape and _close(got_arr, wrong_arr, rtol, atol):
                message += f" It looks like {label}."
                break
        raise CheckError(message + hint)
    if _close(got_arr, expected_arr, rtol, atol):
        return
    for label, wrong in mistakes.items():
        if _close(got_arr, _asarray(wrong), rtol, atol):
            raise CheckError(f"{what} looks like {label}.{hint}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got_finite = bool(_isfinite(got_arr).all())
        exp_finite = bool(_isfinite(expected_arr).all())
    if exp_finite and not got_finite:
        kind = "NaN" if bool(_isnan(got_arr).any()) else "inf"
        raise CheckError(
            f"{what} contains {kind} values where finite numbers were expected. This usually "
            "comes from an overflow (e.g. exp of a large number) or a division by zero; use a "
            f"numerically stable formula.{hint}"
        )
    detail = _first_bad(got_arr, expected_arr, rtol, atol)
    diagnosis = _auto_diagnosis(got_arr, expected_arr, rtol, atol)
    raise CheckError(f"{what} is not correct: {detail}.{diagnosis}{hint}")


def expect_same_params(what: str, model: Any, reference: Any, *, when: str, hint: str) -> None:
    """Check every named parameter of a trained `model` against the `reference` model's.

    model, reference: bpkit models with the same architecture (``named_params()``).
    when: how the message names the moment, e.g. "after training"; hint: the likely fix.
    """
    got = model.named_params()
    for key, value in reference.named_params().items():
        expect_close(
            f"{what}: the model's parameter {key!r} {when}",
            got[key],
            value,
            rtol=1e-9,
            atol=1e-12,
            hint=hint,
        )


def expect_raises(what: str, thunk: Callable[[], Any], noun: str, value: str) -> None:
    """Check that ``thunk()`` raises ValueError for the unknown ``noun`` called ``value``.

    E.g. ``expect_raises("activation_prime(z, 'softplus')", ..., "kind", "softplus")``.
    """
    try:
        call(thunk, what=what)
    except CheckError as error:
        kind = error_kind(error)
        if kind == "ValueError":
            return
        if kind == "NotImplementedError":
            raise CheckError(f"{what} is not implemented yet.") from error
        raise CheckError(
            f"{str(error).removesuffix('.')}; an unknown {noun} should raise ValueError"
        ) from error
    raise CheckError(f"{what} should raise ValueError for the unknown {noun} '{value}'.")


def error_kind(error: CheckError) -> str:
    """What the student's code raised behind a CheckError from :func:`call`.

    "ValueError" (or a subclass), "NotImplementedError", "other", or "" (the check's own).
    """
    recorded = getattr(error, "kind", None)
    if recorded is not None:
        return str(recorded)
    cause = error.__cause__
    if cause is None:
        return ""
    if isinstance(cause, NotImplementedError):
        return "NotImplementedError"
    return "ValueError" if isinstance(cause, ValueError) else "other"


def _copy_arg(value: Any) -> Any:
    if isinstance(value, _ndarray):
        return value.copy()
    if _type(value) in (_type([]), _type(())):
        return _type(value)(_copy_arg(v) for v in value)
    if _type(value) is _type({}):
        return {k: _copy_arg(v) for k, v in value.items()}
    return value


def call(
    fn: Callable[..., Any],
    *args: Any,
    what: str,
    stable: bool = False,
    may_change: tuple[int, ...] = (),
    **kw: Any,
) -> Any:
    """Call a student's function on copies of the arrays, turning failures into CheckErrors.

    NotImplementedError becomes "<what> is not implemented yet ...". Any other exception becomes
    a CheckError naming it, chained to the original so the traceback still shows the student's
    line. A warning does not fail the check: it is printed to stdout as a note (stderr would
    zero the graded cell), and the result is checked on its values like any other; with
    ``stable=True`` (exercises about numerical stability) a RuntimeWarning fails it.

    Rules every exercise shares fail the call too, each with its own message: using numpy's
    global random state (:data:`GLOBAL_RNG`), and changing an argument in place
    (:data:`CHANGED_INPUT`) unless its position is in ``may_change``.

    While hidden checks record (in the grading kernel), each call also leaves a plain-data record
    of its outcome; while they replay (in the grader), no student code runs and the recorded
    outcome is returned instead (see ``_replay``).
    """
    current = _replay.mode()
    caller = _getframe(1).f_globals.get("__name__", "")
    if isinstance(current, _replay.Replay):
        return _replayed(current, fn, args, kw, what, caller)
    if not callable(fn):
        raise CheckError(f"{what}: expected a function, got {_describe_type(fn)}.")
    passed_args = tuple(_copy_arg(a) for a in args)
    passed_kw = {k: _copy_arg(v) for k, v in kw.items()}
    rules = _Rules(fn, args, passed_args, kw, passed_kw, stable, may_change)
    if not isinstance(current, _replay.Recording):
        return _run(fn, passed_args, passed_kw, what, rules)
    roots = _replay.state_roots(
        fn, [*passed_args, *passed_kw.values()], [*args, *kw.values()], caller
    )
    before = _replay.identities(roots)
    nodes = _replay.graph_nodes(roots)
    record: dict[str, Any] = {"what": what}
    current.records.append(record)
    try:
        result = _run(fn, passed_args, passed_kw, what, rules)
    except CheckError as error:
        record["error"] = str(error)
        record["kind"] = error_kind(error)
        raise
    finally:
        record["state"] = _replay.snapshot(roots, before, nodes)
    record["result"] = _replay.encode(result, {id(n): i for i, n in enumerate(nodes)})
    return result


def _replayed(
    replay: _replay.Replay, fn: Any, args: tuple, kw: dict[str, Any], what: str, caller: str
) -> Any:
    """The recorded outcome of the next call, with its side effects on the check's objects."""
    passed_args = [_copy_arg(a) for a in args]
    passed_kw = [_copy_arg(v) for v in kw.values()]
    roots = _replay.state_roots(fn, [*passed_args, *passed_kw], [*args, *kw.values()], caller)
    nodes = _replay.graph_nodes(roots)
    record = replay.next(what)
    _replay.restore(roots, record.get("state"), nodes)
    if "error" in record:
        error = CheckError(str(record["error"])[:4000])
        error.kind = str(record.get("kind", "other"))[:40]
        raise error
    if "result" not in record:
        raise _replay.ReplayError(f"the record of {what} holds no result")
    return _replay.decode(record["result"], nodes)


GLOBAL_RNG = (
    "used numpy's global random state (np.random.seed, np.random.rand, np.random.permutation, "
    "...), so its result depends on whatever ran before. Draw from the seed or Generator the "
    "function is given instead: rng = np.random.default_rng(seed)"
)
CHANGED_INPUT = (
    "changed its input {name} in place (e.g. `z[z <= 0] = 0` or `z -= z.max()`), which "
    "silently changes the caller's array. Work on a copy (z = z.copy()) or build a new array "
    "(z = z - z.max(axis=1, keepdims=True))"
)
UNSTABLE = (
    "emitted RuntimeWarning: {message}. This exercise is about numerical stability: a stable "
    "formula gives finite results without overflow even for |z| around 1e4"
)
#: What every check enforces on every call, on top of its exercise's own named mistakes.
EVERY_CALL = (GLOBAL_RNG, CHANGED_INPUT, UNSTABLE, SHAPE_MISMATCH, TRANSPOSED_W)

_get_state = np.random.get_state
_global_draw = np.random.random_sample  # noqa: NPY002 - only to move the global state on
_array_equal = np.array_equal


def _same(a: Any, b: Any) -> bool:
    """Whether an argument still equals the untouched original (NaNs equal NaNs)."""
    if isinstance(a, _ndarray):
        if not isinstance(b, _ndarray) or a.shape != b.shape:
            return False
        return bool(_array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if _type(a) in (_type([]), _type(())) and _type(b) is _type(a) and len(a) == len(b):
        return all(_same(x, y) for x, y in zip(a, b, strict=True))
    if _type(a) is _type({}) and _type(b) is _type({}) and a.keys() == b.keys():
        return all(_same(a[k], b[k]) for k in a)
    return _type(a) is not _type({}) and _type(a) not in (_type([]), _type(()))


class _Rules:
    """What a call must respect besides its result: inputs, global random state, stability."""

    def __init__(
        self, fn: Any, args: tuple, passed: tuple, kw: dict, passed_kw: dict, stable: bool,
        may_change: tuple[int, ...],
    ) -> None:  # fmt: skip
        self.fn, self.stable = fn, stable
        self.pairs = [
            (i, a, p) for i, (a, p) in enumerate(zip(args, passed, strict=True))
            if p is not a and i not in may_change
        ]  # fmt: skip
        self.pairs += [(k, kw[k], passed_kw[k]) for k in kw if passed_kw[k] is not kw[k]]
        # One draw first: an answer that runs np.random.seed(seed) and then draws leaves the same
        # global state on every call with that seed, which would look untouched the second time.
        _global_draw()
        self.rng = _get_state(legacy=False)

    def _name(self, key: int | str) -> str:
        if _type(key) is _type(""):
            return f"`{key}`"
        try:
            import inspect

            names = list(inspect.signature(self.fn).parameters)
            return f"`{names[key]}`"
        except (TypeError, ValueError, IndexError):
            return f"number {key + 1}"

    def broken(self, what: str, caught: list) -> str | None:
        """The message of the first rule the call broke, or None."""
        if self.stable and caught:
            return f"{what} " + UNSTABLE.format(message=caught[0].message)
        now = _get_state(legacy=False)
        if now["state"]["pos"] != self.rng["state"]["pos"] or not _array_equal(
            now["state"]["key"], self.rng["state"]["key"]
        ):
            return f"{what} {GLOBAL_RNG}"
        for key, original, passed in self.pairs:
            if not _same(original, passed):
                return f"{what} " + CHANGED_INPUT.format(name=self._name(key))
        return None


def _run(fn: Callable[..., Any], args: tuple, kw: dict[str, Any], what: str, rules: _Rules) -> Any:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        try:
            result = fn(*args, **kw)
        except NotImplementedError as exc:
            raise CheckError(
                f"{what} is not implemented yet: replace `raise NotImplementedError()` "
                "with your code, then run this cell again."
            ) from exc
        except CheckError:
            raise
        except Exception as exc:  # noqa: BLE001 - reported to the student, with the chain
            raise CheckError(f"{what} raised {_type(exc).__name__}: {exc}.") from exc
    problem = rules.broken(what, caught)
    if problem:
        raise CheckError(problem)
    if caught:
        # The result is still graded on its values: a correct answer that warns must not score
        # zero. The warning is kept off stderr (nbgrader zeroes a cell that writes there) and
        # reported here instead. Unstable formulas that give inf or NaN fail on their values.
        first = caught[0]
        _print(
            f"Note: {what} emitted {first.category.__name__}: {first.message}. The result is "
            "checked as usual; a numerically stable formula would avoid the warning."
        )
    return result


__all__ = [
    "CHANGED_INPUT",
    "GLOBAL_RNG",
    "UNSTABLE",
    "CheckError",
    "KEEP_DROP_SWAPPED",
    "MISSING_1_OVER_N",
    "MISSING_ACTIVATION_DERIVATIVE",
    "SHAPE_MISMATCH",
    "TRANSPOSED_W",
    "WRONG_SIGN",
    "call",
    "expect",
    "expect_close",
    "expect_raises",
    "expect_same_params",
    "expect_shape",
    "guard",
    "passed",
]
