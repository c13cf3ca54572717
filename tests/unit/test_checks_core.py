"""The checks machinery: each diagnosis a student can see, and each kind of tampering."""

from __future__ import annotations

import builtins
import functools
import importlib.util
from pathlib import Path

import numpy as np
import pytest

import bpkit.checks._core as core
import bpkit.functional as functional
import bpkit.layers as layers
from bpkit.checks._core import (
    CheckError,
    call,
    expect,
    expect_close,
    expect_shape,
    guard,
    passed,
)
from bpkit.checks.nb00 import linear, logistic, mean

CHECKS_DIR = Path(core.__file__).parent


@pytest.fixture
def z_case() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    a_prev, W, b = rng.normal(size=(5, 4)), rng.normal(size=(3, 4)), rng.normal(size=3)
    return a_prev, W, b, a_prev @ W.T + b


def message(fn, *args, **kw) -> str:
    with pytest.raises(CheckError) as info:
        fn(*args, **kw)
    return str(info.value)


# --- expect / expect_shape ---------------------------------------------------------------------


def test_expect_passes_and_fails_with_the_message():
    expect(True, "never shown")
    assert message(expect, False, "probabilities must sum to 1") == "probabilities must sum to 1"


def test_expect_shape_names_both_shapes_and_a_swap(z_case):
    z = z_case[3]
    expect_shape("z", z, (5, 3))
    expect_shape("z", z, (None, 3))
    text = message(expect_shape, "z", z.T, (5, 3), hint="Rows are examples.")
    assert "z has shape (3, 5) but should have shape (5, 3)" in text
    assert "a shape mismatch" in text and "a transposed W" in text
    assert text.endswith("Rows are examples.")
    assert "2 axes instead of 1" in message(expect_shape, "db", z, (3,))
    assert "forget to `return`" in message(expect_shape, "z", None, (5, 3))


# --- expect_close diagnoses ----------------------------------------------------------------------


def test_expect_close_accepts_the_reference_within_tolerance(z_case):
    z = z_case[3]
    expect_close("z", z + 1e-12, z)
    expect_close("L", np.float64(0.25), 0.25)
    expect_close("L", 0.25, np.array(0.25))


@pytest.mark.parametrize(
    "label",
    [
        core.TRANSPOSED_W,
        core.MISSING_1_OVER_N,
        core.WRONG_SIGN,
        core.MISSING_ACTIVATION_DERIVATIVE,
        core.KEEP_DROP_SWAPPED,
    ],
)
def test_expect_close_names_the_matching_mistake(label):
    rng = np.random.default_rng(1)
    expected = rng.normal(size=(4, 3))
    wrong = {core.TRANSPOSED_W: expected * 2, "a decoy": expected + 5}
    wrong[label] = expected * 3 + 1  # the one `got` matches
    text = message(expect_close, "dW", expected * 3 + 1, expected, mistakes=wrong, hint="Hint!")
    assert text == f"dW looks like {label}. Hint!"


def test_standard_labels_have_the_agreed_wording():
    assert core.TRANSPOSED_W == "a transposed W"
    assert core.MISSING_1_OVER_N == "a missing 1/n"
    assert core.WRONG_SIGN == "the wrong sign"
    assert core.MISSING_ACTIVATION_DERIVATIVE == "a missing f'(z) (activation derivative)"
    assert core.KEEP_DROP_SWAPPED == "keep and drop probabilities swapped"
    assert core.SHAPE_MISMATCH == "a shape mismatch"


def test_shape_mismatch_is_named_and_matched_against_mistakes(z_case):
    a_prev, W, b, z = z_case
    text = message(expect_close, "z", z.T, z, mistakes={core.TRANSPOSED_W: z.T})
    assert "z has shape (3, 5) but should have shape (5, 3) \u2014 a shape mismatch;" in text
    assert "It looks like a transposed W." in text
    assert "a shape mismatch" in message(expect_close, "db", b[None, :], b)


def test_unlisted_mistakes_get_sign_and_factor_diagnoses(z_case):
    z = z_case[3]
    assert "the wrong sign" in message(expect_close, "z", -z, z)
    text = message(expect_close, "dW", z * 5, z)
    assert "5 times the expected value" in text and "1/n" in text
    text = message(expect_close, "z", z + np.eye(5, 3), z)
    assert "3 of 15 entries differ; first at index (0, 0)" in text


def test_nan_inf_none_and_wrong_types(z_case):
    z = z_case[3]
    bad = z.copy()
    bad[1, 2] = np.nan
    assert "contains NaN values" in message(expect_close, "a", bad, z)
    bad[1, 2] = np.inf
    assert "contains inf values" in message(expect_close, "a", bad, z)
    assert "returned None. Did you forget to `return`" in message(expect_close, "a", None, z)
    text = message(expect_close, "mse(y_hat, y)", (1.0, z), 1.0)
    assert text == "mse(y_hat, y) should be a number, but it is a tuple of 2 items."
    assert "it is a str" in message(expect_close, "a", "0.5", z)
    assert "it is a dict" in message(expect_close, "a", {"W": z}, z)
    assert "an array of dtype object" in message(expect_close, "a", np.array([None, 1]), z)
    expect_close("a", z.tolist(), z)  # a nested list of the right values is accepted


