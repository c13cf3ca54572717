"""bpkit.data: seeded generators, the shipped digits, one_hot and split."""

from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from bpkit.data import circles, load_digits, moons, one_hot, regression_1d, spirals, split, xor

CLASSIFIERS = [xor, moons, circles, spirals]


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_classification_sets_shape_dtype_balance(make):
    X, y = make(n=101, seed=0)
    k = 3 if make is spirals else 2
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int64
    counts = np.bincount(y, minlength=k)
    assert len(counts) == k and counts.max() - counts.min() <= 1
    assert np.isfinite(X).all()
    assert not np.array_equal(y[:20], np.sort(y[:20]))  # classes are interleaved, not grouped


@pytest.mark.parametrize("make", [*CLASSIFIERS, regression_1d])
def test_generators_are_seeded(make):
    X1, y1 = make(n=50, seed=7)
    X2, y2 = make(n=50, seed=7)
    X3, _ = make(n=50, seed=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_xor_geometry_without_noise():
    X, y = xor(40, noise=0.0, seed=0)
    assert set(map(tuple, X)) == {(-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0)}
    np.testing.assert_array_equal(y, (X[:, 0] != X[:, 1]).astype(int))


def test_circles_radii_without_noise():
    X, y = circles(60, noise=0.0, factor=0.3, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.3)


def test_moons_lie_on_their_arcs_without_noise():
    X, y = moons(60, noise=0.0, seed=0)
    np.testing.assert_allclose(np.hypot(X[y == 0, 0], X[y == 0, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(X[y == 1, 0] - 1, X[y == 1, 1] - 0.5), 1.0)
    assert (X[y == 0, 1] >= 0).all() and (X[y == 1, 1] <= 0.5).all()


def test_spirals_arms_without_noise():
    X, y = spirals(90, k=3, noise=0.0, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.max() <= 1.0
    angle = np.arctan2(X[:, 1], X[:, 0])
    expected = 2 * np.pi * y / 3 + 4 * r
    np.testing.assert_allclose(np.cos(angle - expected)[r > 1e-9], 1.0, atol=1e-9)


def test_regression_1d():
    X, y = regression_1d(80, noise=0.0, seed=0)
    assert X.shape == y.shape == (80, 1)
    assert X.min() >= -1 and X.max() <= 1
    np.testing.assert_allclose(y, np.sin(np.pi * X) + 0.5 * X)
    _, noisy = regression_1d(80, noise=0.5, seed=0)
    assert 0.3 < np.std(noisy - y) < 0.7


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: xor(0), "n (number of examples) must be an int >= 1, got 0"),
        (lambda: moons(10.5), "n (number of examples) must be an int >= 1, got 10.5"),
        (lambda: moons(10, noise=-1), "noise must be a finite number >= 0, got -1"),
        (lambda: circles(10, factor=1.5), "factor (inner radius / outer radius) must be in (0, 1)"),
        (lambda: spirals(10, k=1), "k (number of classes / arms) must be an int >= 2, got 1"),
    ],
)
def test_generator_errors(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value)


def test_one_hot():
    Y = one_hot(np.array([2, 0, 1, 2]))
    np.testing.assert_array_equal(Y, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert Y.dtype == np.float64
    assert one_hot(np.array([1]), k=4).shape == (1, 4)
    with pytest.raises(ValueError, match=r"one_hot labels must be in 0..2, got values 0..3"):
        one_hot(np.array([0, 3]), k=3)
    with pytest.raises(ValueError, match="one_hot expects integer class labels"):
        one_hot(np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match=r"one_hot expects labels of shape \(n,\)"):
        one_hot(np.eye(3))


# ----- split --------------------------------------------------------------------------
def test_split_parts_are_disjoint_and_cover_everything():
    ids = np.arange(500)
    y = np.repeat([0, 1, 2, 3], [50, 100, 150, 200])
    X_tr, y_tr, X_val, y_val, X_te, y_te = split(ids[:, None], y, val=0.2, test=0.1, seed=0)
    parts = [X_tr[:, 0], X_val[:, 0], X_te[:, 0]]
    assert sum(len(p) for p in parts) == 500
    assert len(set(np.concatenate(parts))) == 500  # no example in two parts
    for ids_part, y_part in zip(parts, (y_tr, y_val, y_te), strict=True):
        np.testing.assert_array_equal(y[ids_part], y_part)  # rows stay aligned with labels
    assert len(X_val) == 100 and len(X_te) == 50


def test_split_is_stratified():
    y = np.repeat([0, 1, 2], [90, 30, 180])
    X = np.arange(300.0)[:, None]
    _, y_tr, _, y_val, _, y_te = split(X, y, val=0.2, test=0.2, seed=3)
    for part in (y_tr, y_val, y_te):
        np.testing.assert_allclose(np.bincount(part) / len(part), [0.3, 0.1, 0.6])
    _, _, _, _, _, y_te_plain = split(X, y, val=0.2, test=0.2, seed=3, stratify=False)
    assert len(y_te_plain) == 60


def test_split_is_seeded_and_shuffled():
    X, y = moons(100, seed=0)
    a = split(X, y, seed=1)
    b = split(X, y, seed=1)
    c = split(X, y, seed=2)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])


