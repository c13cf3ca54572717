"""Every notebook's hidden cases reach the sandbox as inputs only.

The kernel reads the cases file (``.bpkit_hidden_cases.pkl``) in a process that cannot import the
grader-only package ``bpkit_grader``: unpickling it must need nothing from there.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bpkit_grader import judge

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p.stem for p in (ROOT / "bpkit_grader").glob("nb[0-9][0-9].py"))

NO_GRADER = """
import pickle, sys
class _Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "bpkit_grader":
            raise ImportError("bpkit_grader is not in the sandbox")
sys.meta_path.insert(0, _Block())
sys.path = [p for p in sys.path if p not in ("", ".", {root!r})]
table = pickle.load(open({path!r}, "rb"))
assert "bpkit_grader" not in sys.modules
print(sorted(table["specs"]))
"""


@pytest.mark.parametrize("nb", NOTEBOOKS)
def test_hidden_cases_unpickle_without_the_grader(nb, tmp_path) -> None:
    path = tmp_path / "cases.pkl"
    path.write_bytes(judge.cases_payload(nb))
    code = NO_GRADER.format(root=str(ROOT), path=str(path))
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(sorted(judge.specs(nb)))
