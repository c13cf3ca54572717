"""Detect monkeypatching that would let a notebook fool the checks.

A check compares a student's result with a reference. If a cell replaces ``numpy.allclose`` with
``lambda *a, **k: True``, or swaps a bpkit function for its own, every comparison passes. The
visible and hidden checks call :func:`tampering` first and refuse to run when anything they rely
on was replaced.

Comparing with originals captured at import is not enough, because a notebook may patch *before*
this module is imported. So the checks also look at the *kind* of each object: a builtin must
still be a C function of the ``builtins`` module with the right name, a numpy function must be a
ufunc or have its code inside numpy's package directory, and a bpkit function must have its code
in bpkit's own files.

This module only uses things a notebook cannot replace: the real ``type`` (``object.__class__``),
types taken from literals, and str methods.
"""

from __future__ import annotations

import ast
import builtins as _builtins
import os
import site
import sys
import sysconfig

import numpy as _np
import numpy.linalg as _np_linalg
import numpy.random as _np_random
import numpy.testing as _np_testing

_type = object.__class__  # the real `type`, even if builtins.type was replaced
_FunctionType = _type(lambda: None)
_BuiltinType = _type([].append)
_ModuleType = _type(sys)
_ClassMethod = _type(classmethod(lambda cls: None))
_StaticMethod = _type(staticmethod(lambda: None))
_Property = _type(property())
_ufunc = _np.ufunc
from bpkit.checks._exercise import Exercise as _Exercise  # noqa: E402
from bpkit.checks._exercise import Table as _Table  # noqa: E402

try:
    from numpy._core._multiarray_umath import _ArrayFunctionDispatcher as _Dispatcher
except ImportError:  # pragma: no cover - older numpy
    _Dispatcher = _type(_np.concatenate)

# Builtins the checks rely on. Types are compared with the real types taken from literals.
_BUILTIN_TYPES = {
    "float": _type(0.0),
    "int": _type(0),
    "bool": _type(True),
    "str": _type(""),
    "tuple": _type(()),
    "list": _type([]),
    "dict": _type({}),
    "type": _type,
}
_BUILTIN_FUNCS = (
    "abs all any len isinstance max min sum round print getattr hasattr callable repr "
    "open iter next sorted id issubclass setattr vars"
).split()

# numpy functions the checks compare with; the value is the expected __name__.
_NUMPY_NAMED = {
    "numpy.allclose": "allclose",
    "numpy.isclose": "isclose",
    "numpy.array_equal": "array_equal",
    "numpy.testing.assert_allclose": "assert_allclose",
    "numpy.abs": "absolute",
    "numpy.absolute": "absolute",
    "numpy.max": "max",
    "numpy.min": "min",
    "numpy.all": "all",
    "numpy.any": "any",
    "numpy.asarray": "asarray",
    "numpy.array": "array",
    "numpy.isfinite": "isfinite",
    "numpy.isnan": "isnan",
    "numpy.mean": "mean",
    "numpy.sum": "sum",
}
_NUMPY_MODULES = {
    "numpy": _np,
    "numpy.linalg": _np_linalg,
    "numpy.random": _np_random,
    "numpy.testing": _np_testing,
}
_NUMPY_NAMES = {key: [n for n in dir(mod) if n[:1] != "_"] for key, mod in _NUMPY_MODULES.items()}


def _dir_of(path: str | None) -> str:
    head, _, _ = (path or "").rpartition(os.sep)
    return head + os.sep if head else "\0"


_NUMPY_DIR = _dir_of(_np.__file__)
_BPKIT_DIR = _dir_of(_dir_of(__file__)[:-1])  # .../bpkit/
_ROOT_DIR = _dir_of(_BPKIT_DIR[:-1])
_GRADER_DIR = _ROOT_DIR + "bpkit_grader" + os.sep
_STDLIB_DIR = sysconfig.get_paths()["stdlib"] + os.sep
# Code of installed packages (python's own prefix, site-packages) and of bpkit is trusted; code
# defined in a notebook cell, by exec, or in a file next to the notebook is not.
_INSTALLED = tuple(
    p.rstrip(os.sep) + os.sep
    for p in {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages()}
    if p
)
_TRUSTED = (_NUMPY_DIR, _BPKIT_DIR, _GRADER_DIR, _STDLIB_DIR, *_INSTALLED)
_INTERACTIVE = ("<string>", "<stdin>", "<ipython-input", "<console")


def _trusted(file: str) -> bool:
    """Code from installed packages or bpkit; libraries' generated code ("<sqlalchemy ...>")."""
    if file.startswith("<"):
        return not file.startswith(_INTERACTIVE)
    return file.startswith(_TRUSTED)


_SOURCE_CACHE: dict[str, dict[str, object]] = {}


