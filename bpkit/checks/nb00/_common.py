"""nb00: shared helpers: seeded inputs, mistakes that may not run, numpy's bare errors named."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bpkit.checks._core import MISSING_RETURN, CheckError, call
from bpkit.checks._messages import named_error, numpy_error_hint

Fn = Callable[..., Any]

NO_RETURN = MISSING_RETURN


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _maybe(make: Callable[[], Any]) -> Any:
    """What a mistake gives, or None when it would not even run on these shapes."""
    try:
        with np.errstate(all="ignore"):
            return make()
    except (ValueError, TypeError, ZeroDivisionError):
        return None


def _known(named: dict[str, Any]) -> dict[str, Any]:
    return {label: value for label, value in named.items() if value is not None}


# ----- numpy's bare errors, named ---------------------------------------------------------------
def _call(fn: Fn, *args: Any, what: str, names: dict[tuple[int, ...], str], **kw: Any) -> Any:
    """``call``, with numpy's broadcasting and matmul errors named by ``names``."""
    try:
        return call(fn, *args, what=what, **kw)
    except CheckError as error:
        raise named_error(error, numpy_error_hint(str(error), names)) from error.__cause__
