"""bpkit.train: one fit loop for batch, stochastic and mini-batch gradient descent."""

import io
import math

import numpy as np
import pytest

from bpkit.data import moons, regression_1d
from bpkit.losses import mse
from bpkit.model import mlp
from bpkit.optim import step_schedule
from bpkit.progress import ProgressBar
from bpkit.train import History, accuracy, evaluate, fit, minibatches


@pytest.fixture
def data():
    X, y = moons(60, noise=0.2, seed=1)
    return X, y


def small_model(seed=0, out=1, **kw):
    return mlp([2, 8, out], activation="tanh", seed=seed, **kw)


# ----- minibatches ----------------------------------------------------------------------
def test_minibatches_cover_every_index_once():
    batches = list(minibatches(10, 3, seed=0))
    assert [len(b) for b in batches] == [3, 3, 3, 1]
    assert sorted(np.concatenate(batches).tolist()) == list(range(10))


def test_minibatches_are_seeded_and_shuffled():
    a = np.concatenate(list(minibatches(50, 7, seed=4)))
    b = np.concatenate(list(minibatches(50, 7, seed=4)))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, np.arange(50))
    gen = np.random.default_rng(0)  # a shared Generator gives a new order on every call
    first = np.concatenate(list(minibatches(50, 7, gen)))
    second = np.concatenate(list(minibatches(50, 7, gen)))
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("bad", [0, 11, -1])
def test_minibatches_reject_bad_batch_size(bad):
    with pytest.raises(ValueError) as err:
        list(minibatches(10, bad))
    assert f"batch_size must be between 1 and n=10 (the number of examples), got {bad}" in str(
        err.value
    )


# ----- the three algorithms --------------------------------------------------------------
@pytest.mark.parametrize(
    ("batch_size", "updates_per_epoch"),
    [(None, 1), (60, 1), (1, 60), (16, 4), (7, 9)],
)
def test_fit_update_count_per_mode(data, batch_size, updates_per_epoch):
    X, y = data
    h = fit(small_model(), X, y, loss="bce", eta=0.1, batch_size=batch_size, epochs=3)
    assert h.n_updates == 3 * updates_per_epoch
    assert len(h.update_loss) == 3 * updates_per_epoch
    assert len(h.loss) == 3 and h.stopped_epoch is None


def test_batch_gd_epoch_is_one_full_gradient_step(data):
    X, y = data
    model = small_model()
    manual = small_model()
    out = manual.forward(X)
    _, dout = mse(out, y)
    manual.backward(dout)
    expected = {k: p - 0.2 * manual.named_grads()[k] for k, p in manual.named_params().items()}
    h = fit(model, X, y, loss="mse", eta=0.2, batch_size=None, epochs=1)
    for k, p in model.named_params().items():
        np.testing.assert_allclose(p, expected[k], rtol=1e-12, atol=1e-12)
    assert h.loss[0] == pytest.approx(mse(out, y)[0])  # the loss before the step


def test_sgd_mode_follows_the_seeded_order_one_example_at_a_time(data):
    X, y = data
    X, y = X[:12], y[:12]
    model, manual = small_model(), small_model()
    fit(model, X, y, loss="mse", eta=0.1, batch_size=1, epochs=2, seed=5)
    gen = np.random.default_rng(5)
    for _ in range(2):
        for idx in minibatches(12, 1, gen):
            assert idx.shape == (1,)
            _, dout = mse(manual.forward(X[idx]), y[idx])
            manual.backward(dout)
            for k, p in manual.named_params().items():
                p -= 0.1 * manual.named_grads()[k]
    for k, p in model.named_params().items():
        np.testing.assert_allclose(p, manual.named_params()[k], rtol=1e-12)


def test_minibatch_training_learns_moons():
    X, y = moons(200, noise=0.1, seed=0)
    model = mlp([2, 16, 2], seed=0)
    h = fit(model, X, y, loss="softmax_ce", eta=0.3, batch_size=20, epochs=40, metric="accuracy")
    assert h.loss[-1] < 0.5 * h.loss[0]
    assert h.metric[-1] > 0.95


# ----- determinism -----------------------------------------------------------------------
def test_same_seed_same_history_and_weights(data):
    X, y = data
    runs = []
    for _ in range(2):
        model = small_model(p_drop=0.2)
        h = fit(model, X, y, loss="bce", eta=0.2, batch_size=8, epochs=4, seed=3, momentum=0.9)
        runs.append((h, model.get_weights()))
    assert runs[0][0].loss == runs[1][0].loss
    assert runs[0][0].update_loss == runs[1][0].update_loss
    for k in runs[0][1]:
        np.testing.assert_array_equal(runs[0][1][k], runs[1][1][k])
    other = fit(small_model(p_drop=0.2), X, y, loss="bce", eta=0.2, batch_size=8, epochs=4, seed=4)
    assert other.update_loss != runs[0][0].update_loss  # a new seed shuffles differently