def _code_file(fn: object) -> str:
    code = getattr(fn, "__code__", None)
    return getattr(code, "co_filename", "") if code is not None else ""


def _where(obj: object) -> str:
    """Say in a few words what an object now is, for the tampering message."""
    kind = _type(obj)
    if kind is _FunctionType:
        file = _code_file(obj)
        if _trusted(file):
            return f"it now points to {obj.__module__}.{obj.__qualname__}"
        return "defined in your notebook"
    if kind is _BuiltinType:
        return f"it now points to the builtin {getattr(obj, '__name__', '?')}"
    if kind is _ufunc:
        return f"it now points to numpy's {obj.__name__}"
    return f"it is now a {kind.__name__} object"


def _report(label: str, obj: object) -> str:
    return (
        f"Tampering detected: {label} has been replaced ({_where(obj)}). Remove that line; "
        "the checks cannot trust results otherwise."
    )


def _check_builtins() -> str | None:
    for name, real in _BUILTIN_TYPES.items():
        obj = _builtins.__dict__.get(name)
        if obj is not real:
            return _report(f"builtins.{name}", obj)
    for name in _BUILTIN_FUNCS:
        obj = _builtins.__dict__.get(name)
        owner = getattr(obj, "__self__", None)
        ok = (
            _type(obj) is _BuiltinType
            and obj.__name__ == name
            and _type(owner) is _ModuleType
            and owner.__name__ == ("io" if name == "open" else "builtins")
        )
        if not ok:
            return _report(f"builtins.{name}", obj)
    return None


def _numpy_ok(obj: object) -> bool:
    """True if obj is a genuine numpy object (function, ufunc, type or value)."""
    kind = _type(obj)
    if kind is _ufunc:
        return " " not in obj.__name__  # np.frompyfunc names end in " (vectorized)"
    if kind is _Dispatcher:
        inner = getattr(obj, "__wrapped__", None)
        if _type(inner) is _BuiltinType:  # e.g. np.bincount wraps a C function
            return (getattr(inner, "__module__", None) or "").startswith("numpy")
        return _type(inner) is _FunctionType and _code_file(inner).startswith(_NUMPY_DIR)
    if kind is _FunctionType:  # numpy's own, or a contextlib/functools wrapper around one
        return _code_file(obj).startswith((_NUMPY_DIR, _STDLIB_DIR))
    if kind is _BuiltinType:
        owner = getattr(obj, "__self__", None)
        module = getattr(obj, "__module__", None) or getattr(_type(owner), "__module__", "")
        return module.startswith("numpy") or _type(owner).__module__.startswith("numpy")
    if kind is _ModuleType:
        return obj.__name__.startswith("numpy")
    if isinstance(obj, _type):
        return obj.__module__ != "__main__"  # a class defined in the notebook is not numpy's
    if callable(obj):  # bound methods of RandomState, cython functions, ...
        module = getattr(obj, "__module__", None) or ""
        return module.startswith("numpy") or kind.__module__.startswith(("numpy", "_cython"))
    return kind.__module__ != "__main__"


def _check_numpy() -> str | None:
    for label, expected in _NUMPY_NAMED.items():
        mod_name, _, attr = label.rpartition(".")
        obj = getattr(_NUMPY_MODULES[mod_name], attr, None)
        if not _numpy_ok(obj) or getattr(obj, "__name__", None) != expected:
            return _report(label, obj)
    for mod_name, names in _NUMPY_NAMES.items():
        module = _NUMPY_MODULES[mod_name]
        for name in names:
            obj = getattr(module, name, None)
            if not _numpy_ok(obj):
                return _report(f"{mod_name}.{name}", obj)
    return None


def _resolve(node: ast.ImportFrom, package: str) -> str:
    """The absolute module name of a (possibly relative) ``from ... import``."""
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - node.level + 1])
    return f"{base}.{node.module}" if node.module else base


def _source_names(path: str, package: str) -> dict[str, object]:
    """Parse a bpkit file once: what its top level binds, and how.

    "def" for functions, ("class", methods) for classes, ("import", module) and
    ("from", module, attribute) for imports. A name bound again later (say, reassigned) is
    dropped, since its final value cannot be predicted from the source.
    """
    cached = _SOURCE_CACHE.get(path)
    if cached is not None:
        return cached
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), path)
    names: dict[str, object] = {}
    for node in tree.body:
        kind = _type(node)
        if kind in (ast.FunctionDef, ast.AsyncFunctionDef):
            names[node.name] = "def"
        elif kind is ast.ClassDef:
            methods = [
                item.name
                for item in node.body
                if _type(item) in (ast.FunctionDef, ast.AsyncFunctionDef)
            ]
            names[node.name] = ("class", methods)
        elif kind is ast.Import:
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = ("import", alias.name)
                else:
                    top = alias.name.partition(".")[0]
                    names[top] = ("import", top)
        elif kind is ast.ImportFrom:
            module = _resolve(node, package)
            for alias in node.names:
                if alias.name != "*":
                    names[alias.asname or alias.name] = ("from", module, alias.name)
        elif kind in (ast.Assign, ast.AnnAssign, ast.AugAssign):
            targets = node.targets if kind is ast.Assign else [node.target]
            for target in targets:
                for leaf in ast.walk(target):
                    if _type(leaf) is ast.Name:
                        names.pop(leaf.id, None)
    _SOURCE_CACHE[path] = names
    return names


