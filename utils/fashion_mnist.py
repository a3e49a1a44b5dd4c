"""Fashion-MNIST: download (checksummed, atomic), cache and parse the IDX files with NumPy.

The four files are fetched once from the dataset's official location into the user's
cache directory (never into the repository) and verified against the MD5 checksums
that Zalando Research publishes. Every later call reads the cached files, so the
chapters run offline once the files are there. Without a connection, a reader can
download the four files by other means and place them in :func:`default_cache_dir`.

Nothing is unpickled: the IDX format is a tiny binary header followed by raw numbers,
parsed here by :func:`read_idx`.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import logging
import math
import os
import re
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

__all__ = [
    "BASE_URL",
    "CLASS_NAMES",
    "DEFAULT_TIMEOUT",
    "FILE_NAMES",
    "MD5_CHECKSUMS",
    "ChecksumError",
    "DownloadError",
    "DownloadTimeoutError",
    "FashionMNISTArrays",
    "default_cache_dir",
    "download",
    "load_fashion_mnist_arrays",
    "read_idx",
]

logger = logging.getLogger(__name__)

# Official location and checksums, as published in the "Get the Data" table of the
# Fashion-MNIST README by Zalando Research:
#   https://github.com/zalandoresearch/fashion-mnist/blob/master/README.md#get-the-data
# (values copied verbatim from that table, not computed here).
BASE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
FILE_NAMES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)
MD5_CHECKSUMS: Mapping[str, str] = MappingProxyType(
    {
        TRAIN_IMAGES: "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        TRAIN_LABELS: "25c81989df183df01b3e8a0aad5dffbe",
        TEST_IMAGES: "bef4ecab320f06d8554ea6380940ec79",
        TEST_LABELS: "bb300cfdad3c16e7a12a480ee83cd310",
    }
)

# Label i of the dataset is CLASS_NAMES[i] (the "Labels" table of the same README).
CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

IMAGE_SHAPE = (28, 28)
CACHE_SUBDIR = Path("d2l-notes-book") / "fashion-mnist"
# Seconds to wait for the connection and for each block of data (not for the whole file).
DEFAULT_TIMEOUT = 15.0
_CHUNK_SIZE = 1 << 20

# IDX type codes (third byte of the magic number) and their big-endian NumPy types.
_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"
_MD5_PATTERN = re.compile(r"[0-9a-fA-F]{32}")


class DownloadError(OSError):
    """A file could not be downloaded: HTTP error, no connection, or a cut-off transfer."""


class DownloadTimeoutError(DownloadError, TimeoutError):
    """The server sent nothing for longer than the timeout (also a :class:`TimeoutError`)."""


class ChecksumError(ValueError):
    """A downloaded or cached file does not have the expected MD5 checksum."""


class FashionMNISTArrays(NamedTuple):
    """The four Fashion-MNIST arrays; unpacks like a plain 4-tuple."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray


# ---------------------------------------------------------------- argument checks


def _check_path(value, name: str) -> Path:
    if isinstance(value, bool) or not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or os.PathLike path, got {type(value).__name__}")
    if isinstance(value, str) and not value:
        raise ValueError(f"{name} must not be an empty string")
    return Path(value).expanduser()


def _check_timeout(timeout) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, got {type(timeout).__name__}")
    if not math.isfinite(timeout) or timeout <= 0:
        raise ValueError(f"timeout must be a positive, finite number of seconds, got {timeout!r}")
    return float(timeout)