def test_split_regression_targets_and_train_test_only():
    X, y = regression_1d(50, seed=0)
    X_tr, y_tr, X_val, y_val, X_te, y_te = split(X, y, val=0.0, test=0.2, seed=0)
    assert X_tr.shape == (40, 1) and y_te.shape == (10, 1) and len(X_val) == 0
    np.testing.assert_allclose(np.sort(np.concatenate([X_tr, X_te])[:, 0]), np.sort(X[:, 0]))


def test_split_one_hot_labels_are_stratified():
    y = np.repeat([0, 1], [80, 20])
    _, _, _, _, _, Y_te = split(np.zeros((100, 1)), one_hot(y), val=0.0, test=0.25, seed=0)
    assert Y_te.sum(axis=0).tolist() == [20, 5]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"y": np.zeros(9)},
            "X and y must have the same number of rows, got shapes (10, 2) and (9,)",
        ),
        ({"val": 1.2}, "val must be a fraction in [0, 1), got 1.2"),
        ({"test": -0.1}, "test must be a fraction in [0, 1), got -0.1"),
        ({"val": 0.5, "test": 0.5}, "val + test must be < 1 to leave training data"),
    ],
)
def test_split_errors(kwargs, message):
    args = {"y": np.zeros(10, dtype=int), **kwargs}
    with pytest.raises(ValueError) as err:
        split(np.zeros((10, 2)), **args)
    assert message in str(err.value)


# ----- digits ---------------------------------------------------------------------------
def test_load_digits_shape_range_labels():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(X * 16, np.round(X * 16))  # pixel counts 0..16, divided by 16
    counts = np.bincount(y)
    assert len(counts) == 10 and counts.min() >= 170 and counts.sum() == 1797
    zero = X[y == 0].mean(axis=0).reshape(8, 8)
    assert zero[3:5, 3:5].mean() < zero[3:5, 1].mean()  # a "0" is hollow in the middle


def test_digits_ship_inside_the_package_with_their_attribution():
    folder = resources.files("bpkit") / "datasets"
    assert (folder / "digits.npz").is_file()
    with (folder / "digits.npz").open("rb") as f, np.load(f, allow_pickle=False) as archive:
        note = str(archive["attribution"])
        assert archive["X"].dtype == np.uint8
    assert "Alpaydin" in note and "Kaynak" in note and "CC BY 4.0" in note
    readme = (Path(__file__).parents[2] / "bpkit" / "datasets" / "README.md").read_text()
    assert "CC BY 4.0" in readme and "10.24432/C50P49" in readme and "Alpaydin" in readme
