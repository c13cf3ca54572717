"""Hypothesis strategies and helpers shared by the core unit tests."""

from __future__ import annotations

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Property tests: enough examples to find shape/value bugs, fast enough for the 20 s budget.
FAST = settings(max_examples=30, deadline=None)

dims = st.integers(min_value=1, max_value=6)
batch = st.integers(min_value=1, max_value=7)
seeds = st.integers(min_value=0, max_value=2**31 - 1)


def floats(lo: float = -3.0, hi: float = 3.0) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=64)


@st.composite
def matrices(draw, n=batch, d=dims, lo: float = -3.0, hi: float = 3.0) -> np.ndarray:
    """A float64 array of shape (n, d) with values in [lo, hi]."""
    shape = (draw(n) if not isinstance(n, int) else n, draw(d) if not isinstance(d, int) else d)
    return draw(hnp.arrays(np.float64, shape, elements=floats(lo, hi)))


def away_from_zero(x: np.ndarray, margin: float = 1e-2) -> np.ndarray:
    """Push every entry at least ``margin`` away from 0 (keeps finite differences off kinks)."""
    return np.where(x >= 0, x + margin, x - margin)


def vjp_numeric(fn, x: np.ndarray, G: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Numerical gradient of the scalar ``sum(G * fn(x))`` with respect to ``x``."""
    from bpkit.gradcheck import numerical_gradient

    return numerical_gradient(lambda: float(np.sum(G * fn(x))), x, h)


def assert_gradients_match(analytic, numeric, what: str = "gradient") -> None:
    """rel_error below 1e-6, or (when the true gradient is ~0) differences below rounding noise."""
    from bpkit.gradcheck import rel_error

    analytic, numeric = np.asarray(analytic), np.asarray(numeric)
    assert analytic.shape == numeric.shape, f"{what}: shape {analytic.shape} vs {numeric.shape}"
    err = rel_error(analytic, numeric)
    max_abs = float(np.max(np.abs(analytic - numeric)))
    assert err < 1e-6 or max_abs < 1e-10, f"{what}: rel_error {err:.2e}, max abs diff {max_abs:.2e}"