def test_expect_close_does_not_use_patchable_numpy(monkeypatch, z_case):
    z = z_case[3]
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(np, "isclose", lambda *a, **k: np.ones_like(z, dtype=bool))
    monkeypatch.setattr(np, "all", lambda *a, **k: True)
    assert "is not correct" in message(expect_close, "z", z + 1, z)


# --- call / passed -----------------------------------------------------------------------------


def test_call_reports_a_warning_on_stdout_and_still_returns_the_result(capsys):
    result = call(lambda z: 1 / (1 + np.exp(-z)), np.array([-1e4, 0.0]), what="sigmoid(z)")
    np.testing.assert_allclose(result, [0.0, 0.5])
    captured = capsys.readouterr()
    assert "Note: sigmoid(z) emitted RuntimeWarning: overflow" in captured.out
    assert captured.err == ""


def test_an_unstable_answer_still_fails_on_its_values():
    def softmax(z):
        e = np.exp(z)
        return e / e.sum()

    z = np.array([1000.0, 0.0])
    got = call(softmax, z, what="softmax(z)")
    with pytest.raises(CheckError, match="NaN values .* numerically stable"):
        expect_close("softmax(z)", got, np.array([1.0, 0.0]))


def test_call_reports_stubs_and_errors():
    def stub(x):
        raise NotImplementedError()

    text = message(call, stub, 1.0, what="sigmoid(z)")
    assert text.startswith("sigmoid(z) is not implemented yet")
    with pytest.raises(CheckError, match=r"relu\(z\) raised IndexError: .*out of bounds") as info:
        call(lambda z: z[10], np.zeros(3), what="relu(z)")
    assert isinstance(info.value.__cause__, IndexError)
    assert "expected a function" in message(call, 3.0, what="sigmoid")


def test_call_passes_copies_and_fails_an_in_place_edit_by_name():
    x = np.arange(3.0)

    def destructive(a, *, scale):
        a *= scale[0]
        return a

    with pytest.raises(CheckError, match="f changed its input `a` in place"):
        call(destructive, x, what="f", scale=[np.array(2.0)])
    assert np.array_equal(x, [0.0, 1.0, 2.0])
    out = call(destructive, x, what="f", scale=[np.array(2.0)], may_change=(0,))
    assert np.array_equal(out, [0.0, 2.0, 4.0]) and np.array_equal(x, [0.0, 1.0, 2.0])

    def scales_its_keyword(a, *, scale):
        scale[0] *= 2
        return a

    with pytest.raises(CheckError, match="changed its input `scale` in place"):
        call(scales_its_keyword, x, what="g", scale=[np.array(2.0)])


def test_call_fails_answers_that_use_the_global_random_state():
    def shuffled(n, seed):
        np.random.seed(seed)  # noqa: NPY002 - the mistake under test
        return np.random.permutation(n)  # noqa: NPY002

    with pytest.raises(CheckError, match="used numpy's global random state"):
        call(shuffled, 5, 0, what="order(5, 0)")
    assert call(lambda n, seed: np.random.default_rng(seed).permutation(n), 5, 0, what="o").size


def test_stable_calls_fail_on_an_overflow_warning_and_others_only_note_it(capsys):
    def naive(z):
        return 1 / (1 + np.exp(-z))

    z = np.array([-1e4, 0.0, 1e4])
    with pytest.raises(CheckError, match="overflow encountered in exp. This exercise is about"):
        call(naive, z, what="sigmoid(z)", stable=True)
    assert np.allclose(call(naive, z, what="sigmoid(z)"), [0.0, 0.5, 1.0])
    assert "Note: sigmoid(z) emitted RuntimeWarning" in capsys.readouterr().out


def test_passed_prints_one_line_to_stdout(capsys):
    passed("sigmoid")
    out, err = capsys.readouterr()
    assert out == "\u2714 sigmoid: all checks passed.\n" and err == ""


# --- guard -------------------------------------------------------------------------------------


def test_guard_is_quiet_when_nothing_was_patched():
    guard()


def _tampering_message(monkeypatch, owner, name, value) -> str:
    """Patch, run guard, restore: nothing else runs while e.g. builtins.isinstance is patched."""
    text = "guard() did not complain"
    monkeypatch.setattr(owner, name, value)
    try:
        guard()
    except CheckError as error:
        text = str(error)
    finally:
        monkeypatch.undo()
    return text


