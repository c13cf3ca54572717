"""Record a student's results as plain data in the kernel; replay them to the checks outside it.

Anything that runs in the student's process can be fooled there, so graded verdicts are reached
in the grader's own process, from numbers alone:

* **record** (in the grading kernel): each :func:`~bpkit.checks._core.call` of a check runs the
  student's function as usual and appends a record: what the call returned, and the state it left
  in the objects the check handed over (a model it trained, a graph whose grads it filled, a dict
  it updated in place), all as JSON-ready plain data;
* **replay** (in the grader): the same check runs again on the same seeded cases, but ``call``
  never runs student code. It writes the recorded state into the check's own objects and returns
  the recorded result as fresh numpy arrays. The check's comparisons then decide, with the
  grader's untouched numpy and references.

Plain data means: None, bools, numbers, strings, lists, and tagged dicts for what JSON lacks:
``{"$a": base64, "dtype": "<f8", "shape": [...]}`` for arrays, ``{"$t": [...]}`` for tuples,
``{"$d": [[key, value], ...]}`` for dicts, ``{"$f": "nan"}`` for non-finite floats,
``{"$n": k}`` for the k-th node of a graph the check built, and ``{"$o": "type"}`` for anything
else (a function, a generator, an object of the student's own class).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable
from typing import Any

import numpy as np

#: The output mimetype that carries a hidden check's records from the kernel to the grader.
MIME = "application/vnd.bpkit.calls+json"
#: Array kinds that travel as data (bool, signed and unsigned ints, floats, unicode strings).
_KINDS = "biufU"
_MAX_DEPTH = 32
_MAX_ITEMS = 50_000_000  # array entries per record; a bigger answer is wrong anyway

_type = object.__class__
_ndarray = np.ndarray
_generic = np.generic


class ReplayError(Exception):
    """The records cannot be decoded or do not fit the check (tampering, or a broken kernel)."""


# ----- which mode the checks run in ---------------------------------------------------------
class Recording:
    """Collects one record per ``call`` (in the kernel)."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []


class Replay:
    """Hands out the recorded calls in order (in the grader).

    source: the student's answer cell, for checks that read the function's source text.
    """

    def __init__(self, records: list[Any], source: str = "") -> None:
        if _type(records) is not list:
            raise ReplayError("the records are not a list")
        self.records = records
        self.position = 0
        self.source = source

    def next(self, what: str) -> dict[str, Any]:
        if self.position >= len(self.records):
            raise ReplayError(
                f"no result was recorded for {what}: the check did not get that far in the "
                "kernel (it was stopped, skipped or tampered with)"
            )
        record = self.records[self.position]
        self.position += 1
        if _type(record) is not dict or record.get("what") != what:
            got = record.get("what") if _type(record) is dict else record
            raise ReplayError(
                f"the recorded calls do not match the check: expected {what!r}, found {got!r:.200}"
            )
        return record


_mode: Recording | Replay | None = None


def mode() -> Recording | Replay | None:
    return _mode


def set_mode(new: Recording | Replay | None) -> Recording | Replay | None:
    """Switch the checks to ``new`` mode; return the previous one."""
    global _mode
    old, _mode = _mode, new
    return old


