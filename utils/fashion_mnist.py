"""Fashion-MNIST for readers who are online: fetched once with pooch,
verified, cached, parsed with NumPy.

The four files come from the dataset's official location and are checked
against the MD5 checksums that Zalando Research publishes. ``pooch``
downloads each into a temporary file and moves it into the cache only after
its checksum matched, so a half-written or corrupt download is never used.
Without a connection, a reader can fetch the four files by other means and
place them in :func:`default_cache_dir`. Nothing is unpickled:
:func:`read_idx` parses the tiny IDX format itself (and :func:`write_idx`
writes it, for tests and the offline stand-in). torchvision, which
could parse it, is not a dependency of this book: every torchvision release
requires one exact PyTorch version, and the book pins PyTorch alone.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import pooch
import requests

# The "Get the Data" and "Labels" tables of the Fashion-MNIST README:
# https://github.com/zalandoresearch/fashion-mnist/blob/master/README.md#get-the-data
BASE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
MD5_CHECKSUMS = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
FILE_NAMES = tuple(MD5_CHECKSUMS)
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
TIMEOUT = 15.0  # seconds without data before a download gives up
# set to a folder, it replaces the user's cache folder (tests, benchmark)
CACHE_DIR_VARIABLE = "D2L_NOTES_FASHION_MNIST_DIR"
# IDX type code -> big-endian NumPy dtype (the format's only table)
IDX_TYPES = {
    0x08: ">u1",
    0x09: ">i1",
    0x0B: ">i2",
    0x0C: ">i4",
    0x0D: ">f4",
    0x0E: ">f8",
}


class DownloadError(OSError):
    """A file could not be downloaded (no connection, HTTP error, cut-off
    transfer, timeout).
    """


class ChecksumError(ValueError):
    """A downloaded or cached file does not have the published MD5."""


def default_cache_dir() -> Path:
    """The folder for the files: ``$D2L_NOTES_FASHION_MNIST_DIR`` if set,
    else the user's cache folder, outside the repository.

    The user's cache folder is ``~/.cache/d2l-notes-book/fashion-mnist`` on
    Linux (``$XDG_CACHE_HOME`` if set) and the platform's own cache folder
    on macOS and Windows (pooch's ``os_cache``). The variable lets a test
    or the benchmark point every loader, in any process, at a folder of its
    own on every platform.
    """
    folder = os.environ.get(CACHE_DIR_VARIABLE)
    if folder:
        return Path(folder)
    return Path(pooch.os_cache("d2l-notes-book")) / "fashion-mnist"


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Parse an IDX file, raw or gzip-compressed, into a NumPy array in
    native byte order.

    IDX: two zero bytes, a type code, the number of dimensions, one
    big-endian 32-bit size per dimension, then the values in C order. A file
    whose size does not match its header (truncated, or with trailing bytes)
    is an error, never silently cut.
    """
    path = Path(path)
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise ValueError(
                f"{path}: not a valid gzip file ({error})"
            ) from error
    if (
        len(data) < 4
        or data[:2] != b"\0\0"
        or data[2] not in IDX_TYPES
        or data[3] == 0
    ):
        raise ValueError(
            f"{path}: not an IDX file (magic number 0x{data[:4].hex()})"
        )
    ndim, dtype = data[3], np.dtype(IDX_TYPES[data[2]])
    header = 4 + 4 * ndim
    shape = tuple(
        int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big")
        for i in range(ndim)
    )
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(data) != expected:
        raise ValueError(
            f"{path}: the header describes {shape} {dtype.name} values "
            f"({expected} bytes), "
            f"the file holds {len(data)} bytes: truncated or corrupt"
        )
    return (
        np.frombuffer(data, dtype=dtype, offset=header)
        .reshape(shape)
        .astype(dtype.newbyteorder("="))
    )


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode ``array`` in the IDX format that :func:`read_idx` parses.

    The type code comes from the array's dtype (one of ``IDX_TYPES``); the
    values are written big-endian, in C order.
    """
    array = np.asarray(array)
    codes = {np.dtype(big).str[1:]: code for code, big in IDX_TYPES.items()}
    code = codes.get(array.dtype.str[1:])
    if code is None or array.ndim == 0:
        raise ValueError(
            "IDX holds arrays of at least one dimension of "
            f"{', '.join(sorted(codes))}, got a {array.ndim}-d "
            f"{array.dtype} array"
        )
    header = bytes([0, 0, code, array.ndim]) + b"".join(
        size.to_bytes(4, "big") for size in array.shape
    )
    big_endian = np.ascontiguousarray(array, IDX_TYPES[code])
    return header + big_endian.tobytes()


def write_idx(array: np.ndarray, path: str | os.PathLike[str]) -> bytes:
    """Write ``array`` as an IDX file, gzip-compressed when ``path`` ends in
    ``.gz`` as Fashion-MNIST's files are; return the bytes written.

    The gzip header carries no time stamp, so the same array always gives
    the same bytes (and the same MD5).
    """
    path = Path(path)
    data = idx_bytes(array)
    if path.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return data


def load_fashion_mnist_arrays(
    cache_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
    base_url: str = BASE_URL,
    timeout: float = TIMEOUT,
) -> tuple[np.ndarray, ...]:
    """``(train_images, train_labels, test_images, test_labels)`` as uint8
    arrays, downloading missing files.

    Cached files are used after checking their MD5 (a corrupt one is an
    error that says to delete it); missing ones are downloaded from
    ``base_url`` when ``download`` is true, with a progress bar. Offline,
    the error names the missing files and the folder where they can be
    placed by hand.
    """
    folder = default_cache_dir() if cache_dir is None else Path(cache_dir)
    fetcher = pooch.create(
        path=folder,
        base_url=base_url,
        retry_if_failed=0,
        registry={
            name: f"md5:{md5}" for name, md5 in MD5_CHECKSUMS.items()
        },
    )
    for name in FILE_NAMES:
        path = folder / name
        if (
            path.is_file()
            and pooch.file_hash(str(path), alg="md5") != MD5_CHECKSUMS[name]
        ):
            raise ChecksumError(
                f"The cached file {path} is corrupt or incomplete (its "
                "MD5 is not the published "
                f"{MD5_CHECKSUMS[name]}). Delete it and run again to "
                "download it anew."
            )
    missing = [name for name in FILE_NAMES if not (folder / name).is_file()]
    by_hand = (
        f"Without internet access, download {', '.join(missing)} from "
        f"{base_url} by other means "
        f"and place them in {folder}."
    )
    if missing and not download:
        raise FileNotFoundError(
            f"Fashion-MNIST files missing in {folder} (download=False). "
            f"{by_hand}"
        )
    downloader = pooch.HTTPDownloader(timeout=timeout, progressbar=True)
    for name in missing:
        try:
            fetcher.fetch(name, downloader=downloader)
        except requests.RequestException as error:
            raise DownloadError(
                f"Could not download {name} from {base_url}: "
                f"{error}.\n{by_hand}"
            ) from error
        except (
            ValueError
        ) as error:  # pooch: the download's hash is not the published one
            raise ChecksumError(
                f"The download of {name} from {base_url} does not have "
                "the published MD5 "
                f"{MD5_CHECKSUMS[name]}; nothing was saved. {by_hand}"
            ) from error
    arrays = tuple(read_idx(folder / name) for name in FILE_NAMES)
    for images, labels, name in (
        (arrays[0], arrays[1], FILE_NAMES[0]),
        (arrays[2], arrays[3], FILE_NAMES[2]),
    ):
        if (
            images.dtype != np.uint8
            or images.shape[1:] != (28, 28)
            or labels.shape != images.shape[:1]
        ):
            raise ValueError(
                f"{folder / name}: expected N uint8 images of 28x28 with "
                "N labels, got "
                f"{images.dtype} {images.shape} and {labels.shape} labels"
            )
        if labels.size and labels.max() >= len(CLASS_NAMES):
            raise ValueError(
                f"{folder / name}: labels must be in 0..9, found "
                f"{int(labels.max())}"
            )
    return arrays
