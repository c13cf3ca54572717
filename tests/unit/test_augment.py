import numpy as np
import pytest

from bpkit.augment import add_noise, augment, shift_images


def _image(value_at: dict[tuple[int, int], float]) -> np.ndarray:
    img = np.zeros((8, 8))
    for (r, c), v in value_at.items():
        img[r, c] = v
    return img.reshape(1, 64)


@pytest.mark.parametrize(("dx", "dy"), [(1, 0), (-1, 0), (0, 2), (0, -3), (2, -1), (0, 0)])
def test_shift_moves_a_pixel_by_dx_columns_and_dy_rows(dx, dy):
    out = shift_images(_image({(3, 4): 1.0}), dx, dy).reshape(8, 8)
    assert out[3 + dy, 4 + dx] == 1.0
    assert out.sum() == 1.0


def test_pixels_pushed_off_the_border_are_lost_not_wrapped():
    out = shift_images(_image({(0, 7): 1.0, (5, 5): 2.0}), 1, 0).reshape(8, 8)
    assert out[:, 0].sum() == 0.0  # the pixel in the last column did not wrap to the first
    assert out[5, 6] == 2.0
    assert out.sum() == 2.0


def test_shifting_back_restores_the_interior():
    X = np.random.default_rng(0).random((5, 64))
    back = shift_images(shift_images(X, 1, 1), -1, -1).reshape(-1, 8, 8)
    np.testing.assert_array_equal(back[:, :7, :7], X.reshape(-1, 8, 8)[:, :7, :7])


def test_shift_beyond_the_image_gives_zeros_and_keeps_dtype():
    X = np.ones((2, 64), dtype=np.float32)
    out = shift_images(X, 8, 0)
    assert out.dtype == np.float32 and not out.any()


def test_bad_shapes_and_shifts_are_named():
    with pytest.raises(ValueError, match=r"flattened to shape \(n, 64\).*got shape \(3, 63\)"):
        shift_images(np.zeros((3, 63)), 1, 0)
    with pytest.raises(ValueError, match="whole pixels"):
        shift_images(np.zeros((1, 64)), 0.5, 0)


def test_augment_stacks_originals_then_shifted_copies():
    X = np.random.default_rng(1).random((10, 64))
    y = np.arange(10)
    X_aug, y_aug = augment(X, y, shifts=[(1, 0), (0, 1)])
    assert X_aug.shape == (30, 64)
    np.testing.assert_array_equal(X_aug[:10], X)
    np.testing.assert_array_equal(X_aug[10:20], shift_images(X, 1, 0))
    np.testing.assert_array_equal(y_aug, np.tile(y, 3))
    with pytest.raises(ValueError, match="10 rows but y has 9"):
        augment(X, y[:9])


def test_noise_is_seeded_and_stays_in_range():
    X = np.random.default_rng(2).random((50, 64))
    a, b = add_noise(X, 0.1, seed=3), add_noise(X, 0.1, seed=3)
    np.testing.assert_array_equal(a, b)
    assert a.min() >= 0.0 and a.max() <= 1.0
    assert 0.05 < np.abs(a - X).mean() < 0.1
    with pytest.raises(ValueError, match="sigma must be >= 0"):
        add_noise(X, -1.0)
