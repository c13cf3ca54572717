"""bpkit.mnist against a tiny IDX fixture built here; these tests never use the network."""

import gzip
import hashlib
import struct
import urllib.error
import urllib.request

import numpy as np
import pytest

from bpkit import mnist
from bpkit.mnist import ChecksumError, cache_directory, load_mnist, read_idx


def write_idx(path, array):
    """Write ``array`` (uint8) as a gzip IDX file: magic 0 0 8 ndim, big-endian sizes, data."""
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture
def mirror(tmp_path):
    """A folder with the four MNIST file names holding 5 training and 3 test images."""
    src = tmp_path / "mirror"
    src.mkdir()
    gen = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte.gz": gen.integers(0, 256, (5, 28, 28)),
        "train-labels-idx1-ubyte.gz": np.array([5, 0, 4, 1, 9]),
        "t10k-images-idx3-ubyte.gz": gen.integers(0, 256, (3, 28, 28)),
        "t10k-labels-idx1-ubyte.gz": np.array([7, 2, 1]),
    }
    for name, array in arrays.items():
        write_idx(src / name, array)
    sums = {name: hashlib.sha256((src / name).read_bytes()).hexdigest() for name in arrays}
    return {"dir": src, "url": src.as_uri() + "/", "sums": sums, "arrays": arrays}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open an http(s) URL fails, as on a machine with no network."""
    real = urllib.request.urlopen

    def offline(url, *args, **kwargs):
        if str(url).startswith(("http://", "https://")):
            raise urllib.error.URLError("network is unreachable (test)")
        return real(url, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", offline)


def test_load_parses_and_scales(mirror, tmp_path):
    X_tr, y_tr, X_te, y_te = load_mnist(tmp_path / "cache", mirror["url"], checksums=mirror["sums"])
    assert X_tr.shape == (5, 784) and X_te.shape == (3, 784)
    assert X_tr.dtype == np.float32 and y_tr.dtype == np.int64
    np.testing.assert_array_equal(y_tr, [5, 0, 4, 1, 9])
    np.testing.assert_array_equal(y_te, [7, 2, 1])
    expected = mirror["arrays"]["train-images-idx3-ubyte.gz"].reshape(5, 784) / 255
    np.testing.assert_allclose(X_tr, expected, rtol=1e-6)
    assert 0 <= X_tr.min() and X_tr.max() <= 1


def test_raw_images_option(mirror, tmp_path):
    X_tr, _, _, _ = load_mnist(
        tmp_path / "c", mirror["url"], checksums=mirror["sums"], flatten=False, normalize=False
    )
    assert X_tr.shape == (5, 28, 28) and X_tr.dtype == np.uint8
    np.testing.assert_array_equal(X_tr, mirror["arrays"]["train-images-idx3-ubyte.gz"])


def test_second_call_reads_the_cache(mirror, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    load_mnist(cache, mirror["url"], checksums=mirror["sums"])
    assert sorted(p.name for p in (cache / "mnist").iterdir()) == sorted(mirror["sums"])
    for f in mirror["dir"].iterdir():  # the mirror disappears ...
        f.unlink()
    calls = []
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: calls.append(a))
    _, y_tr, _, _ = load_mnist(cache, mirror["url"], checksums=mirror["sums"])  # ... cache is used
    assert calls == []
    np.testing.assert_array_equal(y_tr, [5, 0, 4, 1, 9])


def test_checksum_mismatch_is_an_error_and_the_file_is_not_kept(mirror, tmp_path):
    sums = dict(mirror["sums"], **{"train-labels-idx1-ubyte.gz": "0" * 64})
    with pytest.raises(ChecksumError) as err:
        load_mnist(tmp_path / "cache", mirror["url"], checksums=sums)
    message = str(err.value)
    assert "train-labels-idx1-ubyte.gz" in message and "expected " + "0" * 64 in message
    assert "The file was not kept" in message
    folder = tmp_path / "cache" / "mnist"
    assert not (folder / "train-labels-idx1-ubyte.gz").exists()
    assert not list(folder.glob("*.part"))  # no half-written temporary files either


def test_a_damaged_cached_file_is_downloaded_again(mirror, tmp_path):
    cache = tmp_path / "cache"
    load_mnist(cache, mirror["url"], checksums=mirror["sums"])
    damaged = cache / "mnist" / "t10k-labels-idx1-ubyte.gz"
    damaged.write_bytes(b"truncated")
    _, _, _, y_te = load_mnist(cache, mirror["url"], checksums=mirror["sums"])
    np.testing.assert_array_equal(y_te, [7, 2, 1])
    assert hashlib.sha256(damaged.read_bytes()).hexdigest() == mirror["sums"][damaged.name]


def test_offline_error_says_what_to_do(tmp_path):
    with pytest.raises(ConnectionError) as err:
        load_mnist(tmp_path / "cache")  # the default mirrors, with no network
    message = str(err.value)
    assert "could not download the MNIST file" in message
    assert "network is unreachable" in message
    assert str(tmp_path / "cache" / "mnist") in message  # where to copy the files by hand
    assert "train-images-idx3-ubyte.gz" in message and "BPKIT_DATA" in message
    assert "bpkit.data.load_digits()" in message


def test_a_missing_mirror_file_is_a_connection_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ConnectionError, match="could not download the MNIST file"):
        load_mnist(tmp_path / "cache", empty.as_uri())


def test_cache_directory_default_and_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("BPKIT_DATA", raising=False)
    assert cache_directory().parts[-3:] == (".cache", "bpkit", "mnist")
    monkeypatch.setenv("BPKIT_DATA", str(tmp_path))
    assert cache_directory() == tmp_path / "mnist"
    assert cache_directory(tmp_path / "x") == tmp_path / "x" / "mnist"


def test_published_checksums_are_sha256():
    assert set(mnist.FILES) == {
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    }
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in mnist.FILES.values())


def test_read_idx_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad.idx"
    bad.write_bytes(b"PK\x03\x04 not idx")
    with pytest.raises(ValueError, match="bad.idx is not an IDX file"):
        read_idx(bad)
    short = tmp_path / "short.idx"
    short.write_bytes(bytes([0, 0, 8, 1]) + struct.pack(">I", 10) + bytes(4))
    with pytest.raises(ValueError, match=r"header promises shape \(10,\) \(10 bytes of data\)"):
        read_idx(short)