class ReplayedFunction:
    """Stands for the student's function during replay: calls never reach student code.

    ``__bpkit_source__`` is the answer cell's text, for checks that read the source.
    """

    def __init__(self, name: str, source: str = "") -> None:
        self.__name__ = name
        self.__bpkit_source__ = source

    def __call__(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - never reached
        raise ReplayError(f"{self.__name__} was called outside a check's call()")


class Opaque:
    """What a recorded non-data object (a function, a generator, a custom object) replays as."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


class OpaqueCallable(Opaque, ReplayedFunction):
    """A recorded callable (e.g. a schedule the student's function returned)."""

    def __init__(self, type_name: str) -> None:
        Opaque.__init__(self, type_name)
        ReplayedFunction.__init__(self, type_name)


# ----- graph nodes (bpkit.autodiff.Value) ---------------------------------------------------
def _is_node(obj: Any) -> bool:
    from bpkit.autodiff import Value

    return isinstance(obj, Value)


def graph_nodes(roots: list[Any]) -> list[Any]:
    """Every Value node reachable from ``roots``, in creation order (the same in any process)."""
    seen: dict[int, Any] = {}
    stack = [r for r in roots if _is_node(r)]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen[id(node)] = node
        stack.extend(p for p in node._prev if _is_node(p))
    return sorted(seen.values(), key=lambda n: n._seq)


# ----- plain data: encode in the kernel, decode in the grader --------------------------------
def _encode_array(arr: np.ndarray) -> Any:
    if arr.dtype.kind not in _KINDS:
        return {"$o": f"ndarray of dtype {arr.dtype}"}
    return {
        "$a": base64.b64encode(arr.tobytes(order="C")).decode("ascii"),
        "dtype": arr.dtype.str,
        "shape": list(arr.shape),
    }


def encode(obj: Any, nodes: dict[int, int] | None = None, depth: int = 0) -> Any:
    """``obj`` as plain data; ``nodes`` maps id(node) -> index for a graph the check built."""
    nodes = nodes or {}
    kind = _type(obj)
    if depth > _MAX_DEPTH:
        return {"$o": "deeply nested data"}
    if obj is None or kind is bool or kind is str:
        return obj
    if kind is int:
        return obj if abs(obj) < 2**63 else float(obj)
    if kind is float:
        return obj if math.isfinite(obj) else {"$f": repr(obj)}
    if issubclass(kind, _ndarray):  # the real class: a lying __class__ does not count
        return _encode_array(np.asarray(obj))
    if issubclass(kind, _generic):
        out = _encode_array(np.asarray(obj))
        if "$a" in out:
            out["scalar"] = True
        return out
    if kind is list:
        return [encode(v, nodes, depth + 1) for v in obj]
    if kind is tuple:
        return {"$t": [encode(v, nodes, depth + 1) for v in obj]}
    if kind is dict:
        pairs = [[encode(k, nodes, depth + 1), encode(v, nodes, depth + 1)] for k, v in obj.items()]
        return {"$d": pairs}
    if id(obj) in nodes and _is_node(obj):
        return {"$n": nodes[id(obj)]}
    return {"$o": kind.__name__, "callable": callable(obj)}


def _decode_array(data: dict[str, Any], scalar: bool) -> Any:
    try:
        dtype = np.dtype(str(data["dtype"]))
        shape = tuple(int(s) for s in data["shape"])
        raw = base64.b64decode(str(data["$a"]), validate=True)
    except (KeyError, TypeError, ValueError) as exc:
        raise ReplayError(f"a recorded array is malformed ({exc})") from None
    size = math.prod(shape)
    if dtype.kind not in _KINDS or any(s < 0 for s in shape) or size > _MAX_ITEMS:
        raise ReplayError("a recorded array has a forbidden dtype or shape")
    if len(raw) != size * dtype.itemsize:
        raise ReplayError("a recorded array's bytes do not match its shape")
    arr = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    return arr[()] if scalar and arr.ndim == 0 else arr


def decode(data: Any, nodes: list[Any] | None = None, depth: int = 0) -> Any:
    """Plain data back to Python objects; fresh arrays, never anything executable."""
    nodes = nodes or []
    kind = _type(data)
    if depth > _MAX_DEPTH + 2:
        raise ReplayError("recorded data is nested too deeply")
    if data is None or kind in (bool, int, float, str):
        return data
    if kind is list:
        return [decode(v, nodes, depth + 1) for v in data]
    if kind is not dict:
        raise ReplayError(f"recorded data has an unexpected {kind.__name__}")
    if "$a" in data:
        return _decode_array(data, bool(data.get("scalar")))
    if "$t" in data and _type(data["$t"]) is list:
        return tuple(decode(v, nodes, depth + 1) for v in data["$t"])
    if "$d" in data and _type(data["$d"]) is list:
        out = {}
        for pair in data["$d"]:
            if _type(pair) is not list or len(pair) != 2:
                raise ReplayError("a recorded dict entry is malformed")
            key = decode(pair[0], nodes, depth + 1)
            try:
                out[key] = decode(pair[1], nodes, depth + 1)
            except TypeError:  # an unhashable key
                raise ReplayError("a recorded dict has an unhashable key") from None
        return out
    if "$f" in data and data["$f"] in ("nan", "inf", "-inf"):
        return float(data["$f"])
    if "$n" in data and _type(data["$n"]) is int and 0 <= data["$n"] < len(nodes):
        return nodes[data["$n"]]
    if "$o" in data:
        name = str(data["$o"])[:80]
        return OpaqueCallable(name) if data.get("callable") is True else Opaque(name)
    raise ReplayError("recorded data has an unknown tag")


# ----- state the call left in the check's objects ------------------------------------------
def state_roots(
    fn: Callable[..., Any], passed: list[Any], originals: list[Any], caller: str = ""
) -> list[Any]:
    """The objects whose state the check can see after the call, in a fixed order.

    Arguments the check copied before the call are invisible to it (None here). A lambda
    written in the calling check's module (``caller``) or in any ``bpkit.checks`` module hands the
    student its captured objects, so its defaults and closure cells count as well.
    """
    roots = [p if p is o else None for p, o in zip(passed, originals, strict=True)]
    module = getattr(fn, "__module__", None) or ""
    ours = module == caller or module.startswith("bpkit.checks")
    if _type(fn).__name__ == "function" and ours:
        roots += list(fn.__defaults__ or ())
        for cell in fn.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                value = None
            roots.append(None if callable(value) else value)
    return roots


def _identities(obj: Any, path: str, out: dict[str, int], depth: int = 0) -> None:
    if depth > _MAX_DEPTH:
        return
    out[path] = id(obj)
    kind = _type(obj)
    if kind is dict:
        for k, v in obj.items():
            _identities(v, f"{path}/{k!r}", out, depth + 1)
    elif kind is list:
        for i, v in enumerate(obj):
            _identities(v, f"{path}/{i}", out, depth + 1)
    elif hasattr(obj, "named_params") and callable(obj.named_params):
        for k, v in obj.named_params().items():
            out[f"{path}/param {k}"] = id(v)


def identities(roots: list[Any]) -> dict[str, int]:
    """id() of every array and container reachable from ``roots``, by path (before the call)."""
    out: dict[str, int] = {}
    for i, root in enumerate(roots):
        _identities(root, str(i), out)
    return out


def _entry(value: Any, path: str, before: dict[str, int], depth: int) -> list[Any]:
    """[same object as before?, state of a container or array, plain value otherwise]."""
    state = _state(value, path, before, depth + 1)
    return [before.get(path) == id(value), state, None if state is not None else encode(value)]


def _state(obj: Any, path: str, before: dict[str, int], depth: int) -> Any:
    kind = _type(obj)
    if depth > _MAX_DEPTH or obj is None:
        return None
    if isinstance(obj, _ndarray):
        return {"array": encode(obj)}
    if kind is dict:
        entries = []
        for k, v in obj.items():
            sub = f"{path}/{k!r}"
            entries.append([encode(k), *_entry(v, sub, before, depth)])
        return {"dict": entries}
    if kind is list:
        entries = []
        for i, v in enumerate(obj):
            sub = f"{path}/{i}"
            entries.append([None, *_entry(v, sub, before, depth)])
        return {"list": entries}
    if isinstance(obj, np.random.Generator):
        return {"rng": encode(obj.bit_generator.state)}
    if hasattr(obj, "named_params") and callable(obj.named_params):
        return {"params": encode(obj.named_params())}
    return None


def snapshot(roots: list[Any], before: dict[str, int], nodes: list[Any]) -> dict[str, Any]:
    """The state of ``roots`` after the call, as plain data, with the graph ``nodes``."""
    return {
        "roots": [_state(r, str(i), before, 0) for i, r in enumerate(roots)],
        "nodes": [[encode(n.data), encode(n.grad)] for n in nodes],
    }


def _fresh_check(entry: Any) -> None:
    if _type(entry) is not list or len(entry) != 4 or (entry[2] and _type(entry[2]) is not dict):
        raise ReplayError("a recorded container entry is malformed")


def _fresh(entry: list[Any]) -> Any:
    """A container entry that is a new object after the call: rebuild it from its data."""
    _fresh_check(entry)
    _, _, state, plain = entry
    if state is None:
        return decode(plain)
    if "array" in state:
        return decode(state["array"])
    if "dict" in state:
        return {decode(e[0]): _fresh(e) for e in state["dict"]}
    if "list" in state:
        return [_fresh(e) for e in state["list"]]
    raise ReplayError("a recorded container entry cannot be rebuilt")


def _restore(obj: Any, state: Any) -> None:
    if state is None or obj is None:
        return
    if _type(state) is not dict:
        raise ReplayError("recorded state is malformed")
    if "array" in state and isinstance(obj, _ndarray):
        value = np.asarray(decode(state["array"]))
        if value.shape != obj.shape:
            raise ReplayError("a recorded array changed shape in place")
        with np.errstate(all="ignore"):
            obj[...] = value
    elif "dict" in state and _type(obj) is dict:
        keep = {}
        for entry in state["dict"]:
            _fresh_check(entry)
            key, same, sub = decode(entry[0]), entry[1], entry[2]
            if same is True and key in obj:
                _restore(obj[key], sub)
                keep[key] = obj[key]
            else:
                keep[key] = _fresh(entry)
        obj.clear()
        obj.update(keep)
    elif "list" in state and _type(obj) is list:
        items = []
        for i, entry in enumerate(state["list"]):
            _fresh_check(entry)
            if entry[1] is True and i < len(obj):
                _restore(obj[i], entry[2])
                items.append(obj[i])
            else:
                items.append(_fresh(entry))
        obj[:] = items
    elif "rng" in state and isinstance(obj, np.random.Generator):
        try:
            obj.bit_generator.state = decode(state["rng"])
        except (TypeError, ValueError, KeyError) as exc:
            raise ReplayError(f"a recorded random generator state is malformed ({exc})") from None
    elif "params" in state and hasattr(obj, "named_params"):
        recorded = decode(state["params"])
        for key, arr in obj.named_params().items():
            value = np.asarray(recorded.get(key, arr)) if _type(recorded) is dict else arr
            if value.shape == arr.shape:
                with np.errstate(all="ignore"):
                    arr[...] = value
            else:
                raise ReplayError(f"parameter {key!r} changed shape during the call")


def restore(roots: list[Any], snap: Any, nodes: list[Any]) -> None:
    """Write a recorded :func:`snapshot` into the grader's own ``roots`` and graph ``nodes``."""
    if _type(snap) is not dict or _type(snap.get("roots")) is not list:
        raise ReplayError("recorded state is malformed")
    if len(snap["roots"]) != len(roots):
        raise ReplayError("recorded state does not match the check's objects")
    for root, state in zip(roots, snap["roots"], strict=True):
        _restore(root, state)
    recorded = snap.get("nodes") or []
    if len(recorded) != len(nodes):
        raise ReplayError("the recorded graph does not match the check's graph")
    for node, pair in zip(nodes, recorded, strict=True):
        node.data, node.grad = decode(pair[0]), decode(pair[1])
