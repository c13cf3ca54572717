"""Record/replay: plain data out of the kernel, verdicts reached outside it from numbers only."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bpkit.autodiff import Value
from bpkit.checks import _replay
from bpkit.checks._core import CheckError, call, expect_close
from bpkit_grader import judge


def _roundtrip(obj):
    return _replay.decode(json.loads(json.dumps(_replay.encode(obj))))


@pytest.mark.parametrize(
    "obj",
    [
        None,
        True,
        3,
        -2.5,
        "text",
        [1, 2.0, None],
        (1, (2, 3)),
        {"W": np.arange(6.0).reshape(2, 3), 3: [np.int64(4)]},
        np.array([[1, 2], [3, 4]], dtype=np.int32),
        np.array([True, False]),
        np.float32(1.5),
    ],
)
def test_plain_data_round_trips(obj):
    back = _roundtrip(obj)
    assert type(back) is type(obj)
    if isinstance(obj, np.ndarray):
        assert back.dtype == obj.dtype and np.array_equal(back, obj)
    elif isinstance(obj, dict):
        assert set(back) == set(obj) and np.array_equal(back["W"], obj["W"])
    else:
        assert back == obj


def test_non_finite_floats_and_objects_travel_as_tags():
    back = _roundtrip([float("nan"), float("inf"), len, object()])
    assert np.isnan(back[0]) and back[1] == float("inf")
    assert isinstance(back[2], _replay.OpaqueCallable) and callable(back[2])
    assert isinstance(back[3], _replay.Opaque) and not callable(back[3])


def test_a_lying_object_is_recorded_as_what_it_really_is():
    class Liar:
        @property
        def __class__(self):  # noqa: D401 - the lie
            return np.ndarray

        def __array__(self, dtype=None, copy=None):
            return np.ones(3)

    assert _replay.encode(Liar()) == {"$o": "Liar", "callable": False}


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"$a": "AAAA", "dtype": "|O", "shape": [1]}, "forbidden dtype"),
        ({"$a": "AAAA", "dtype": "<f8", "shape": [5]}, "do not match its shape"),
        ({"$a": "!!", "dtype": "<f8", "shape": [1]}, "malformed"),
        ({"$zz": 1}, "unknown tag"),
        ({"$d": [[1]]}, "dict entry is malformed"),
        ({"$d": [[[1], 2]]}, "unhashable key"),
    ],
)
def test_malformed_records_are_refused_by_name(data, words):
    with pytest.raises(_replay.ReplayError, match=words):
        _replay.decode(data)


def test_deep_nesting_is_refused():
    data: list = []
    for _ in range(100):
        data = [data]
    with pytest.raises(_replay.ReplayError, match="nested too deeply"):
        _replay.decode(data)


def _check(fn):
    x = np.array([1.0, -2.0])
    got = call(fn, x, what="f(x)")
    expect_close("f(x)", got, 2 * x, mistakes={"the wrong sign": -2 * x})


def _record(fn):
    recording = _replay.Recording()
    previous = _replay.set_mode(recording)
    try:
        _check(fn)
    except CheckError:
        pass
    finally:
        _replay.set_mode(previous)
    return json.loads(json.dumps(recording.records))


def _replay_verdict(records):
    previous = _replay.set_mode(_replay.Replay(records))
    try:
        _check(_replay.ReplayedFunction("f"))
    except (CheckError, _replay.ReplayError) as error:
        return str(error)
    finally:
        _replay.set_mode(previous)
    return None


def test_replay_reaches_the_same_verdict_without_running_student_code():
    assert _replay_verdict(_record(lambda x: 2 * x)) is None
    assert "looks like the wrong sign" in _replay_verdict(_record(lambda x: -2 * x))


def test_replay_refuses_missing_and_mismatched_records():
    assert "no result was recorded for f(x)" in _replay_verdict([])
    wrong_call = [{"what": "g(y)", "result": 1.0, "state": {"roots": [None], "nodes": []}}]
    assert "do not match the check" in _replay_verdict(wrong_call)


def test_a_recorded_error_fails_even_with_a_right_result_beside_it():
    records = _record(lambda x: 2 * x)
    records[0]["error"] = "f(x) raised ValueError: no."
    assert _replay_verdict(records) == "f(x) raised ValueError: no."


def test_in_place_updates_and_graph_grads_are_replayed():
    params = {"W": np.ones(2), "b": np.zeros(1)}
    root = Value(2.0) * Value(3.0)

    def student(p, node):
        p["W"] -= 0.5  # in place: the same array object
        p["b"] = p["b"] + 1  # rebound: a new array
        node.grad = 7.0

    def check(fn):
        # a lambda of the calling check's own module: its captured objects are handed over
        call(lambda p=params, r=root: fn(p, r), what="step")
        return params["W"].copy(), params["b"].copy(), root.grad

    recording = _replay.Recording()
    held = params["W"]
    _replay.set_mode(recording)
    try:
        direct = check(student)
    finally:
        _replay.set_mode(None)
    records = json.loads(json.dumps(recording.records))
    params.update(W=np.ones(2), b=np.zeros(1))
    root.grad = 0.0
    _replay.set_mode(_replay.Replay(records))
    try:
        replayed = check(_replay.ReplayedFunction("step"))
    finally:
        _replay.set_mode(None)
    assert np.array_equal(direct[0], replayed[0]) and np.array_equal(direct[1], replayed[1])
    assert replayed[2] == 7.0
    assert held is not params["W"] or np.array_equal(held, [0.5, 0.5])


def test_the_judge_refuses_payloads_that_are_not_the_cells_own():
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    assert judge.judge("nb02", "linear_forward", None) is not None
    assert "no results for linear_forward" in judge.judge("nb02", "linear_forward", {})
    payload = json.loads(json.dumps(judge.record_in_process("nb02", "linear_forward", np.dot)))
    payload["exercise"] = "mlp_backward"
    assert "no results for linear_forward" in judge.judge("nb02", "linear_forward", payload)


def test_the_judge_rejects_extra_records():
    def linear_forward(a_prev, W, b):
        return a_prev @ W.T + b

    payload = judge.record_in_process("nb02", "linear_forward", linear_forward)
    payload = json.loads(json.dumps(payload))
    assert judge.judge("nb02", "linear_forward", payload) is None
    payload["hidden"]["records"].append(payload["hidden"]["records"][-1])
    assert "more results were recorded" in judge.judge("nb02", "linear_forward", payload)
