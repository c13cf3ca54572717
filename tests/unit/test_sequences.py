"""bpkit.sequences: the memory tasks are seeded, shaped as documented, and hold their answers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import FAST, seeds

from bpkit import data, sequences
from bpkit.sequences import adding_problem, delayed_recall, noisy_sine

TASKS = [adding_problem, delayed_recall, noisy_sine]


@pytest.mark.parametrize("task", TASKS)
def test_same_seed_same_data_and_a_generator_is_accepted(task) -> None:
    a, b, c = task(seed=3), task(seed=3), task(seed=4)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], c[0])
    from_gen = task(seed=np.random.default_rng(3))
    np.testing.assert_array_equal(from_gen[0], a[0])
    assert a[0].dtype == np.float64 and a[0].ndim == 3


@pytest.mark.parametrize("task", TASKS)
def test_they_are_reexported_by_bpkit_data(task) -> None:
    assert getattr(data, task.__name__) is task
    assert task.__name__ in sequences.__all__


@FAST
@given(n=st.integers(1, 20), lag=st.integers(1, 12), extra=st.integers(0, 6), seed=seeds)
def test_the_adding_problem_marks_two_numbers_lag_apart(n, lag, extra, seed) -> None:
    T = lag + 1 + extra
    X, y = adding_problem(n, lag, T=T, seed=seed)
    assert X.shape == (n, T, 2) and y.shape == (n, 1)
    values, marks = X[:, :, 0], X[:, :, 1]
    assert ((values >= 0) & (values < 1)).all()
    assert (marks.sum(axis=1) == 2).all() and set(np.unique(marks)) <= {0.0, 1.0}
    first = marks.argmax(axis=1)
    second = T - 1 - marks[:, ::-1].argmax(axis=1)
    assert (first < T - lag).all() and (second >= T - lag).all()
    assert (T - 1 - first >= lag).all()  # the first number is at least `lag` steps old
    np.testing.assert_allclose(y[:, 0], (values * marks).sum(axis=1))


def test_the_adding_problem_defaults_to_twice_the_lag() -> None:
    X, y = adding_problem(100, 7, seed=0)
    assert X.shape == (100, 14, 2)
    assert 0.8 < y.mean() < 1.2  # two uniform numbers: the mean is 1


@FAST
@given(
    n=st.integers(1, 20),
    lag=st.integers(0, 10),
    extra=st.integers(0, 5),
    k=st.integers(2, 6),
    seed=seeds,
)
def test_delayed_recall_answers_the_symbol_lag_steps_back(n, lag, extra, k, seed) -> None:
    T = lag + 1 + extra
    X, y = delayed_recall(n, lag, n_symbols=k, T=T, seed=seed)
    assert X.shape == (n, T, k) and y.shape == (n,) and y.dtype == np.int64
    assert (X.sum(axis=2) == 1).all() and set(np.unique(X)) <= {0.0, 1.0}
    np.testing.assert_array_equal(y, X[:, T - 1 - lag].argmax(axis=1))
    assert ((y >= 0) & (y < k)).all()


def test_delayed_recall_by_default_asks_for_the_first_symbol() -> None:
    X, y = delayed_recall(500, 6, n_symbols=4, seed=0)
    assert X.shape == (500, 7, 4)
    np.testing.assert_array_equal(y, X[:, 0].argmax(axis=1))
    counts = np.bincount(y, minlength=4)
    assert counts.min() > 90  # uniform symbols: about 125 each
    last = X[:, -1].argmax(axis=1)
    assert abs((last == y).mean() - 0.25) < 0.08  # the last symbol says nothing about the answer


@FAST
@given(n=st.integers(1, 10), T=st.integers(1, 30), lag=st.integers(0, 8), seed=seeds)
def test_the_noisy_sine_target_is_the_clean_wave_lag_steps_ahead(n, T, lag, seed) -> None:
    X, y = noisy_sine(n, T, lag=lag, noise=0.0, seed=seed)
    assert X.shape == y.shape == (n, T, 1)
    m = max(T - lag, 0)
    np.testing.assert_allclose(y[:, :m], X[:, lag:])  # without noise: the input, shifted
    assert np.abs(y).max() <= 1.0


def test_noise_is_added_to_the_inputs_only() -> None:
    X0, y0 = noisy_sine(50, 40, lag=2, noise=0.0, seed=1)
    X1, y1 = noisy_sine(50, 40, lag=2, noise=0.3, seed=1)
    np.testing.assert_array_equal(y0, y1)
    assert 0.25 < (X1 - X0).std() < 0.35


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: adding_problem(0, 5), r"n \(number of sequences\) must be an int >= 1, got 0"),
        (lambda: adding_problem(10, 0), r"lag must be an int >= 1, got 0"),
        (lambda: adding_problem(10, 5, T=5), r"T = 5 is too short for lag = 5; it needs T >= 6"),
        (lambda: adding_problem(10, 2.5), r"lag must be an int >= 1, got 2.5"),
        (lambda: delayed_recall(10, -1), r"lag must be an int >= 0, got -1"),
        (lambda: delayed_recall(10, 3, n_symbols=1), r"n_symbols must be an int >= 2"),
        (lambda: delayed_recall(10, 3, T=3), r"T = 3 is too short for lag = 3; it needs T >= 4"),
        (lambda: delayed_recall(True, 3), r"n \(number of sequences\) must be an int"),
        (lambda: noisy_sine(10, 0), r"T \(sequence length\) must be an int >= 1, got 0"),
        (lambda: noisy_sine(10, 5, noise=-0.1), r"noise must be a finite number >= 0"),
        (lambda: noisy_sine(10, 5, noise=float("nan")), r"noise must be a finite number >= 0"),
        (lambda: noisy_sine(10, 5, seed=1.5), r"seed must be an int"),
    ],
)
def test_bad_arguments_get_errors_that_name_them(call, match) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        call()
