"""The static tampering scan: hostile snippets are flagged with a reason, ordinary code is not."""

from __future__ import annotations

from pathlib import Path

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
        ("row = checks.EXERCISES['backward']", "reads the checks' exercise table"),
        (
            "object.__setattr__(row, 'check', print)",
            "calls object.__setattr__() (writes even frozen objects)",
        ),
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
        ("import sys\nsys.setprofile(print)", "calls sys.setprofile() (hooks into the interpreter"),
        (
            "get_ipython().events.register('pre_run_cell', print)",
            "calls register() (hooks into the interpreter or IPython)",
        ),
        ("import pickle", "imports pickle (the hidden cases are a pickle"),
        ("open('.bpkit_hidden_cases.pkl', 'rb')", "names the hidden cases file"),
        ("from bpkit.checks import hidden", "imports the checks' own modules"),
        # answers handed to bpkit's own implementation of the same name
        (
            "from bpkit import autodiff\ndef topological_order(root):\n"
            "    return autodiff.topological_order(root)",
            "line 3: answers 'topological_order' with bpkit's own bpkit.autodiff.topological_order",
        ),
        (
            "from bpkit.optim import l2_penalty as lp\ndef l2_penalty(params, lam):\n"
            "    return lp(params, lam)",
            "line 3: answers 'l2_penalty' with bpkit's own bpkit.optim.l2_penalty",
        ),
        (
            "import bpkit\nclass Dropout(bpkit.layers.Dropout):\n    pass",
            "line 2: answers 'Dropout' with bpkit's own bpkit.layers.Dropout",
        ),
        (
            "import bpkit.init as I\nhe_normal = I.he_normal",
            "line 2: answers 'he_normal' with bpkit's own bpkit.init.he_normal",
        ),
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
        # bpkit used for something other than the answer's own name is fine
        "import bpkit\ndef train(model, X, y):\n    return bpkit.train.fit(model, X, y)",
        "from bpkit import layers\ndef net():\n    return [layers.Linear(2, 3), layers.ReLU()]",
        "from bpkit.functional import sigmoid\ndef sigmoid_prime(z):\n"
        "    return sigmoid(z) * (1 - sigmoid(z))",
    ],
)
def test_ordinary_code_is_not_flagged(source):
    assert scan(source) == []


def test_names_imported_in_an_answer_cell_are_tracked_across_cells():
    cells = [("cell 3", "import numpy.testing as T"), ("cell 4", "T.assert_allclose = print")]
    assert scan_cells(cells, SETUP) == ["cell 4, line 1: assigns numpy.testing.assert_allclose"]


def test_the_reference_solutions_are_not_flagged():
    """Every solution notebook, scanned exactly as a submission would be, raises no suspicion."""
    import nbformat

    from bpkit.grading.sanitize import notebook_specs, student_code

    root = Path(__file__).resolve().parents[2] / "solutions"
    scanned = 0
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for spec in notebook_specs(folder):
            nb = nbformat.read(folder / f"{spec.name}.ipynb", as_version=4)
            cells = student_code(nb, spec)
            assert scan_cells(cells, spec.trusted_code) == [], spec.name
            scanned += len(cells)
    assert scanned > 100  # all nine notebooks were read
