"""MNIST: download the four IDX files once, verify their SHA-256, cache them, parse with numpy.

The files are kept in a cache directory: ``cache_dir`` if given, else the ``BPKIT_DATA``
environment variable, else ``~/.cache/bpkit``, in a subfolder ``mnist``. A second call reads the
cache and does not touch the network. Without a network the error says which files to put where.

MNIST: Y. LeCun, C. Cortes and C. J. C. Burges, "The MNIST database of handwritten digits".

IDX format (big-endian): two zero bytes, a type code (0x08 = unsigned byte), the number of
dimensions, one 4-byte size per dimension, then the data in C order.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import DTypeLike

__all__ = ["FILES", "MIRRORS", "cache_directory", "load_mnist", "read_idx"]

#: name -> SHA-256 of the gzip file as published.
FILES: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",  # noqa: E501
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",  # noqa: E501
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",  # noqa: E501
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",  # noqa: E501
}

#: Public mirrors tried in order (the original site often refuses scripted downloads).
MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class ChecksumError(ValueError):
    """A downloaded or cached file does not have the expected SHA-256."""


def cache_directory(cache_dir: str | os.PathLike | None = None) -> Path:
    """Where the MNIST files live: ``<cache_dir or $BPKIT_DATA or ~/.cache/bpkit>/mnist``."""
    root = cache_dir or os.environ.get("BPKIT_DATA") or Path.home() / ".cache" / "bpkit"
    return Path(root).expanduser() / "mnist"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Parse an IDX file (gzip-compressed if the name ends in .gz) into an array.

    Returns:
        array with the shape stored in the file (e.g. (60000, 28, 28) uint8 for images).

    Raises:
        ValueError: if the header is not IDX or the data length does not match it.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise ValueError(f"{path.name} is not an IDX file (bad magic number {raw[:4].hex()})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int(s) for s in np.frombuffer(raw[4:header], dtype=">u4"))
    dtype = np.dtype(_IDX_TYPES[raw[2]])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(
            f"{path.name}: header promises shape {shape} ({expected} bytes of data) "
            f"but the file holds {len(raw) - header}"
        )
    return (
        np.frombuffer(raw, dtype=dtype, offset=header)
        .reshape(shape)
        .astype(dtype.newbyteorder("="))
    )


def _download(url: str, target: Path, sha256: str, timeout: float) -> None:
    """Fetch ``url`` to ``target`` atomically; the file is kept only if its checksum matches."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            shutil.copyfileobj(resp, out)
        got = _sha256(tmp)
        if got != sha256:
            raise ChecksumError(
                f"{target.name} downloaded from {url} has SHA-256 {got}, expected {sha256}. "
                "The file was not kept; the mirror may be serving a different file."
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _fetch(name: str, sha256: str, folder: Path, mirrors: Sequence[str], timeout: float) -> Path:
    target = folder / name
    if target.exists():
        if _sha256(target) == sha256:
            return target
        target.unlink()  # a damaged or partial cached file: fetch it again
    errors, bad_files = [], []
    for base in mirrors:
        url = base.rstrip("/") + "/" + name
        try:
            _download(url, target, sha256, timeout)
            return target
        except ChecksumError as err:
            bad_files.append(str(err))
        except (urllib.error.URLError, OSError, ValueError) as err:
            errors.append(f"{url}: {getattr(err, 'reason', err)}")
    if bad_files:
        raise ChecksumError("\n".join(bad_files))
    raise ConnectionError(
        f"could not download the MNIST file {name} (no network, or the mirrors are unreachable)."
        + "".join(f"\n  tried {e}" for e in errors)
        + f"\nTo use MNIST offline, download the four files {', '.join(FILES)} on a machine "
        f"with internet access and copy them into {folder} (or set the BPKIT_DATA environment "
        "variable to a folder whose 'mnist' subfolder holds them). "
        "For a data set that ships with bpkit and needs no download, use bpkit.data.load_digits()."
    )


def load_mnist(
    cache_dir: str | os.PathLike | None = None,
    base_url: str | Sequence[str] | None = None,
    *,
    flatten: bool = True,
    normalize: bool = True,
    dtype: DTypeLike = np.float32,
    timeout: float = 30.0,
    checksums: Mapping[str, str] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The MNIST handwritten digits: 60000 training and 10000 test images of 28x28 pixels.

    The first call downloads about 11 MB; later calls read the verified cache.

    Args:
        cache_dir: root of the cache (default ``$BPKIT_DATA`` or ``~/.cache/bpkit``); files go
            to its ``mnist`` subfolder.
        base_url: a base URL (or several, tried in order) holding the four ``.gz`` files;
            default :data:`MIRRORS`. ``file://`` URLs work too.
        flatten: images as rows of 784 pixels (True) or as (28, 28) arrays.
        normalize: scale pixels from 0..255 to [0, 1] (True) or keep the raw uint8 values.
        dtype: float dtype of the images when ``normalize`` (float32 by default: the training
            images take 188 MB in float32, twice that in float64).
        timeout: seconds to wait for each connection.
        checksums: file name -> expected SHA-256 (default :data:`FILES`, the published MNIST
            files); for mirrors of other IDX data with the same file names.

    Returns:
        ``(X_train, y_train, X_test, y_test)``: X of shape (60000, 784) and (10000, 784)
        (or (n, 28, 28)), y int64 of shape (n,) in 0..9.

    Raises:
        ConnectionError: offline and the files are not cached (the message says what to do).
        ChecksumError: a downloaded file is not the expected one (it is deleted).
    """
    folder = cache_directory(cache_dir)
    mirrors = (
        MIRRORS
        if base_url is None
        else ([base_url] if isinstance(base_url, str) else list(base_url))
    )
    checksums = FILES if checksums is None else checksums
    missing = sorted(set(FILES) - set(checksums))
    if missing:
        raise ValueError(f"checksums must give a SHA-256 for every file; missing {missing}")
    paths = {name: _fetch(name, checksums[name], folder, mirrors, timeout) for name in FILES}
    out = []
    for split in ("train", "t10k"):
        images = read_idx(paths[f"{split}-images-idx3-ubyte.gz"])
        labels = read_idx(paths[f"{split}-labels-idx1-ubyte.gz"]).astype(np.int64)
        if images.shape[0] != labels.shape[0]:
            raise ValueError(
                f"MNIST {split}: {images.shape[0]} images but {labels.shape[0]} labels"
            )
        if flatten:
            images = images.reshape(images.shape[0], -1)
        if normalize:
            images = images.astype(dtype) / np.asarray(255, dtype=dtype)
        out += [images, labels]
    return tuple(out)  # type: ignore[return-value]