def test_each_epoch_reshuffles(data):
    X, y = data
    seen = []

    def record_order(output, yb):
        seen.append(yb.copy())
        return 0.0

    fit(small_model(), X, y, loss="bce", batch_size=60 // 2, epochs=2, metric=record_order)
    assert not np.array_equal(np.concatenate(seen[:2]), np.concatenate(seen[2:]))


# ----- validation, early stopping, metrics -----------------------------------------------
def test_early_stopping_restores_the_best_weights():
    # 12 noisy points and a wide net: the validation loss falls, then rises as the net overfits
    X, y = regression_1d(12, noise=0.4, seed=0)
    X_val, y_val = regression_1d(50, noise=0.0, seed=1)
    model = mlp([1, 64, 64, 1], activation="tanh", seed=0)
    snapshots = []
    h = fit(
        model, X, y, loss="mse", eta=0.1, batch_size=4, epochs=500, X_val=X_val, y_val=y_val,
        patience=20, callback=lambda epoch, hist: snapshots.append(model.get_weights()),
    )  # fmt: skip
    assert h.best_epoch == int(np.argmin(h.val_loss))
    assert 0 < h.best_epoch < len(h.val_loss) - 1  # a real minimum in the middle of the run
    assert h.stopped_epoch == h.best_epoch + 20 == len(h.val_loss) - 1
    final = snapshots[-1]
    for k, p in model.named_params().items():
        np.testing.assert_array_equal(p, snapshots[h.best_epoch][k])
    assert any(not np.array_equal(final[k], snapshots[h.best_epoch][k]) for k in final)
    assert evaluate(model, X_val, y_val, "mse")[0] == pytest.approx(h.val_loss[h.best_epoch])


def test_without_patience_the_last_weights_are_kept():
    X, y = regression_1d(12, noise=0.4, seed=0)
    X_val, y_val = regression_1d(50, noise=0.0, seed=1)
    model = mlp([1, 64, 64, 1], activation="tanh", seed=0)
    h = fit(model, X, y, loss="mse", eta=0.1, batch_size=4, epochs=30, X_val=X_val, y_val=y_val)
    assert h.best_epoch < 29 and h.stopped_epoch is None
    assert evaluate(model, X_val, y_val, "mse")[0] == pytest.approx(h.val_loss[-1])


def test_validation_history_and_accuracy(data):
    X, y = data
    h = fit(
        small_model(out=2), X[:40], y[:40], loss="softmax_ce", eta=0.5, batch_size=10, epochs=5,
        X_val=X[40:], y_val=y[40:], metric="accuracy",
    )  # fmt: skip
    assert len(h.val_loss) == len(h.metric) == len(h.val_metric) == 5
    assert all(0 <= m <= 1 for m in h.metric + h.val_metric)
    L, acc = evaluate(small_model(out=2), X[40:], y[40:], "softmax_ce", "accuracy")
    assert math.isfinite(L) and 0 <= acc <= 1
    assert h["val_loss"] is h.val_loss and h.epochs == 5


def test_callable_metric_and_loss(data):
    X, y = data
    calls = []

    def my_mse(output, target):
        calls.append(output.shape)
        return mse(output, target)

    h1 = fit(
        small_model(), X, y, loss=my_mse, eta=0.1, batch_size=10, epochs=2, metric=lambda o, t: 1.0
    )
    h2 = fit(
        small_model(),
        X,
        y.reshape(-1, 1).astype(float),
        loss="mse",
        eta=0.1,
        batch_size=10,
        epochs=2,
    )
    assert h1.metric == [1.0, 1.0]
    assert h1.loss == pytest.approx(h2.loss)
    assert calls[0] == (10, 1)


def test_accuracy_forms():
    assert accuracy(np.array([[2.0, 1.0], [0.0, 3.0]]), np.array([0, 0])) == 0.5
    assert accuracy(np.array([[0.9, 0.1], [0.2, 0.8]]), np.eye(2)) == 1.0  # one-hot targets
    assert accuracy(np.array([[0.7], [0.2], [0.6]]), np.array([1, 0, 0])) == pytest.approx(2 / 3)
    assert accuracy(np.array([-0.3, 0.4]), np.array([0, 1]), threshold=0.0) == 1.0


def test_bce_accuracy_thresholds_logits_at_zero():
    X = np.array([[1.0], [-1.0]])
    model = mlp([1, 1], seed=0)
    model.set_weights({"0.W": np.array([[0.1]]), "0.b": np.array([0.0])})  # logits +-0.1
    _, acc = evaluate(model, X, np.array([1, 0]), "bce", "accuracy")
    assert acc == 1.0  # a 0.5 threshold on logits would call both examples class 0


# ----- penalties, schedules, clipping ----------------------------------------------------
def test_l2_is_added_to_the_reported_loss(data):
    X, y = data
    model = small_model()
    start = model.get_weights()
    data_loss, _ = evaluate(model, X, y, "bce")
    h = fit(model, X, y, loss="bce", eta=0.1, epochs=1, l2=0.01)
    expected_penalty = 0.005 * sum((w**2).sum() for k, w in start.items() if k.endswith("W"))
    assert h.penalty[0] == pytest.approx(expected_penalty)
    assert h.loss[0] == pytest.approx(data_loss + expected_penalty)
    h0 = fit(small_model(), X, y, loss="bce", eta=0.1, epochs=1)
    assert h0.penalty == [0.0]


def test_schedule_sets_eta_per_epoch(data):
    X, y = data
    h = fit(small_model(), X, y, loss="bce", epochs=5, schedule=step_schedule(0.4, 0.5, every=2))
    assert h.eta == pytest.approx([0.4, 0.4, 0.2, 0.2, 0.1])


def test_clipping_bounds_each_update(data):
    X, y = data
    model = small_model()
    before = model.get_weights()
    fit(model, X, y, loss="bce", eta=1.0, epochs=1, clip_norm=1e-3)
    moved = np.sqrt(sum(((before[k] - p) ** 2).sum() for k, p in model.named_params().items()))
    assert moved == pytest.approx(1e-3)


def test_divergence_is_reported_without_warnings(data):
    X, y = data
    h = fit(mlp([2, 8, 1], seed=0), X * 1e3, y * 1e3, loss="mse", eta=1e3, batch_size=10, epochs=50)
    assert h.diverged and h.stopped_epoch is not None and h.stopped_epoch < 49
    assert not math.isfinite(h.loss[-1])


def test_callback_can_stop_training(data):
    X, y = data
    h = fit(small_model(), X, y, loss="bce", epochs=10, callback=lambda epoch, hist: epoch == 2)
    assert h.epochs == 3 and h.stopped_epoch == 2


def test_float32_model_stays_float32(data):
    X, y = data
    model = small_model(dtype=np.float32)
    fit(model, X, y, loss="bce", eta=0.1, batch_size=10, epochs=2, momentum=0.9, l2=1e-3)
    assert all(p.dtype == np.float32 for p in model.named_params().values())


def test_model_mode_is_restored(data):
    X, y = data
    model = small_model(p_drop=0.5).eval()
    fit(model, X, y, loss="bce", epochs=1)
    assert model.training is False


# ----- progress output (tqdm) -------------------------------------------------------------
def test_progress_goes_to_stdout_only_when_asked(data, capsys):
    X, y = data
    fit(small_model(), X, y, loss="bce", epochs=3, progress=False)
    fit(small_model(), X, y, loss="bce", epochs=3)  # auto: a fast run prints nothing
    quiet = capsys.readouterr()
    assert quiet.out == "" and quiet.err == ""
    fit(small_model(), X, y, loss="bce", epochs=3, progress=True, X_val=X, y_val=y)
    shown = capsys.readouterr()
    last = shown.out.rsplit("\r", 1)[-1]  # tqdm redraws the line; this is its final state
    assert last.startswith("epoch 3/3 |") and "loss " in last and "val_loss" in last
    assert last.endswith("\n") and shown.err == ""


def test_the_bar_is_tqdm_and_starts_no_thread():
    from tqdm.std import tqdm

    from bpkit.progress import bar_class

    for plain in (False, True):  # outside Jupyter, tqdm.auto is the text bar as well
        assert issubclass(bar_class(plain), tqdm) and bar_class(plain).monitor_interval == 0


def test_outside_a_kernel_the_bar_is_text_whatever_was_imported(capsys):
    from tqdm.notebook import tqdm_notebook  # imports what tqdm.auto's guess looks at

    from bpkit.progress import in_kernel

    assert not in_kernel()
    bar = ProgressBar(3, enabled=True)
    bar.update(1)
    bar.close()
    assert not isinstance(bar.bar, tqdm_notebook)
    assert capsys.readouterr().out.rsplit("\r", 1)[-1].startswith("epoch 1/3 |")


def test_no_bar_while_nbgrader_grades(data, capsys, monkeypatch):
    X, y = data
    for mode in ("validate", "autograde"):
        monkeypatch.setenv("NBGRADER_EXECUTION", mode)
        fit(small_model(), X, y, loss="bce", epochs=3, progress=True)
        bar = ProgressBar(3, enabled=True, stream=io.StringIO())
        assert bar.enabled is False
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_progress_bar_auto_mode_and_line_end():
    stream = io.StringIO()
    bar = ProgressBar(4, enabled=None, min_seconds=0.0, stream=stream)  # "long" from the start
    bar.update(1, "loss 1")
    bar.update(2, "loss 0.5")
    bar.close()
    final = stream.getvalue().rsplit("\r", 1)[-1]
    assert final.startswith("epoch 2/4 |") and final.endswith(", loss 0.5\n")
    quiet = io.StringIO()
    bar = ProgressBar(4, enabled=None, min_seconds=3600.0, stream=quiet)  # never that long
    bar.update(4)
    bar.close()
    assert quiet.getvalue() == "" and bar.bar is None  # tqdm was never asked for a bar


def test_a_bar_that_appears_late_counts_time_from_the_start():
    stream = io.StringIO()
    bar = ProgressBar(4, enabled=True, stream=stream)
    bar.start -= 75.0  # as if training had started 75 s before the bar was first drawn
    bar.update(1)
    bar.close()
    assert "| 01:15" in stream.getvalue().rsplit("\r", 1)[-1]


def test_stopping_early_ends_the_bar_as_complete(data, capsys):
    X, y = data
    fit(small_model(), X, y, loss="bce", epochs=10, progress=True, callback=lambda e, h: e == 3)
    last = capsys.readouterr().out.rsplit("\r", 1)[-1]
    assert last.startswith("epoch 4/4 |") and "(stopped early; 10 epochs planned)" in last


def test_progress_line_is_ended_when_training_fails(data, capsys):
    X, y = data

    def fail(epoch, history):
        if epoch == 1:
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        fit(small_model(), X, y, loss="bce", epochs=3, progress=True, callback=fail)
    out = capsys.readouterr().out
    assert out.rsplit("\r", 1)[-1].startswith("epoch 1/3 |") and out.endswith("\n")


# ----- errors ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"y": np.zeros(59)}, ValueError, "X has 60 rows (examples) but y has 59 rows"),
        ({"batch_size": 0}, ValueError, "batch_size must be between 1 and n=60"),
        ({"batch_size": 61}, ValueError, "batch_size must be between 1 and n=60"),
        ({"batch_size": 2.5}, TypeError, "batch_size must be an int"),
        (
            {"loss": "cross_entropy_loss"},
            ValueError,
            "unknown loss 'cross_entropy_loss'; use one of",
        ),
        ({"metric": "acc"}, ValueError, "unknown metric 'acc'; use 'accuracy'"),
        ({"patience": 3}, ValueError, "early stopping (patience) needs validation data"),
        ({"X_val": np.zeros((5, 2))}, ValueError, "give both X_val and y_val, or neither"),
        ({"X_val": np.zeros((5, 3)), "y_val": np.zeros(5)}, ValueError, "X_val has 3 features"),
        ({"epochs": -1}, ValueError, "epochs must be an int >= 0"),
    ],
)
def test_fit_rejects_bad_input(data, kwargs, error, message):
    X, y = data
    args = {"loss": "bce", "y": y, **kwargs}
    y_arg = args.pop("y")
    with pytest.raises(error) as err:
        fit(small_model(), X, y_arg, **args)
    assert message in str(err.value)


def test_fit_rejects_nan_in_X(data):
    X, y = data
    X = X.copy()
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"X contains NaN values .*first at index \(3, 1\)"):
        fit(small_model(), X, y, loss="bce")


def test_fit_checks_a_custom_loss_returns_a_gradient(data):
    X, y = data
    with pytest.raises(ValueError, match=r"the loss must return \(L, dL/doutput\)"):
        fit(small_model(), X, y, loss=lambda out, t: (1.0, 0.0))


def test_history_names_unknown_fields():
    with pytest.raises(KeyError, match="History has no field 'accuracy'"):
        History()["accuracy"]
