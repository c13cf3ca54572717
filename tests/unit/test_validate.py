"""bpkit._validate: seeds become Generators, arrays are checked at the API boundary."""

import numpy as np
import pytest

from bpkit._validate import as_array, check_finite, float_dtype, rng


def test_rng_int_seed_is_reproducible():
    assert rng(7).random(5).tolist() == rng(7).random(5).tolist()
    assert rng(7).random(5).tolist() != rng(8).random(5).tolist()


def test_rng_passes_a_generator_through_so_objects_can_share_a_stream():
    g = np.random.default_rng(0)
    assert rng(g) is g


def test_rng_none_gives_a_fresh_generator():
    assert isinstance(rng(None), np.random.Generator)
    assert isinstance(rng(np.int64(3)), np.random.Generator)


@pytest.mark.parametrize("bad", [1.5, "0", True, np.random.RandomState(0)])
def test_rng_rejects_other_types_by_name(bad):
    with pytest.raises(TypeError, match="seed must be an int, a numpy.random.Generator or None"):
        rng(bad)


def test_rng_rejects_negative_seed():
    with pytest.raises(ValueError, match="non-negative int, got -1"):
        rng(-1)


def test_as_array_makes_no_copy_of_a_matching_array():
    x = np.ones((3, 2), dtype=np.float32)
    assert as_array(x, "X") is x
    assert as_array(x, "X", ndim=2, dtype=np.float32) is x
    assert as_array([[1, 2]], "X", dtype=np.float64).dtype == np.float64


def test_as_array_names_nan_and_where_it_is():
    x = np.zeros((2, 3))
    x[1, 2] = np.nan
    with pytest.raises(
        ValueError, match=r"X contains NaN values \(1 NaN, 0 inf; first at index \(1, 2\)\)"
    ):
        as_array(x, "X")


def test_as_array_names_infinity():
    with pytest.raises(ValueError, match="y contains infinite values"):
        as_array([1.0, np.inf], "y")


def test_as_array_names_wrong_ndim():
    with pytest.raises(ValueError, match=r"X must be 2-D, got a 1-D array of shape \(3,\)"):
        as_array([1.0, 2.0, 3.0], "X", ndim=2)
    with pytest.raises(ValueError, match="must be 1-D or 2-D"):
        as_array(np.zeros((1, 1, 1)), "y", ndim=(1, 2))


def test_as_array_rejects_empty_and_non_numeric():
    with pytest.raises(ValueError, match=r"X is empty \(shape \(0, 3\)\)"):
        as_array(np.zeros((0, 3)), "X")
    with pytest.raises(ValueError, match="X must hold numbers, got dtype <U1"):
        as_array(["a", "b"], "X")
    with pytest.raises(ValueError, match="X could not be converted"):
        as_array([[1.0], [1.0, 2.0]], "X")


def test_check_finite_and_float_dtype():
    check_finite(np.ones(3), "ok")  # no error
    with pytest.raises(ValueError, match="W contains NaN"):
        check_finite(np.array([np.nan, np.inf]), "W")
    assert float_dtype(np.ones(2, dtype=np.float32)) == np.float32
    assert float_dtype(np.ones(2, dtype=np.int64)) == np.float64


# ----- the promise: every public entry point that takes data checks it -------------------------
def _nan_in(shape, where):
    x = np.zeros(shape)
    x[where] = np.nan
    return x


def _model():
    from bpkit.model import mlp

    return mlp([2, 1], seed=0)


def _entry_points():
    from bpkit.gradcheck import check_model
    from bpkit.losses import binary_cross_entropy, mse, softmax_cross_entropy
    from bpkit.train import evaluate, fit

    y = np.zeros((3, 1))
    return {
        "fit X": lambda: fit(_model(), _nan_in((3, 2), (2, 1)), y, epochs=1),
        "fit y": lambda: fit(_model(), np.zeros((3, 2)), _nan_in((3, 1), (2, 0)), epochs=1),
        "evaluate X": lambda: evaluate(_model(), _nan_in((3, 2), (2, 1)), y),
        "check_model y": lambda: check_model(_model(), np.zeros((3, 2)), _nan_in((3, 1), (2, 0))),
        "mse y_hat": lambda: mse(_nan_in((3, 1), (2, 0)), y),
        "mse y": lambda: mse(y, _nan_in((3, 1), (2, 0))),
        "bce logits": lambda: binary_cross_entropy(_nan_in((3, 1), (2, 0)), y),
        "bce y": lambda: binary_cross_entropy(y, _nan_in((3, 1), (2, 0))),
        "softmax_ce logits": lambda: softmax_cross_entropy(_nan_in((3, 2), (2, 1)), [0, 1, 1]),
        "softmax_ce y": lambda: softmax_cross_entropy(np.zeros((3, 2)), _nan_in((3, 2), (2, 1))),
    }


@pytest.mark.parametrize("entry", list(_entry_points()))
def test_every_public_entry_point_names_a_nan_in_its_data(entry):
    with pytest.raises(ValueError) as err:
        _entry_points()[entry]()
    message = str(err.value)
    assert "contains NaN values (1 NaN, 0 inf; first at index (2," in message
    assert message.endswith("Check the data and the learning rate.")