def _check_md5(value, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str of 32 hexadecimal digits, got {type(value).__name__}")
    if not _MD5_PATTERN.fullmatch(value):
        raise ValueError(f"{name} must be 32 hexadecimal digits (an MD5 checksum), got {value!r}")
    return value.lower()


def _check_http_url(value, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name} must be an http:// or https:// URL, got {value!r}")
    return value


# ---------------------------------------------------------------- IDX parsing


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Parse an IDX file (raw or gzip-compressed) into a NumPy array.

    The IDX format (used by MNIST and Fashion-MNIST) is a 4-byte magic number -- two
    zero bytes, a type code and the number of dimensions -- then one big-endian
    32-bit size per dimension, then the values in C order. All IDX types are
    supported: ``0x08`` uint8, ``0x09`` int8, ``0x0B`` int16, ``0x0C`` int32,
    ``0x0D`` float32 and ``0x0E`` float64 (returned in native byte order).

    Compression is recognised from the content (gzip's ``1f 8b`` signature), not from
    the file name. The data must fill the file exactly: a truncated file or trailing
    bytes are errors, never silently cut or padded.

    Args:
        path: the ``.gz`` or raw IDX file.

    Returns:
        A new, writable array with the shape given in the header.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: the file is not valid gzip or not valid IDX; the message names the
            file and what was expected.
    """
    path = _check_path(path, "path")
    raw = path.read_bytes()
    if raw[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"{path}: not a valid gzip file ({error})") from error
        where = " after decompression"
    else:
        data = raw
        where = ""

    if len(data) < 4:
        raise ValueError(f"{path}: too short for an IDX header: {len(data)} bytes{where}, expected at least 4")
    zero1, zero2, type_code, ndim = data[:4]
    if zero1 != 0 or zero2 != 0:
        raise ValueError(
            f"{path}: bad magic number 0x{data[:4].hex()}: an IDX file starts with two zero bytes "
            "(this is neither an IDX file nor a gzip-compressed one)"
        )
    if type_code not in _IDX_DTYPES:
        known = ", ".join(f"0x{code:02X}" for code in _IDX_DTYPES)
        raise ValueError(
            f"{path}: unknown IDX type code 0x{type_code:02X} in the magic number, expected one of {known}"
        )
    if ndim == 0:
        raise ValueError(f"{path}: the magic number gives 0 dimensions, expected at least 1")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise ValueError(
            f"{path}: truncated header: {ndim} dimensions need {header_size} header bytes, "
            f"but the file holds {len(data)} bytes{where}"
        )
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = _IDX_DTYPES[type_code]
    count = math.prod(shape)
    expected = header_size + count * dtype.itemsize
    if len(data) != expected:
        problem = "truncated" if len(data) < expected else f"{len(data) - expected} trailing bytes"
        raise ValueError(
            f"{path}: {problem}: the header describes shape {shape} of {dtype.name} "
            f"({header_size} + {count * dtype.itemsize} = {expected} bytes), "
            f"but the file holds {len(data)} bytes{where}"
        )
    array = np.frombuffer(data, dtype=dtype, count=count, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="))


# ---------------------------------------------------------------- downloading


def default_cache_dir() -> Path:
    """Return the folder where the Fashion-MNIST files are cached for this user.

    It is ``<user cache>/d2l-notes-book/fashion-mnist``, where ``<user cache>`` is
    ``%LOCALAPPDATA%`` on Windows and ``$XDG_CACHE_HOME`` (if set to an absolute path)
    or ``~/.cache`` elsewhere, Linux and macOS alike. The folder is outside the
    repository, so the data is shared by every copy of the book and never committed.
    It is not created here; downloading creates it.
    """
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        root = Path(local) if local else Path.home() / "AppData" / "Local"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        # The XDG spec says relative paths in $XDG_CACHE_HOME are invalid and must be ignored.
        root = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return root / CACHE_SUBDIR


def _file_md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as file:
        for block in iter(lambda: file.read(_CHUNK_SIZE), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_timeout(error: BaseException) -> bool:
    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        error = error.reason if isinstance(error.reason, BaseException) else error
    return isinstance(error, TimeoutError)


def _transport_error(
    error: BaseException, url: str, path: Path, timeout: float, received: int | None, hint: str
) -> DownloadError:
    """Turn a low-level network exception into a DownloadError with a readable message."""
    if isinstance(error, urllib.error.HTTPError):
        what = f"the server answered HTTP {error.code} {error.reason}"
        error.close()
    elif _is_timeout(error):
        stage = "waiting for the server" if received is None else f"after receiving {received} bytes"
        return DownloadTimeoutError(
            f"Could not download {path.name} from {url}: timed out ({stage}; no data for {timeout:g} s).\n{hint}"
        )
    elif isinstance(error, http.client.IncompleteRead):
        what = f"the transfer was cut off (incomplete read after {received} bytes)"
    elif received is not None:
        what = f"the connection was lost after {received} bytes ({type(error).__name__}: {error})"
    elif isinstance(error, urllib.error.URLError):
        what = f"could not connect ({error.reason})"
    else:
        what = f"the connection failed ({type(error).__name__}: {error})"
    return DownloadError(f"Could not download {path.name} from {url}: {what}.\n{hint}")


def _fetch(url: str, path: Path, md5: str, timeout: float, hint: str | None = None) -> Path:
    """Download ``url`` to ``path`` via a temporary file; arguments are already checked."""
    folder = path.parent
    if hint is None:
        hint = f"Without internet access, download {path.name} by other means (MD5 {md5}) and place it in {folder}."
    if path.is_dir():
        raise IsADirectoryError(f"path {path} is a directory; it must name the file to download")
    folder.mkdir(parents=True, exist_ok=True)
    logger.info("Downloading %s to %s", url, path)

    descriptor, temporary_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    temporary = Path(temporary_name)
    try:
        digest = hashlib.md5(usedforsecurity=False)
        received: int | None = None
        with os.fdopen(descriptor, "wb") as out:
            try:
                response = urllib.request.urlopen(url, timeout=timeout)
            except (OSError, http.client.HTTPException) as error:
                raise _transport_error(error, url, path, timeout, None, hint) from error
            with response:
                length_header = response.headers.get("Content-Length")
                expected_length = int(length_header) if length_header and length_header.isdigit() else None
                received = 0
                while True:
                    try:
                        chunk = response.read1(_CHUNK_SIZE)
                    except (OSError, http.client.HTTPException) as error:
                        raise _transport_error(error, url, path, timeout, received, hint) from error
                    if not chunk:
                        break
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
            if expected_length is not None and received != expected_length:
                raise DownloadError(
                    f"Could not download {path.name} from {url}: the transfer was cut off: "
                    f"received {received} of {expected_length} bytes (Content-Length).\n{hint}"
                )
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if actual != md5:
            raise ChecksumError(
                f"The file downloaded from {url} has MD5 {actual}, expected {md5}; "
                f"it was discarded and {path} was not written. Try again later or use another source.\n{hint}"
            )
        os.replace(temporary, path)
    finally:
        # On success the temporary file has become `path`; on any failure (including
        # Ctrl-C) it is removed, so nothing that looks complete is left behind.
        temporary.unlink(missing_ok=True)
    return path


def download(
    url: str,
    path: str | os.PathLike[str],
    md5: str,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """Download ``url`` to ``path`` and check its MD5, all or nothing.

    The body is streamed into a hidden temporary file in the destination folder; only
    when it is complete (as long as the ``Content-Length`` says) and its MD5 matches is
    it renamed onto ``path`` with :func:`os.replace`, which is atomic. So an interrupted
    or failed download never leaves a file that looks complete, and a file already at
    ``path`` stays untouched unless the new one is good.

    Args:
        url: an ``http://`` or ``https://`` URL.
        path: the destination file; its folder is created if needed.
        md5: the expected MD5 checksum (32 hexadecimal digits).
        timeout: seconds to wait for the connection and for each block of data.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.

    Raises:
        DownloadError: HTTP error (e.g. 404), no connection, or a body cut off early;
            the message names the file, the URL and the folder to place it in by hand.
        DownloadTimeoutError: no data for ``timeout`` seconds (a ``DownloadError`` and
            a ``TimeoutError``).
        ChecksumError: the downloaded data has a different MD5 (both values are named).
    """
    url = _check_http_url(url, "url")
    path = _check_path(path, "path")
    md5 = _check_md5(md5, "md5")
    timeout = _check_timeout(timeout)
    return _fetch(url, path, md5, timeout)


# ---------------------------------------------------------------- loading


def _check_checksums(checksums) -> dict[str, str]:
    if checksums is None:
        return dict(MD5_CHECKSUMS)
    if not isinstance(checksums, Mapping):
        raise TypeError(f"checksums must be a mapping from file name to MD5, got {type(checksums).__name__}")
    missing = [name for name in FILE_NAMES if name not in checksums]
    unknown = [name for name in checksums if name not in FILE_NAMES]
    if missing or unknown:
        raise ValueError(
            f"checksums must have exactly the keys {list(FILE_NAMES)}; missing {missing}, unknown {unknown}"
        )
    return {name: _check_md5(checksums[name], f"checksums[{name!r}]") for name in FILE_NAMES}


def _check_arrays(images: np.ndarray, labels: np.ndarray, image_file: Path, label_file: Path) -> None:
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
        raise ValueError(
            f"{image_file}: expected uint8 images of shape (N, 28, 28), got {images.dtype} of shape {images.shape}"
        )
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise ValueError(
            f"{label_file}: expected uint8 labels of shape (N,), got {labels.dtype} of shape {labels.shape}"
        )
    if images.shape[0] != labels.shape[0]:
        raise ValueError(
            f"{image_file.name} holds {images.shape[0]} images but {label_file.name} holds {labels.shape[0]} labels"
        )
    if labels.size and labels.max() >= len(CLASS_NAMES):
        raise ValueError(f"{label_file}: labels must be in 0..{len(CLASS_NAMES) - 1}, found {int(labels.max())}")


def load_fashion_mnist_arrays(
    cache_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
    base_url: str = BASE_URL,
    checksums: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> FashionMNISTArrays:
    """Return Fashion-MNIST as NumPy arrays, downloading the four files if needed.

    Files already in ``cache_dir`` are used after checking their MD5 (a corrupt
    cached file is an error, never silently used); missing ones are downloaded from
    ``base_url`` when ``download`` is true (see :func:`download`).

    Args:
        cache_dir: folder of the four ``.gz`` files; ``None`` means :func:`default_cache_dir`.
        download: whether missing files may be downloaded.
        base_url: ``http(s)://`` folder holding the four files (the official one by default).
        checksums: MD5 of each of the four file names; ``None`` means the published
            :data:`MD5_CHECKSUMS` (tests pass their own for small stand-in files).
        timeout: seconds to wait for the connection and for each block of data.

    Returns:
        ``(train_images, train_labels, test_images, test_labels)``: uint8 arrays of
        shapes ``[60000, 28, 28]``, ``[60000]``, ``[10000, 28, 28]``, ``[10000]``
        (a :class:`FashionMNISTArrays`, which unpacks like a tuple). Labels index
        :data:`CLASS_NAMES`.

    Raises:
        FileNotFoundError: files are missing and ``download`` is false (lists them and the folder).
        ChecksumError: a cached or downloaded file has the wrong MD5.
        DownloadError: a download failed (lists the missing files and the folder).
        ValueError: a file is not valid IDX, or image and label counts differ.
    """
    folder = default_cache_dir() if cache_dir is None else _check_path(cache_dir, "cache_dir")
    if not isinstance(download, bool):
        raise TypeError(f"download must be True or False, got {download!r}")
    base_url = _check_http_url(base_url, "base_url")
    table = _check_checksums(checksums)
    timeout = _check_timeout(timeout)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"cache_dir {folder} exists but is not a folder")

    missing = []
    for name in FILE_NAMES:
        path = folder / name
        if not path.is_file():
            missing.append(name)
            continue
        actual = _file_md5(path)
        if actual != table[name]:
            raise ChecksumError(
                f"The cached file {path} is corrupt or incomplete: MD5 {actual}, expected {table[name]}. "
                f"Delete it and run again to download it anew (or replace it by a good copy)."
            )

    root = base_url.rstrip("/") + "/"
    if missing and not download:
        raise FileNotFoundError(
            f"Fashion-MNIST files missing in {folder}: {', '.join(missing)} (download=False).\n"
            f"Download them from {root} by other means and place them in {folder}, or pass download=True."
        )
    for index, name in enumerate(missing):
        still_missing = ", ".join(missing[index:])
        hint = (
            f"Without internet access, download the missing files ({still_missing}) "
            f"from {root} by other means and place them in {folder}."
        )
        _fetch(root + name, folder / name, table[name], timeout, hint)

    paths = [folder / name for name in FILE_NAMES]
    arrays = [read_idx(path) for path in paths]
    _check_arrays(arrays[0], arrays[1], paths[0], paths[1])
    _check_arrays(arrays[2], arrays[3], paths[2], paths[3])
    return FashionMNISTArrays(*arrays)
