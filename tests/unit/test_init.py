"""bpkit.init: shapes, dtypes, seeds and the variance each initializer promises."""

import numpy as np
import pytest

from bpkit import init
from bpkit.init import INITIALIZERS, get_initializer

SHAPE = (300, 500)  # (d_out, d_in): fan_in = 500, fan_out = 300


@pytest.mark.parametrize("name", list(INITIALIZERS))
def test_shape_dtype_and_determinism(name):
    f = get_initializer(name)
    a = f((4, 3), seed=1)
    assert a.shape == (4, 3) and a.dtype == np.float64
    np.testing.assert_array_equal(a, f((4, 3), seed=1))
    b32 = f((4, 3), seed=1, dtype=np.float32)
    assert b32.dtype == np.float32
    np.testing.assert_array_equal(b32, a.astype(np.float32))  # same start in both precisions
    if name != "zeros":
        assert not np.array_equal(a, f((4, 3), seed=2))


@pytest.mark.parametrize(
    "name, std",
    [
        ("xavier_uniform", np.sqrt(2 / (500 + 300))),
        ("xavier_normal", np.sqrt(2 / (500 + 300))),
        ("he_normal", np.sqrt(2 / 500)),
        ("he_uniform", np.sqrt(2 / 500)),
    ],
)
def test_variance_matches_the_formula(name, std):
    W = get_initializer(name)(SHAPE, seed=0)
    assert abs(W.mean()) < 0.01 * std * 10
    assert W.std() == pytest.approx(std, rel=0.02)


def test_uniform_bounds():
    r = np.sqrt(6 / (500 + 300))
    W = init.xavier_uniform(SHAPE, seed=0)
    assert W.max() <= r and W.min() >= -r and W.max() > 0.99 * r
    W = init.he_uniform(SHAPE, seed=0)
    assert np.abs(W).max() <= np.sqrt(6 / 500)


def test_normal_scale_and_zeros():
    W = init.normal(SHAPE, scale=0.5, seed=0)
    assert W.std() == pytest.approx(0.5, rel=0.02)
    assert init.normal((2, 2), seed=0).std() < 0.05  # default scale 0.01
    assert not init.zeros((2, 3)).any()
    assert init.zeros(3).shape == (3,)


def test_generator_seed_advances_the_stream():
    g = np.random.default_rng(0)
    a, b = init.he_normal((3, 3), seed=g), init.he_normal((3, 3), seed=g)
    assert not np.array_equal(a, b)


def test_unknown_name_lists_valid_names():
    msg = (
        "unknown initializer 'glorot_fancy'; valid names are: zeros, normal, xavier_uniform, "
        "xavier_normal, he_normal, he_uniform"
    )
    with pytest.raises(ValueError, match=msg):
        get_initializer("glorot_fancy")


def test_aliases_and_callables():
    assert get_initializer("Xavier") is init.xavier_uniform
    assert get_initializer("kaiming") is init.he_normal
    assert get_initializer("he-uniform") is init.he_uniform
    assert get_initializer(init.zeros) is init.zeros


def test_bad_shapes_and_scale():
    with pytest.raises(ValueError, match=r"he_normal needs a 2-D weight shape \(d_out, d_in\)"):
        init.he_normal((3,))
    with pytest.raises(ValueError, match="positive sizes"):
        init.xavier_uniform((0, 3))
    with pytest.raises(ValueError, match="scale must be >= 0"):
        init.normal((2, 2), scale=-1.0)
