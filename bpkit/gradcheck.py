"""Gradient checking: compare backpropagated gradients with finite differences.

The central difference ``(f(x + h) - f(x - h)) / (2h)`` has error O(h**2), so with h = 1e-5 in
float64 a correct backward pass agrees to about 1e-9 relative error and a wrong one (a missing
transpose, a missing 1/n, a sign error) is off by order 1.

Three modes, all reported the same way (``GradCheckReport``):

* ``"full"``: every entry of every parameter; 2 forward passes per entry (slow but exact).
* ``"sparse"``: ``k`` random entries per parameter; 2k forward passes per parameter.
* ``"directional"``: one random unit direction ``v`` over ALL parameters at once. The derivative
  along ``v`` is ``g . v``; the numerical one needs just two forward passes,
  ``(f(theta + h v) - f(theta - h v)) / 2h``. Any wrong gradient entry shifts ``g . v``, so this
  catches bugs almost surely at the cost of one extra forward/backward, even for big networks.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from bpkit._validate import SeedLike, as_array, check_finite, rng
from bpkit.layers import Layer
from bpkit.losses import get_loss

MODES = ("full", "sparse", "directional")


# ----- the numerical building blocks -----------------------------------------------------------
def default_step(dtype: DTypeLike, mode: str = "full") -> float:
    """Finite-difference step h for ``dtype`` and check mode.

    float64: 1e-5 per entry, 1e-4 along a unit direction (each entry then moves only by about
    h / sqrt(n_params), so a larger h keeps f's rounding error small against g . v).
    float32: 1e-2, since rounding in the float32 forward pass dominates.
    """
    if np.dtype(dtype).itemsize < 8:
        return 1e-2
    return 1e-4 if mode == "directional" else 1e-5


def tolerance(dtype: DTypeLike) -> float:
    """Largest ``rel_error`` accepted by the checks: 1e-6 for float64, 5e-2 for float32.

    A float32 forward pass rounds at about 1e-7 relative, which finite differences amplify to
    1e-3..1e-2 on real networks, so a float32 check only catches gross errors (transposes,
    missing factors, sign errors). Check in float64 to catch everything.
    """
    return 1e-6 if np.dtype(dtype).itemsize >= 8 else 5e-2


def _abs_floor(dtype: DTypeLike) -> float:
    """Differences below this are rounding noise, even when both gradients are ~0."""
    return 1e-10 if np.dtype(dtype).itemsize >= 8 else 1e-5


def _scalar(value: Any) -> float:
    if not isinstance(value, np.ndarray | np.generic):
        value = getattr(value, "data", value)  # an autodiff Value (numpy's .data is a buffer)
    if np.ndim(value) != 0:
        raise ValueError(f"f must return a scalar, got an array of shape {np.shape(value)}")
    return float(value)


def _caller(f: Callable[..., Any]) -> Callable[[np.ndarray], float]:
    """Call ``f(x)``, or ``f()`` when f takes no arguments (a closure over x)."""
    try:
        takes_x = bool(inspect.signature(f).parameters)
    except (TypeError, ValueError):
        takes_x = True
    return (lambda x: _scalar(f(x))) if takes_x else (lambda x: _scalar(f()))


def numerical_gradient(
    f: Callable[..., Any],
    x: np.ndarray,
    h: float | None = None,
    indices: Iterable[Any] | None = None,
) -> np.ndarray:
    """Central-difference gradient of the scalar function ``f`` at ``x``.

    ``x`` is perturbed IN PLACE, one entry at a time, and each entry is restored exactly
    afterwards (the saved value is written back), so ``f`` can close over arrays that share
    memory with ``x`` (a layer's ``W``, say).

    Args:
        f: ``f(x) -> float`` (or ``f() -> float`` closing over ``x``).
        x: float ndarray of any shape.
        h: step; None picks 1e-5 for float64 (see ``default_step``).
        indices: entries to differentiate (tuples, or ints for 1-D x); None means all.

    Returns:
        float64 array shaped like ``x`` when ``indices`` is None, else a 1-D array with one
        derivative per index, in order.
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError("numerical_gradient perturbs x in place, so x must be a float ndarray")
    h = default_step(x.dtype) if h is None else float(h)
    if not h > 0:
        raise ValueError(f"numerical_gradient: h must be > 0, got {h}")
    call = _caller(f)
    whole = indices is None
    index_list = list(np.ndindex(x.shape)) if whole else list(indices)
    out = np.empty(len(index_list))
    for j, idx in enumerate(index_list):
        old = x[idx].copy()
        x[idx] = old + h
        step_up = float(x[idx]) - float(old)  # the step actually stored (rounding in float32)
        f_plus = call(x)
        x[idx] = old - h
        step_down = float(old) - float(x[idx])
        f_minus = call(x)
        x[idx] = old
        out[j] = (f_plus - f_minus) / (step_up + step_down)
    return out.reshape(x.shape) if whole else out


def rel_error(a: ArrayLike, b: ArrayLike) -> float:
    """``max|a - b| / max(|a| + |b|)``: 0 for equal arrays, about 1 for unrelated ones.

    The maximum is taken over all entries, so entries that are nearly 0 in both arrays do not
    blow the ratio up. Two all-zero arrays give 0.

    Raises:
        ValueError: if the shapes differ (often a transposed gradient).
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} vs {b.shape} (a transpose?)")
    if a.size == 0:
        return 0.0
    scale = float(np.max(np.abs(a) + np.abs(b)))
    return float(np.max(np.abs(a - b))) / max(scale, np.finfo(np.float64).tiny)


# ----- the report -------------------------------------------------------------------------------
@dataclass
class GradCheckEntry:
    """The comparison for one parameter (or, in directional mode, one direction).

    Attributes:
        name: parameter name ("W", "0.W", "input", or "W, b" for a direction over several).
        shape: the parameter's shape.
        n_checked: how many numbers were compared.
        rel_error: ``rel_error(analytic, numeric)`` over the compared entries.
        max_abs_error: largest ``|analytic - numeric|``.
        worst: up to 3 ``(index, analytic, numeric)`` with the largest differences.
        ok: whether this entry passed.
    """

    name: str
    shape: tuple[int, ...]
    n_checked: int
    rel_error: float
    max_abs_error: float
    worst: list[tuple[Any, float, float]]
    ok: bool


@dataclass
class GradCheckReport:
    """Result of ``check_layer`` / ``check_model``: one entry per parameter; ``ok`` if all pass."""

    mode: str
    dtype: str
    tol: float
    entries: list[GradCheckEntry] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(e.ok for e in self.entries)

    def assert_ok(self) -> None:
        """Raise AssertionError with the full table if any entry failed."""
        if not self.ok:
            raise AssertionError(str(self))

    def __str__(self) -> str:
        verdict = "PASSED" if self.ok else "FAILED"
        w = max([len("parameter")] + [len(e.name) for e in self.entries]) + 2
        s = max([len("shape")] + [len(str(e.shape)) for e in self.entries]) + 2
        lines = [
            f"gradient check ({self.mode}, {self.dtype}, tol {self.tol:.0e}): {verdict}",
            f"  {'parameter':<{w}}{'shape':<{s}}{'checked':>8}  {'rel_error':>9}  status",
        ]
        for e in self.entries:
            status = "ok" if e.ok else "WRONG"
            lines.append(
                f"  {e.name:<{w}}{str(e.shape):<{s}}{e.n_checked:>8}  {e.rel_error:9.1e}  {status}"
            )
        for e in self.entries:
            if e.ok:
                continue
            lines.append(f"  worst entries of {e.name} (index: analytic vs numeric):")
            for idx, ana, num in e.worst:
                lines.append(f"    {idx}: {ana:.6g} vs {num:.6g}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        worst = max((e.rel_error for e in self.entries), default=0.0)
        return f"<GradCheckReport {self.mode} ok={self.ok} max rel_error={worst:.1e}>"


def _entry(name, shape, index, analytic, numeric, dtype) -> GradCheckEntry:
    """Compare 1-D ``analytic`` and ``numeric`` values taken at ``index`` (a list of indices)."""
    analytic = np.asarray(analytic, dtype=np.float64)
    diff = np.abs(analytic - numeric)
    err = rel_error(analytic, numeric)
    max_abs = float(diff.max()) if diff.size else 0.0
    worst = [(index[i], float(analytic[i]), float(numeric[i])) for i in np.argsort(-diff)[:3]]
    ok = err <= tolerance(dtype) or max_abs <= _abs_floor(dtype)
    return GradCheckEntry(name, tuple(shape), len(numeric), err, max_abs, worst, ok)


# ----- the three modes --------------------------------------------------------------------------
def _compare(
    targets: dict[str, np.ndarray],
    analytic: dict[str, np.ndarray],
    f: Callable[[], float],
    mode: str,
    k: int,
    g: np.random.Generator,
    h: float,
    dtype: np.dtype,
    groups: Sequence[Sequence[str]],
) -> list[GradCheckEntry]:
    """Check ``analytic[name]`` against finite differences of ``f`` wrt ``targets[name]``."""
    entries = []
    if mode == "directional":
        for names in groups:
            entries.append(_directional(targets, analytic, f, names, g, h, dtype))
        return entries
    for name, x in targets.items():
        if mode == "full":
            index = list(np.ndindex(x.shape))
        else:
            flat = g.choice(x.size, size=min(k, x.size), replace=False)
            index = [tuple(int(i) for i in np.unravel_index(j, x.shape)) for j in np.sort(flat)]
        picked = [analytic[name][idx] for idx in index]
        numeric = numerical_gradient(f, x, h, index)
        entries.append(_entry(name, x.shape, index, picked, numeric, dtype))
    return entries


def _directional(targets, analytic, f, names, g, h, dtype) -> GradCheckEntry:
    """One random unit direction ``v`` over the parameters ``names``; two calls of ``f``.

    Compares ``(f(theta + h v) - f(theta - h v)) / 2h`` with ``g . v``.
    """
    sizes = [targets[n].size for n in names]
    # Entries uniform in [-1, 1): any random direction works for the check, and these draws are
    # several times cheaper than normal ones.
    v = g.random(sum(sizes), dtype=np.float32 if dtype == np.float32 else np.float64)
    v -= 0.5
    v *= h / np.linalg.norm(v)  # the step h v, with |v| = 1
    steps = np.split(v, np.cumsum(sizes)[:-1])
    steps = {n: step.reshape(targets[n].shape) for n, step in zip(names, steps, strict=True)}
    g_dot_v = sum(float(np.vdot(analytic[n], steps[n])) for n in names) / h  # before any f()
    saved = {n: targets[n].copy() for n in names}
    for n in names:
        targets[n] += steps[n]  # theta + h v
    f_plus = f()
    for n in names:
        np.subtract(saved[n], steps[n], out=targets[n])  # theta - h v
    f_minus = f()
    for n in names:
        targets[n][...] = saved[n]  # restore exactly
    label = ", ".join(names) if len(names) <= 3 else f"all {len(names)} parameters"
    numeric = np.array([(f_plus - f_minus) / (2 * h)])
    return _entry(label, (sum(sizes),), ["direction"], [g_dot_v], numeric, dtype)


def _frozen_randomness(layers: Iterable[Layer]) -> Callable[[], None]:
    """A function that rewinds every layer's random generator (Dropout) to its current state.

    Called before each forward pass, so all passes of one check draw the same dropout mask.
    """
    gens = [
        layer.rng
        for layer in layers
        if isinstance(getattr(layer, "rng", None), np.random.Generator)
    ]
    states = [gen.bit_generator.state for gen in gens]

    def rewind() -> None:
        for gen, state in zip(gens, states, strict=True):
            gen.bit_generator.state = state

    return rewind


def _check_mode(mode: str, k: int) -> None:
    if mode not in MODES:
        raise ValueError(f"unknown gradcheck mode {mode!r}; valid modes are: {', '.join(MODES)}")
    if mode == "sparse" and (not isinstance(k, int | np.integer) or k < 1):
        raise ValueError(f"sparse mode needs k >= 1 entries per parameter, got k={k!r}")


# ----- public checks ----------------------------------------------------------------------------
def check_layer(
    layer: Layer,
    X: ArrayLike,
    mode: str = "full",
    k: int = 10,
    seed: SeedLike = 0,
    h: float | None = None,
) -> GradCheckReport:
    """Check a layer's ``backward`` (parameter grads AND input grad) against finite differences.

    A random upstream gradient ``G`` (shaped like the output) turns the layer into the scalar
    ``f = sum(G * layer.forward(X))``, whose gradient is exactly what ``backward(G)`` must
    return: a vector-Jacobian product, which tests every output, not just a sum of them.

    Args:
        layer: any Layer; checked in its current train/eval mode (dropout masks are frozen).
        X: input of shape (n, d_in); copied, converted to the layer's dtype.
        mode: "full" | "sparse" | "directional" (one direction over the params, one for X).
        k: entries per parameter in sparse mode.
        seed: for G, the sparse indices and the directions.
        h: finite-difference step (None: by dtype).

    Returns:
        a GradCheckReport with entries for each parameter and "input".
    """
    _check_mode(mode, k)
    params = getattr(layer, "params", {})
    dtype = next(iter(params.values())).dtype if params else None
    X = as_array(X, "X", dtype=dtype).copy()
    if X.dtype.kind != "f":
        X = X.astype(np.float64)
    dtype = X.dtype
    g = rng(seed)
    rewind = _frozen_randomness([layer])
    out = layer.forward(X)
    G = g.standard_normal(out.shape)
    layer.zero_grad()
    d_input = layer.backward(G.astype(out.dtype))
    analytic = {name: grad.copy() for name, grad in layer.grads.items()}
    analytic["input"] = np.array(d_input, copy=True)
    targets = {**params, "input": X}

    def f() -> float:
        rewind()
        return float(np.vdot(G, layer.forward(X)))

    groups = [list(params), ["input"]] if params else [["input"]]
    h = default_step(dtype, mode) if h is None else h
    entries = _compare(targets, analytic, f, mode, k, g, h, dtype, groups)
    rewind()
    return GradCheckReport(mode, str(dtype), tolerance(dtype), entries)


def check_model(
    model: Any,
    X: ArrayLike,
    y: ArrayLike,
    loss: str | Callable = "mse",
    mode: str = "full",
    k: int = 10,
    seed: SeedLike = 0,
    h: float | None = None,
) -> GradCheckReport:
    """Check ``model.backward`` on a loss against finite differences, for every parameter.

    Args:
        model: a Sequential (anything with forward, backward, zero_grad, named_params,
            named_grads); checked in its current mode, with dropout masks frozen.
        X: input of shape (n, d_in).
        y: targets for ``loss``.
        loss: "mse" | "bce" | "softmax_ce" or a callable ``loss(out, y) -> (L, dL/dout)``.
        mode: "full" | "sparse" | "directional" (one direction over all parameters).
        k: entries per parameter in sparse mode.
        seed: for the sparse indices and the direction.
        h: finite-difference step (None: by dtype).

    Returns:
        a GradCheckReport with one entry per parameter ("0.W", "0.b", ...) or, in directional
        mode, a single entry covering all of them.
    """
    _check_mode(mode, k)
    loss_fn = get_loss(loss)
    params = model.named_params()
    if not params:
        raise ValueError("check_model: the model has no parameters to check")
    dtype = next(iter(params.values())).dtype
    X = as_array(X, "X", ndim=2, dtype=dtype)
    y = np.asarray(y)
    if y.dtype.kind == "f":
        check_finite(y, "y")
    g = rng(seed)
    rewind = _frozen_randomness(getattr(model, "layers", []))
    model.zero_grad()
    _, dout = loss_fn(model.forward(X), y)
    if "input_grad" in inspect.signature(model.backward).parameters:
        model.backward(dout, input_grad=False)  # dL/dX is not checked here
    else:
        model.backward(dout)
    analytic = model.named_grads()  # read before the forward-only passes below, so no copy

    def f() -> float:
        rewind()
        return loss_fn(model.forward(X), y)[0]

    h = default_step(dtype, mode) if h is None else h
    entries = _compare(params, analytic, f, mode, k, g, h, dtype, [list(params)])
    rewind()
    return GradCheckReport(mode, str(dtype), tolerance(dtype), entries)
