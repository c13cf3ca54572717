"""Test-wide setup shared by every tier."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The grader-only package `bpkit_grader` lives at the repository root and is not installed with
# bpkit. The graders these tests start import it; so do unsandboxed kernels running the source
# notebooks (their hidden cells judge in place when no grader provides the hidden cases).
_paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(_paths))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The arrays in the tests are small. A single BLAS thread is faster for them than two threads
# that spin-wait, and it keeps parallel kernels from fighting over the cores. Kernels inherit this.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

# Plots render off-screen in this process. (Not through MPLBACKEND: kernels would inherit it, and
# with Agg `plt.show()` warns on stderr, which zeroes a graded cell.)
import matplotlib  # noqa: E402

matplotlib.use("Agg")
