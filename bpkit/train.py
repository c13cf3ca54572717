"""One training loop for batch, stochastic and mini-batch gradient descent.

The three algorithms differ only in how many examples feed each update:

==========================  ==================  =========================
algorithm                   ``batch_size``      updates per epoch
==========================  ==================  =========================
batch gradient descent      ``None`` or ``n``   1
stochastic (SGD)            ``1``               ``n``
mini-batch                  ``k``               ``ceil(n / k)``
==========================  ==================  =========================

so :func:`fit` is a single loop with ``batch_size`` as the knob.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bpkit._validate import as_array, rng
from bpkit.optim import SGD, UpdateRule, get_optimizer
from bpkit.progress import ProgressBar

__all__ = ["History", "accuracy", "evaluate", "fit", "minibatches"]

LossFn = Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]
MetricFn = Callable[[np.ndarray, np.ndarray], float]
LOSS_NAMES = ("mse", "bce", "softmax_ce")


@dataclass
class History:
    """What happened during :func:`fit`, one entry per epoch (epochs count from 0).

    Attributes:
        loss: training loss per epoch, *including* the L1/L2 penalty. It is the running mean
            of the mini-batch losses seen during the epoch (weighted by batch size), in training
            mode, so it lags the weights at the end of the epoch a little.
        penalty: the L1 + L2 part of ``loss`` (all zeros without regularisation).
        val_loss: data loss on the validation set at the end of each epoch, in eval mode
            (empty without validation data).
        metric, val_metric: the metric on the training batches (running mean) and on the
            validation set (empty without a metric).
        eta: learning rate used in each epoch.
        update_loss: the loss of every single update, in order (shows the noise of SGD).
        best_epoch: epoch with the lowest ``val_loss`` (None without validation data).
        stopped_epoch: last epoch run when early stopping, a callback or divergence ended
            training early; None if all epochs ran.
        n_updates: total number of parameter updates.
        diverged: True if the loss became inf or NaN (training stops; try a smaller eta).
    """

    loss: list[float] = field(default_factory=list)
    penalty: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    metric: list[float] = field(default_factory=list)
    val_metric: list[float] = field(default_factory=list)
    eta: list[float] = field(default_factory=list)
    update_loss: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_epoch: int | None = None
    n_updates: int = 0
    diverged: bool = False

    def __getitem__(self, key: str) -> Any:
        """``h["loss"]`` is ``h.loss`` (dict-style access, as in Keras)."""
        if key not in self.__dataclass_fields__:
            raise KeyError(
                f"History has no field {key!r}; fields: {list(self.__dataclass_fields__)}"
            )
        return getattr(self, key)

    @property
    def epochs(self) -> int:
        """Number of epochs that ran."""
        return len(self.loss)


def minibatches(
    n: int, batch_size: int, seed: int | np.random.Generator | None = 0
) -> Iterator[np.ndarray]:
    """Yield index arrays that split ``range(n)`` into shuffled batches.

    Every index appears exactly once; all batches have ``batch_size`` entries except possibly the
    last, which holds the remainder. Passing a Generator draws a new permutation on every call
    (this is how :func:`fit` reshuffles each epoch); passing an int repeats the same one.

    Args:
        n: number of examples.
        batch_size: examples per batch, 1 <= batch_size <= n.
        seed: int, Generator or None.

    Yields:
        idx: int array of shape (batch_size,) (the last may be shorter).
    """
    _check_batch_size(batch_size, n)
    order = rng(seed).permutation(n)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]


def _check_batch_size(batch_size: Any, n: int) -> None:
    if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer):
        raise TypeError(
            f"batch_size must be an int (or None for the full batch), got {batch_size!r}"
        )
    if not 1 <= batch_size <= n:
        raise ValueError(
            f"batch_size must be between 1 and n={n} (the number of examples), got {batch_size}"
        )


def accuracy(output: np.ndarray, y: np.ndarray, threshold: float = 0.5) -> float:
    """Fraction of correct predictions.

    Args:
        output: model output of shape (n, k) with k >= 2 (class = argmax of the row), or of
            shape (n,) / (n, 1) for two classes (class 1 when ``output > threshold``).
        y: labels of shape (n,) (ints), or one-hot / 0-1 targets of shape (n, k).
        threshold: decision threshold for a single output: 0.5 for probabilities (sigmoid or
            MSE outputs), 0.0 for logits (``fit`` uses 0.0 when the loss is ``"bce"``).
    """
    output = np.asarray(output)
    y = np.asarray(y)
    if output.ndim == 2 and output.shape[1] > 1:
        pred = output.argmax(axis=1)
        labels = y.argmax(axis=1) if y.ndim == 2 else y
    else:
        pred = (output.reshape(-1) > threshold).astype(np.int64)
        labels = y.reshape(-1)
    if labels.shape[0] != pred.shape[0]:
        raise ValueError(f"accuracy: output has {pred.shape[0]} rows but y has {labels.shape[0]}")
    return float(np.mean(pred == labels))


def _resolve_loss(loss: str | LossFn) -> LossFn:
    from bpkit.losses import get_loss

    if callable(loss) or (isinstance(loss, str) and loss in LOSS_NAMES):
        return get_loss(loss)  # a diverging run then gives an inf/NaN loss, not an error
    raise ValueError(
        f"unknown loss {loss!r}; use one of {', '.join(map(repr, LOSS_NAMES))} "
        "or a function loss(output, y) -> (L, dL/doutput)"
    )


def _resolve_metric(metric: str | MetricFn | None, loss: str | LossFn) -> MetricFn | None:
    if metric is None or callable(metric):
        return metric
    if metric == "accuracy":
        threshold = 0.0 if loss == "bce" else 0.5  # bce models output logits

        def acc(output: np.ndarray, y: np.ndarray) -> float:
            return accuracy(output, y, threshold)

        return acc
    raise ValueError(
        f"unknown metric {metric!r}; use 'accuracy', a function metric(output, y) -> float, or None"
    )


def evaluate(
    model: Any, X: np.ndarray, y: np.ndarray, loss: str | LossFn = "mse", metric: Any = None
) -> tuple[float, float | None]:
    """Data loss (and metric) of ``model`` on ``(X, y)`` in eval mode (no dropout).

    Args:
        model: a Sequential (anything with ``predict``).
        X: array of shape (n, d_in).
        y: targets, n rows.
        loss: loss name or function, as in :func:`fit`.
        metric: None, ``"accuracy"`` or a function ``metric(output, y) -> float``.

    Returns:
        ``(L, metric_value)``; ``metric_value`` is None without a metric.
    """
    loss_fn = _resolve_loss(loss)
    metric_fn = _resolve_metric(metric, loss)
    X, y = _check_xy(X, y, "X", "y", _model_dtype(model), loss)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        out = model.predict(X)
        L, _ = loss_fn(out, y)
    return float(L), (None if metric_fn is None else float(metric_fn(out, y)))


def _model_dtype(model: Any) -> np.dtype:
    params = model.named_params()
    return next(iter(params.values())).dtype if params else np.dtype(np.float64)


def _check_xy(
    X: Any, y: Any, xname: str, yname: str, dtype: np.dtype, loss: Any
) -> tuple[np.ndarray, np.ndarray]:
    X = as_array(X, xname, ndim=2)
    if X.dtype != dtype:
        X = X.astype(dtype)
    y = as_array(y, yname)
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        got = "a scalar" if y.ndim == 0 else f"{y.shape[0]} rows"
        raise ValueError(
            f"{xname} has {X.shape[0]} rows (examples) but {yname} has {got}; they must match"
        )
    if loss in ("mse", "bce"):
        if y.ndim == 1:
            y = y.reshape(-1, 1)  # one target per example -> column, like the model output
        if y.dtype != dtype:
            y = y.astype(dtype)
    return X, y


def fit(
    model: Any,
    X: np.ndarray,
    y: np.ndarray,
    *,
    loss: str | LossFn = "mse",
    eta: float | None = None,
    batch_size: int | None = None,
    epochs: int = 10,
    seed: int | np.random.Generator | None = 0,
    momentum: float = 0.0,
    l2: float = 0.0,
    l1: float = 0.0,
    clip_norm: float | None = None,
    schedule: Callable[[int], float] | None = None,
    X_val: np.ndarray | None = None,
    y_val: np.ndarray | None = None,
    patience: int | None = None,
    metric: str | MetricFn | None = None,
    progress: bool | None = None,
    callback: Callable[[int, History], Any] | None = None,
    optimizer: str | UpdateRule | None = None,
) -> History:
    """Train ``model`` by gradient descent; the same loop for batch, SGD and mini-batch.

    Each epoch shuffles the examples (from ``seed``), splits them into batches of
    ``batch_size`` and for each batch does forward -> loss -> backward -> :class:`~bpkit.optim.SGD`
    step. (A full batch is used as it is: its gradient does not depend on the order.) The same
    seed gives the same history and weights. If the loss becomes inf or NaN (eta too large),
    training stops and ``history.diverged`` is True; no numpy warnings are printed.

    Args:
        model: a Sequential (``forward``, ``backward``, ``named_params``, ...).
        X: inputs of shape (n, d_in); cast to the model's dtype.
        y: targets with n rows: (n,) int labels for ``"softmax_ce"``, (n,) or (n, k) for
            ``"mse"``/``"bce"``.
        loss: ``"mse"``, ``"bce"`` (on logits), ``"softmax_ce"`` (on logits), or a function
            ``loss(output, y) -> (L, dL/doutput)`` where dL/doutput includes the 1/n.
        eta: learning rate (ignored when ``schedule`` is given). None means 0.1, or the
            optimizer's own eta (an object's, or its class default when given by name).
        batch_size: None or n = batch GD, 1 = SGD, k = mini-batch.
        epochs: passes over the data.
        seed: shuffling seed (int, Generator or None).
        momentum, l2, l1, clip_norm: passed to :class:`~bpkit.optim.SGD`.
        schedule: ``schedule(epoch) -> eta``, e.g. :func:`~bpkit.optim.step_schedule`.
        X_val, y_val: validation data, evaluated in eval mode after every epoch.
        patience: early stopping: stop after ``patience`` epochs without a lower ``val_loss``,
            then restore the weights of the best epoch. Needs validation data.
        metric: None, ``"accuracy"`` or ``metric(output, y) -> float``.
        progress: None = show a bar only if training takes more than ~2 s, True = always,
            False = never. It is tqdm's widget in Jupyter and a text bar on stdout elsewhere;
            while nbgrader grades (``bpkit.env.is_grading()``) no bar is shown.
        callback: ``callback(epoch, history)`` after every epoch; returning True stops.
        optimizer: the update rule: None (plain SGD, or momentum with ``momentum``), a name
            (``"sgd"``, ``"momentum"``, ``"nesterov"``, ``"rmsprop"``, ``"adam"``; see
            :func:`~bpkit.optim.get_optimizer`) or an :class:`~bpkit.optim.UpdateRule` object
            such as ``Adam(eta=1e-3)``. An object keeps its state between calls (training
            resumes), and a given ``eta`` is set on it. ``momentum`` sets ``beta`` of
            ``"sgd"``/``"momentum"``/``"nesterov"`` given by name; with other rules it is an error.

    Returns:
        A :class:`History`.
    """
    loss_fn = _resolve_loss(loss)
    metric_fn = _resolve_metric(metric, loss)
    dtype = _model_dtype(model)
    X, y = _check_xy(X, y, "X", "y", dtype, loss)
    n = X.shape[0]
    batch_size = n if batch_size is None else batch_size
    _check_batch_size(batch_size, n)
    if isinstance(epochs, bool) or not isinstance(epochs, int | np.integer) or epochs < 0:
        raise ValueError(f"epochs must be an int >= 0, got {epochs!r}")
    if (X_val is None) != (y_val is None):
        raise ValueError("give both X_val and y_val, or neither")
    has_val = X_val is not None
    if has_val:
        X_val, y_val = _check_xy(X_val, y_val, "X_val", "y_val", dtype, loss)
        if X_val.shape[1] != X.shape[1]:
            raise ValueError(f"X_val has {X_val.shape[1]} features but X has {X.shape[1]}")
    if patience is not None:
        if not has_val:
            raise ValueError(
                "early stopping (patience) needs validation data: pass X_val and y_val"
            )
        if isinstance(patience, bool) or not isinstance(patience, int | np.integer) or patience < 1:
            raise ValueError(f"patience must be an int >= 1 or None, got {patience!r}")

    if optimizer is None:
        eta = 0.1 if eta is None else eta
        opt = SGD(model, eta=eta, momentum=momentum, l2=l2, l1=l1, clip_norm=clip_norm)
    else:
        rule = _resolve_optimizer(optimizer, eta, momentum)
        opt = SGD(model, eta=rule.eta, l2=l2, l1=l1, clip_norm=clip_norm, rule=rule)
    shuffle = rng(seed)
    history = History()
    bar = ProgressBar(epochs, enabled=progress)
    best_val, best_weights, waited = math.inf, None, 0
    was_training = getattr(model, "training", True)
    first = True
    skip_input_grad = "input_grad" in inspect.signature(model.backward).parameters

    # Diverging runs (eta too large) overflow; that is reported in the history, not as warnings.
    # The bar ends its line even if training is interrupted.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"), bar:
        for epoch in range(epochs):
            if schedule is not None:
                opt.eta = float(schedule(epoch))
            model.train()
            total_loss = total_penalty = total_metric = 0.0
            batches = [None] if batch_size == n else minibatches(n, batch_size, shuffle)
            for idx in batches:
                Xb, yb = (X, y) if idx is None else (X[idx], y[idx])
                out = model.forward(Xb)
                L, dout = loss_fn(out, yb)
                if first:
                    _check_loss_output(L, dout, out)
                    first = False
                L = float(L)
                if not math.isfinite(L):
                    history.diverged = True
                    diverged_loss = L
                    break
                # Layers overwrite (not accumulate) their grads, so no zero_grad is needed.
                if skip_input_grad:
                    model.backward(dout, input_grad=False)  # dL/dX is not needed to train
                else:
                    model.backward(dout)
                opt.step()
                history.n_updates += 1
                history.update_loss.append(L + opt.penalty)
                m = len(Xb)
                total_loss += L * m
                total_penalty += opt.penalty * m
                if metric_fn is not None:
                    total_metric += float(metric_fn(out, yb)) * m
            if history.diverged:
                history.loss.append(diverged_loss)
                history.penalty.append(math.nan)
                history.eta.append(opt.eta)
                history.stopped_epoch = epoch
                break
            history.loss.append((total_loss + total_penalty) / n)
            history.penalty.append(total_penalty / n)
            history.eta.append(opt.eta)
            if metric_fn is not None:
                history.metric.append(total_metric / n)
            stop = False
            if has_val:
                val_loss, val_metric = evaluate(model, X_val, y_val, loss_fn, metric_fn)
                history.val_loss.append(val_loss)
                if val_metric is not None:
                    history.val_metric.append(val_metric)
                if val_loss < best_val:
                    best_val, history.best_epoch, waited = val_loss, epoch, 0
                    if patience is not None:
                        best_weights = model.get_weights()
                else:
                    waited += 1
                    stop = patience is not None and waited >= patience
            if callback is not None and callback(epoch, history) is True:
                stop = True
            bar.update(epoch + 1, _progress_info(history))
            if stop:
                history.stopped_epoch = epoch
                bar.finish()
                break
    if best_weights is not None:
        model.set_weights(best_weights)
    model.train() if was_training else model.eval()
    return history


def _resolve_optimizer(optimizer: Any, eta: float | None, momentum: float) -> UpdateRule:
    """The update rule ``fit`` steps with: built from a name, or the object given."""
    if isinstance(optimizer, UpdateRule):
        if momentum:
            raise ValueError(
                f"momentum={momentum!r} does not apply to the optimizer object {optimizer!r}; "
                "set its beta when you create it"
            )
        if eta is not None:
            if isinstance(eta, bool) or not np.isfinite(eta) or eta <= 0:
                raise ValueError(f"eta (learning rate) must be a finite number > 0, got {eta!r}")
            optimizer.eta = float(eta)
        return optimizer
    kwargs: dict[str, Any] = {} if eta is None else {"eta": eta}
    if momentum:
        if not isinstance(optimizer, str) or optimizer.lower() not in (
            "sgd",
            "momentum",
            "nesterov",
        ):
            raise ValueError(
                f"momentum={momentum!r} only applies to optimizer 'sgd', 'momentum' or "
                f"'nesterov', not {optimizer!r}"
            )
        kwargs["beta"] = momentum
    return get_optimizer(optimizer, **kwargs)


def _check_loss_output(L: Any, dout: Any, out: np.ndarray) -> None:
    if np.ndim(L) != 0 or not isinstance(dout, np.ndarray) or dout.shape != out.shape:
        got = getattr(dout, "shape", type(dout).__name__)
        raise ValueError(
            "the loss must return (L, dL/doutput): a scalar L and a gradient shaped like the "
            f"model output {out.shape}, got L of shape {np.shape(L)} and gradient {got}"
        )


def _progress_info(h: History) -> str:
    text = f"loss {h.loss[-1]:.4g}"
    if h.val_loss:
        text += f"  val_loss {h.val_loss[-1]:.4g}"
    if h.val_metric:
        text += f"  val_metric {h.val_metric[-1]:.4g}"
    return text
