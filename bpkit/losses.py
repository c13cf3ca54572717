"""Loss functions. Each returns ``(L, dL/dinput)`` for a batch whose rows are examples.

``L`` is the batch MEAN of the per-example losses (a Python float), and the returned gradient is
the true gradient of that mean, so it already contains the ``1/n``. In the notebooks' notation the
gradient equals ``delta / n``, where the rows of ``delta`` are the per-example deltas.

All three are stable for any finite input (logits of +-1e4 give finite values and no warning):
binary cross-entropy uses ``log(1 + exp(z))`` in logaddexp form and softmax cross-entropy uses
log-softmax, so no probability is ever rounded to 0 and then logged.

Inputs are checked like every bpkit entry point (see :mod:`bpkit._validate`), with the messages
:func:`~bpkit.train.fit` gives:

- targets ``y`` must hold numbers: strings are rejected (``y must hold numbers, got dtype <U3``),
  never converted. Bool targets count as 0 and 1, so ``y = x > 0`` works with every loss, and
  bool class labels of shape (n,) for ``softmax_cross_entropy`` mean class 0 and class 1;
- a NaN or infinite value in either argument is an error naming the argument and the first bad
  index (``mse: y_hat contains NaN values (1 NaN, 0 inf; first at index (0, 0)). Check the data
  and the learning rate.``), not a NaN loss.

A training loop needs one exception: when a run diverges (eta too large) the predictions become
inf or NaN, and the loop should see a non-finite ``L`` and stop, not crash. ``check_finite=False``
turns the check of the *predictions* off (targets are still checked), and :func:`get_loss` returns
the losses in that form; ``fit`` uses it to report ``history.diverged``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
from numpy.typing import ArrayLike

from bpkit._validate import check_finite as _reject_nonfinite
from bpkit._validate import lookup
from bpkit.functional import shifted_exp, sigmoid, softplus

LossFn = Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]


def _prediction(x: ArrayLike, name: str, what: str, check_finite: bool) -> np.ndarray:
    x = np.asarray(x)
    if x.dtype.kind != "f":
        if x.dtype.kind not in "biu":
            raise ValueError(f"{name}: {what} must hold numbers, got dtype {x.dtype}")
        x = x.astype(np.float64)
    if x.ndim not in (1, 2) or x.shape[0] == 0:
        raise ValueError(
            f"{name}: {what} must have shape (n,) or (n, k) with n >= 1, got {x.shape}"
        )
    if check_finite:
        _reject_nonfinite(x, f"{name}: {what}")
    return x


def _numeric_targets(y: ArrayLike, name: str) -> np.ndarray:
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":  # the message fit gives; strings are never parsed as numbers
        raise ValueError(f"{name}: y must hold numbers, got dtype {y.dtype}")
    return y


def _targets_like(x: np.ndarray, y: ArrayLike, name: str, what: str) -> np.ndarray:
    """``y`` with ``x``'s shape and dtype, checked; (n,) and (n, 1) are accepted for each other.

    Bool targets become 0.0 and 1.0.
    """
    y = _numeric_targets(y, name)
    if y.ndim == 0 or y.shape[0] != x.shape[0]:
        got = y.shape[0] if y.ndim else 0
        raise ValueError(
            f"{name}: {what} has {x.shape[0]} rows but y has {got} labels "
            f"(shapes {x.shape} and {y.shape}); they must match one to one"
        )
    if y.shape != x.shape:
        if y.size != x.size:
            raise ValueError(f"{name}: y has shape {y.shape} but {what} has shape {x.shape}")
        y = y.reshape(x.shape)
    y = y.astype(x.dtype, copy=False)
    _reject_nonfinite(y, f"{name}: y")  # after the cast: 1e300 is inf in float32
    return y


def mse(y_hat: ArrayLike, y: ArrayLike, *, check_finite: bool = True) -> tuple[float, np.ndarray]:
    """Mean squared error ``L = sum((y - y_hat)**2) / (2n)``.

    Args:
        y_hat: predictions of shape (n, k) or (n,).
        y: numeric targets of the same shape ((n,) and (n, 1) are interchangeable); bools count
            as 0 and 1.
        check_finite: reject NaN/inf in ``y_hat`` (True), or let them give a non-finite ``L``
            (False, the training-loop form; ``y`` is checked either way).

    Returns:
        (L, dL/dy_hat) with ``dL/dy_hat = (y_hat - y) / n``, shaped like ``y_hat``.

    Raises:
        ValueError: naming the problem: mismatched shapes, non-numeric targets, NaN or inf.
    """
    y_hat = _prediction(y_hat, "mse", "y_hat", check_finite)
    y = _targets_like(y_hat, y, "mse", "y_hat")
    n = y_hat.shape[0]
    diff = y_hat - y
    L = float(np.vdot(diff, diff)) / (2 * n)
    diff /= n
    return L, diff


def binary_cross_entropy(
    logits: ArrayLike, y: ArrayLike, *, check_finite: bool = True
) -> tuple[float, np.ndarray]:
    """Binary cross-entropy on logits ``z`` (the sigmoid is built in), batch mean.

    Per example ``l = -[y log sigmoid(z) + (1 - y) log(1 - sigmoid(z))]
    = log(1 + exp(z)) - y z``, computed as ``logaddexp(0, z) - y z`` so it never overflows.
    With several outputs per example (shape (n, k)) the k losses are summed, then averaged over n.

    Args:
        logits: z of shape (n,) or (n, k) (k = 1 for a single binary output).
        y: numeric targets in [0, 1] with the same number of rows; bools count as 0 and 1.
        check_finite: reject NaN/inf in ``logits`` (True), or let them give a non-finite ``L``
            (False, the training-loop form; ``y`` is checked either way).

    Returns:
        (L, dL/dlogits) with ``dL/dz = (sigmoid(z) - y) / n``, shaped like ``logits``.

    Raises:
        ValueError: naming the problem: mismatched shapes, non-numeric targets, targets outside
            [0, 1], NaN or inf.
    """
    z = _prediction(logits, "binary_cross_entropy", "logits", check_finite)
    y = _targets_like(z, y, "binary_cross_entropy", "logits")
    if y.min() < 0 or y.max() > 1:
        raise ValueError(
            f"binary_cross_entropy: y must lie in [0, 1], got values from {y.min()} to {y.max()}"
        )
    n = z.shape[0]
    L = float(np.sum(softplus(z)) - np.vdot(y, z)) / n
    grad = sigmoid(z)
    grad -= y
    grad /= n
    return L, grad


def _int_labels(y: np.ndarray, n: int, k: int) -> np.ndarray:
    name = "softmax_cross_entropy"
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(
            f"{name}: logits have {n} rows but y has shape {y.shape}; give one integer label per "
            f"row, shape ({n},), or one-hot targets of shape ({n}, {k})"
        )
    if y.dtype.kind == "f":
        _reject_nonfinite(y, f"{name}: y")
        if not np.all(y == np.round(y)):
            raise ValueError(f"{name}: labels of shape (n,) must be integer class indices")
        y = y.astype(np.int64)
    elif y.dtype.kind == "b":
        # False/True are classes 0 and 1. Left as bools, they would index as a mask.
        y = y.astype(np.int64)
    elif y.dtype.kind not in "iu":
        raise ValueError(f"{name}: labels must be integers, got dtype {y.dtype}")
    if y.min() < 0 or y.max() >= k:
        raise ValueError(
            f"{name}: labels must be class indices in [0, {k}), got values from {y.min()} to "
            f"{y.max()}"
        )
    return y


def softmax_cross_entropy(
    logits: ArrayLike, y: ArrayLike, *, check_finite: bool = True
) -> tuple[float, np.ndarray]:
    """Softmax cross-entropy on logits, batch mean: ``L = -mean(log softmax(z)[i, y_i])``.

    Args:
        logits: z of shape (n, k).
        y: integer class labels of shape (n,), or one-hot (or probability) targets of shape
            (n, k). Bool labels of shape (n,) are classes 0 (False) and 1 (True).
        check_finite: reject NaN/inf in ``logits`` (True), or let them give a non-finite ``L``
            (False, the training-loop form; ``y`` is checked either way).

    Returns:
        (L, dL/dlogits) with ``dL/dz = (softmax(z) - onehot(y)) / n``, shape (n, k).

    Raises:
        ValueError: naming the problem: mismatched shapes, labels that are not class indices in
            [0, k), non-numeric targets, NaN or inf.
    """
    z = _prediction(logits, "softmax_cross_entropy", "logits", check_finite)
    if z.ndim != 2:
        raise ValueError(f"softmax_cross_entropy: logits must have shape (n, k), got {z.shape}")
    n, k = z.shape
    y = _numeric_targets(y, "softmax_cross_entropy")
    # log softmax(z) = shifted - log(row_sum), softmax(z) = exp / row_sum (see shifted_exp)
    shifted, exp, row_sum = shifted_exp(z)
    grad = exp / row_sum  # softmax(z)
    if y.ndim == 2:
        y = _targets_like(z, y, "softmax_cross_entropy", "logits")
        L = -float(np.vdot(y, shifted - np.log(row_sum))) / n
        grad *= y.sum(axis=1, keepdims=True)  # = 1 for one-hot or probability rows
        grad -= y
    else:
        labels = _int_labels(y, n, k)
        rows = np.arange(n)
        L = float(np.sum(np.log(row_sum[:, 0]) - shifted[rows, labels])) / n
        grad[rows, labels] -= 1
    grad /= n
    return L, grad


LOSSES: dict[str, LossFn] = {
    "mse": mse,
    "bce": binary_cross_entropy,
    "softmax_ce": softmax_cross_entropy,
}

_ALIASES = {
    "binary_cross_entropy": "bce",
    "softmax_cross_entropy": "softmax_ce",
    "cross_entropy": "softmax_ce",
    "ce": "softmax_ce",
}


def get_loss(name: str | LossFn) -> LossFn:
    """A loss function by name, in its training-loop form (another callable is returned as is).

    Names: "mse", "bce" or "softmax_ce" (also "binary_cross_entropy", "softmax_cross_entropy",
    "cross_entropy", "ce"). The function returned is the named loss with ``check_finite=False``:
    a diverging run's inf or NaN predictions give a non-finite ``L`` that the loop can test
    (``math.isfinite(L)``) instead of an error; the targets are still checked.

    Raises:
        ValueError: for an unknown name; the message lists the valid names.
    """
    if callable(name):  # bpkit's own losses get their training-loop form too
        own = next((fn for fn in LOSSES.values() if fn is name), None)
        return name if own is None else partial(own, check_finite=False)
    return partial(lookup("loss", name, LOSSES, _ALIASES), check_finite=False)