_MISSING = object()


def _import_ok(value: object, kind: tuple) -> bool:
    """An imported name must still be the object its source module holds."""
    source = sys.modules.get(kind[1])
    if source is None:
        return True  # not loaded (e.g. only imported under TYPE_CHECKING): nothing to compare
    if kind[0] == "import":
        return value is source
    expected = getattr(source, kind[2], _MISSING)
    if expected is _MISSING:
        expected = sys.modules.get(f"{kind[1]}.{kind[2]}", _MISSING)  # a submodule
    return expected is _MISSING or value is expected


def _function_ok(fn: object, name: str, own_file: str) -> bool:
    """A def-bound value is fine if its code lives in trusted files (and keeps its name)."""
    kind = _type(fn)
    if kind in (_ClassMethod, _StaticMethod):
        fn, kind = fn.__func__, _type(fn.__func__)
    elif kind is _Property:
        fn = fn.fget
        return fn is None or _type(fn) is not _FunctionType or _trusted(_code_file(fn))
    if kind is _FunctionType:
        file = _code_file(fn)
        if file == own_file:
            return fn.__name__ == name
        return _trusted(file)
    if kind in (_BuiltinType, _ufunc, _Dispatcher):
        return False  # a Python def replaced by a C function
    wrapped = getattr(fn, "__wrapped__", None)  # lru_cache and friends
    return wrapped is None or _function_ok(wrapped, name, own_file)


def _check_table(mod_name: str, table: object) -> str | None:
    """A checks package's ``EXERCISES``: still a table of exercises whose checks are bpkit's own.

    The rows are frozen, but ``object.__setattr__`` still writes them; a row whose check was
    swapped for a wrapper could hand bpkit's reference to the recorder in the student's place.
    """
    label = f"{mod_name}.EXERCISES"
    if _type(table) is not _Table:
        return _report(label, table)
    for name, row in list(table._by_name.items()):
        where = f"{label}[{name!r}]"
        if _type(row) is not _Exercise or row.name != name:
            return _report(where, row)
        check = row.check
        if _type(check) is not _FunctionType or not _trusted(_code_file(check)):
            return _report(f"{where}.check", check)
    return None


def _check_module(mod_name: str, module: object) -> str | None:
    file = getattr(module, "__file__", None) or ""
    if not file.endswith(".py") or not file.startswith((_BPKIT_DIR, _GRADER_DIR)):
        return None
    namespace = module.__dict__
    if "EXERCISES" in namespace or (file.endswith("__init__.py") and ".checks.nb" in mod_name):
        problem = _check_table(mod_name, namespace.get("EXERCISES"))
        if problem:
            return problem
    for name, value in list(namespace.items()):
        if _type(value) is _FunctionType and not _trusted(_code_file(value)):
            return _report(f"{mod_name}.{name}", value)
    package = (
        module.__name__ if file.endswith("__init__.py") else module.__name__.rpartition(".")[0]
    )
    for name, kind in _source_names(file, package).items():
        value = namespace.get(name)
        label = f"{mod_name}.{name}"
        if kind == "def":
            if not _function_ok(value, name, file):
                return _report(label, value)
            continue
        if kind[0] in ("import", "from"):
            if name in namespace and not _import_ok(value, kind):
                return _report(label, value)
            continue
        if not isinstance(value, _type) or value.__module__ != module.__name__:
            return _report(label, value)
        for method in kind[1]:
            attr = value.__dict__.get(method)
            if attr is not None and not _function_ok(attr, method, file):
                return _report(f"{label}.{method}", attr)
    return None


def _check_bpkit() -> str | None:
    for mod_name, module in list(sys.modules.items()):
        if mod_name.partition(".")[0] in ("bpkit", "bpkit_grader") and module is not None:
            problem = _check_module(mod_name, module)
            if problem:
                return problem
    return None


def tampering() -> str | None:
    """Return a message naming the first replaced builtin, numpy or bpkit object, or None."""
    return _check_builtins() or _check_numpy() or _check_bpkit()
