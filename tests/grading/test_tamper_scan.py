"""The static tampering scan: hostile snippets are flagged with a reason, ordinary code is not."""

from __future__ import annotations

import pytest

from bpkit.grading.tamper import scan_cells

SETUP = ["import numpy as np\nfrom bpkit.checks import nb02 as checks"]


def scan(source: str) -> list[str]:
    return scan_cells([("answer 'x'", source)], SETUP)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("np.allclose = lambda *a, **k: True", "line 1: assigns numpy.allclose"),
        ("import numpy\nnumpy.isclose = max", "line 2: assigns numpy.isclose"),
        ("np.testing.assert_allclose = print", "assigns numpy.testing.assert_allclose"),
        ("import numpy.testing as npt\nnpt.assert_allclose = print", "numpy.testing.assert_allc"),
        ("setattr(np, 'allclose', lambda *a: True)", "calls setattr on numpy ('allclose')"),
        ("del np.testing", "deletes numpy.testing"),
        ("import builtins\nbuiltins.abs = lambda v: 0", "assigns builtins.abs"),
        ("import builtins as b\nb.all = lambda v: True", "assigns builtins.all"),
        ("__builtins__.abs = len", "assigns __builtins__.abs"),
        ("__builtins__['all'] = any", "assigns an entry of __builtins__"),
        ("def abs(x):\n    return 0", "defines 'abs', replacing the builtin"),
        ("all = lambda v: True", "assigns the builtin 'all'"),
        ("from numpy import all", "shadows the builtin 'all' with numpy.all"),
        ("checks.backward = lambda f: None", "assigns bpkit.checks.nb02.backward"),
        ("import bpkit.checks._core as c\nc.guard = lambda: None", "assigns bpkit.checks._core.gu"),
        ("np = None", "assigns 'np', which the setup cell imported"),
        ("import torch as np", "rebinds 'np', which the setup cell imported, to torch"),
        (
            "import sys\nsys.modules['bpkit_grader.nb02'] = object()",
            "assigns an entry of sys.modules",
        ),
        ("import sys\nsys.modules.pop('numpy')", "calls sys.modules.pop()"),
        ("globals()['np'] = 1", "assigns an entry of globals()"),
        ("globals().update(np=1)", "calls globals().update()"),
        ("exec('np.allclose = 1')", "runs code from a string (exec)"),
        ("import ctypes", "imports ctypes"),
        ("from unittest import mock", "imports unittest.mock"),
        ("import bpkit_grader.nb02", "imports the grader-only package"),
        ("def f():\n    return f.__globals__", "reads the interpreter internal '__globals__'"),
    ],
)
def test_hostile_code_is_flagged_with_a_reason(source, reason):
    found = scan(source)
    assert any(reason in r for r in found), found
    assert all(r.startswith("answer 'x', line ") for r in found)


@pytest.mark.parametrize(
    "source",
    [
        "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))",
        "import numpy as np\nfrom numpy import mean\nW = np.zeros((3, 2))",
        "class Net:\n    def sum(self):\n        return 1\n    all = 3",
        "def f(x):\n    abs = x if x > 0 else -x\n    return abs",
        "%timeit sigmoid(1.0)\n!ls",
        "def broken(:",  # a syntax error is the kernel's business, not tampering
        "grads = {}\ngrads['W'] = 1\nmodel.params['W'] = 2",
        "np.random.default_rng(0).normal(size=3)",
    ],
)
def test_ordinary_code_is_not_flagged(source):
    assert scan(source) == []


def test_names_imported_in_an_answer_cell_are_tracked_across_cells():
    cells = [("cell 3", "import numpy.testing as T"), ("cell 4", "T.assert_allclose = print")]
    assert scan_cells(cells, SETUP) == ["cell 4, line 1: assigns numpy.testing.assert_allclose"]