@pytest.mark.parametrize(
    ("owner", "name", "value", "label"),
    [
        (np, "allclose", lambda *a, **k: True, "numpy.allclose"),
        (np, "isclose", lambda *a, **k: True, "numpy.isclose"),
        (np, "array_equal", lambda *a, **k: True, "numpy.array_equal"),
        (np.testing, "assert_allclose", lambda *a, **k: None, "numpy.testing.assert_allclose"),
        (np, "abs", np.negative, "numpy.abs"),
        (np, "max", np.min, "numpy.max"),
        (np, "all", lambda *a, **k: True, "numpy.all"),
        (np, "any", np.frompyfunc(lambda x: False, 1, 1), "numpy.any"),
        (np, "mean", functools.wraps(np.mean)(lambda *a, **k: 0.0), "numpy.mean"),
        (np, "exp", lambda z: z, "numpy.exp"),
        (builtins, "abs", lambda x: 0, "builtins.abs"),
        (builtins, "all", lambda x: True, "builtins.all"),
        (builtins, "max", builtins.min, "builtins.max"),
        (builtins, "isinstance", lambda *a: True, "builtins.isinstance"),
        (builtins, "float", type("float", (float,), {}), "builtins.float"),
        (builtins, "round", lambda x, n=0: x, "builtins.round"),
        (builtins, "print", lambda *a, **k: None, "builtins.print"),
        (builtins, "len", lambda x: 0, "builtins.len"),
        (core, "expect_close", lambda *a, **k: None, "bpkit.checks._core.expect_close"),
        (core, "expect", print, "bpkit.checks._core.expect"),
        (functional, "sigmoid", lambda z: z, "bpkit.functional.sigmoid"),
        (functional, "sigmoid", functional.tanh, "bpkit.functional.sigmoid"),
        (layers, "Linear", type("Linear", (), {}), "bpkit.layers.Linear"),
        (linear, "guard", dict, "bpkit.checks.nb00.linear.guard"),
        (mean, "expect_close", max, "bpkit.checks.nb00.mean.expect_close"),
        (logistic, "np", object(), "bpkit.checks.nb00.logistic.np"),
        (logistic, "functional", layers, "bpkit.checks.nb00.logistic.functional"),
    ],
)
def test_guard_detects_each_kind_of_replacement(monkeypatch, owner, name, value, label):
    text = _tampering_message(monkeypatch, owner, name, value)
    assert text.startswith(f"Tampering detected: {label} has been replaced (")
    assert text.endswith("Remove that line; the checks cannot trust results otherwise.")


def test_guard_detects_a_swapped_check_in_an_exercise_table(monkeypatch):
    """A wrapper put into a frozen row could hand bpkit's reference to the recorder."""
    from bpkit.checks import nb04

    row = nb04.EXERCISES["activation_bytes"]
    original = row.check
    object.__setattr__(row, "check", lambda fn, **k: original(nb04.reference_activation_bytes, **k))
    try:
        text = message(lambda: row(lambda sizes, n, itemsize: 0))
    finally:
        object.__setattr__(row, "check", original)
    assert text.startswith(
        "Tampering detected: bpkit.checks.nb04.EXERCISES['activation_bytes'].check has been "
        "replaced (defined in your notebook)."
    )
    monkeypatch.setattr(nb04, "EXERCISES", dict(nb04.EXERCISES))
    assert "bpkit.checks.nb04.EXERCISES has been replaced (it is now a dict object)" in message(
        guard
    )


def test_guard_stays_out_of_the_graders_replay(monkeypatch):
    """The grader replays in its own process, which the student never touched."""
    from bpkit.checks import _replay

    monkeypatch.setattr(mean, "expect_close", max)
    previous = _replay.set_mode(_replay.Replay([]))
    try:
        guard()  # quiet: nothing to guard while replaying
    finally:
        _replay.set_mode(previous)
    try:
        assert "bpkit.checks.nb00.mean.expect_close has been replaced" in message(guard)
    finally:
        monkeypatch.undo()


def test_guard_message_says_where_the_replacement_came_from(monkeypatch):
    text = _tampering_message(monkeypatch, np, "allclose", lambda *a, **k: True)
    assert "numpy.allclose has been replaced (defined in your notebook)." in text
    text = _tampering_message(monkeypatch, builtins, "max", builtins.min)
    assert "(it now points to the builtin min)" in text


def test_guard_detects_replaced_methods(monkeypatch):
    monkeypatch.setattr(layers.Linear, "forward", lambda self, a_prev: a_prev)
    assert "bpkit.layers.Linear.forward has been replaced" in message(guard)


def _load_private_copy(stem: str):
    spec = importlib.util.spec_from_file_location(f"_test_copy_{stem}", CHECKS_DIR / f"{stem}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("owner", "name", "value"),
    [(np, "allclose", lambda *a, **k: True), (builtins, "sum", lambda *a, **k: 0)],
)
def test_patches_made_before_import_are_still_caught(monkeypatch, owner, name, value):
    monkeypatch.setattr(owner, name, value)
    copy = _load_private_copy("_tamper")  # captures the already-patched objects at import
    problem = copy.tampering()
    monkeypatch.undo()
    assert problem is not None and "has been replaced" in problem
