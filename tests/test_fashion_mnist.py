"""Tests for utils.fashion_mnist: IDX parsing, and downloads (through pooch)
that never leave a bad file.

No test touches the network: downloads come from a small HTTP server on
127.0.0.1 that the tests start and stop themselves, and every file lives in
pytest's tmp_path. The server injects one fault per route (cut-off body,
dropped connection, wrong bytes, 404, silence past the timeout) for the
first of the four files, so that each error path is exercised for real; the
checks are about behaviour: which error, what it says, and what is left in
the cache folder.
"""

import gzip
import hashlib
import http.server
import socket
import struct
import threading
import time
from pathlib import Path

import numpy as np
import pooch
import pytest

from tools.book_toc import ROOT
from tools.browser import free_port
from utils import fashion_mnist as fm
from utils.fashion_mnist import (
    ChecksumError,
    DownloadError,
    default_cache_dir,
    idx_bytes,
    load_fashion_mnist_arrays,
    read_idx,
    write_idx,
)

# seconds; only for the routes that must time out (they stay silent for
# up to SERVER_STALL); the others get the loader's own timeout, so a
# loaded machine cannot turn their error into a timeout
TINY_TIMEOUT = 0.5
SERVER_STALL = (
    5.0  # bounded; the server's waits end at once when the fixture stops it
)


def md5_of(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


RNG = np.random.default_rng(0)
NAMES = fm.FILE_NAMES
FIRST = NAMES[0]
TINY = {
    NAMES[0]: RNG.integers(0, 256, size=(5, 28, 28), dtype=np.uint8),
    NAMES[1]: RNG.integers(0, 10, size=5, dtype=np.uint8),
    NAMES[2]: RNG.integers(0, 256, size=(3, 28, 28), dtype=np.uint8),
    NAMES[3]: RNG.integers(0, 10, size=3, dtype=np.uint8),
}
TINY_FILES = {name: gz(idx_bytes(array)) for name, array in TINY.items()}
TINY_MD5 = {name: md5_of(data) for name, data in TINY_FILES.items()}
GOOD = TINY_FILES[FIRST]
WRONG = bytes(b ^ 0xFF for b in GOOD)  # same length, different bytes


# --- local test server ----------------------------------------------------


def _send_headers(handler, length: int, chunked: bool = False) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/octet-stream")
    if chunked:
        handler.send_header("Transfer-Encoding", "chunked")
    else:
        handler.send_header("Content-Length", str(length))
    handler.end_headers()


def serve(body: bytes):
    def route(handler):
        _send_headers(handler, len(body))
        handler.wfile.write(body)

    return route


def truncated(handler):
    """Content-Length promises the whole file, the body stops halfway, then
    a clean close.
    """
    _send_headers(handler, len(GOOD))
    handler.wfile.write(GOOD[: len(GOOD) // 2])


def dropped(handler):
    """Half the file, then the connection is reset (RST), as when a network
    drops.
    """
    _send_headers(handler, len(GOOD))
    handler.wfile.write(GOOD[: len(GOOD) // 2])
    time.sleep(0.05)
    handler.connection.setsockopt(
        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
    )
    handler.connection.close()


def chunked_cut(handler):
    """Chunked transfer that ends without the final zero-size chunk."""
    _send_headers(handler, 0, chunked=True)
    half = GOOD[: len(GOOD) // 2]
    handler.wfile.write(b"%x\r\n%s\r\n" % (len(half), half))


def silent(handler):
    """No response at all until the client has given up (bounded by
    SERVER_STALL).
    """
    handler.server.stop.wait(SERVER_STALL)


def stall_midway(handler):
    """Headers and half the body, then silence (bounded by SERVER_STALL)."""
    _send_headers(handler, len(GOOD))
    handler.wfile.write(GOOD[: len(GOOD) // 2])
    handler.wfile.flush()
    handler.server.stop.wait(SERVER_STALL)


# one fault per route, on the first file only (no route: a 404); the
# other files are served well on every route
FAULT_ROUTES = {
    "good": serve(GOOD),
    "wrong": serve(WRONG),
    "truncated": truncated,
    "dropped": dropped,
    "chunked-cut": chunked_cut,
    "silent": silent,
    "stall": stall_midway,
    "missing": None,
}
ROUTES = {
    f"/{fault}/{name}": serve(data)
    for fault in FAULT_ROUTES
    for name, data in TINY_FILES.items()
    if name != FIRST
} | {
    f"/{fault}/{FIRST}": route
    for fault, route in FAULT_ROUTES.items()
    if route is not None
}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server dispatches to
        self.server.requests.append(self.path)
        route = ROUTES.get(self.path)
        if route is None:
            self.send_error(404)
        else:
            route(self)

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the clients of the fault routes hang up on purpose


@pytest.fixture(scope="module")
def server():
    """Serve ROUTES on 127.0.0.1 (a free port) in a thread; yield it."""
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.stop = threading.Event()
    httpd.requests = []
    thread = threading.Thread(
        target=httpd.serve_forever,
        kwargs={"poll_interval": 0.05},
        daemon=True,
    )
    thread.start()
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.stop.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def no_proxy_for_loopback(monkeypatch):
    """Keep a proxy set in the environment from intercepting 127.0.0.1."""
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")


def assert_folder_holds(folder: Path, expected: dict[str, bytes]) -> None:
    """The folder holds exactly ``expected`` (name -> bytes): no final file,
    no temp files.
    """
    present = (
        {path.name: path.read_bytes() for path in folder.iterdir()}
        if folder.exists()
        else {}
    )
    assert present == expected


@pytest.fixture(autouse=True)
def tiny_checksums(monkeypatch):
    """The tiny stand-in files have their own checksums (the published ones
    are tested below).
    """
    monkeypatch.setattr(fm, "MD5_CHECKSUMS", dict(TINY_MD5))


def place(folder: Path, names) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(TINY_FILES[name])


def assert_tiny_arrays(arrays) -> None:
    assert len(arrays) == 4
    for array, name in zip(arrays, NAMES):
        np.testing.assert_array_equal(array, TINY[name])
        assert array.dtype == np.uint8


# --- constants and IDX ----------------------------------------------------


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
@pytest.mark.parametrize(
    ("type_code", "array"),
    [
        (0x08, np.arange(24, dtype=np.uint8).reshape(2, 3, 4)),
        (0x09, np.array([-128, -1, 0, 127], dtype=np.int8)),
        (0x0B, np.array([[-300, 2], [3, 30000]], dtype=np.int16)),
        (0x0C, np.array([-(2**31), 2**31 - 1], dtype=np.int32)),
        (0x0D, np.array([1.5, -2.25], dtype=np.float32)),
        (0x0E, np.array([np.pi, -1e300], dtype=np.float64)),
    ],
    ids=["u8", "i8", "i16", "i32", "f32", "f64"],
)
def test_write_idx_and_read_idx_round_trip_every_type(
    tmp_path, type_code, array, compress
):
    path = tmp_path / ("file.idx.gz" if compress else "file.idx")
    data = write_idx(array, path)
    assert path.read_bytes() == data
    raw = gzip.decompress(data) if compress else data
    # the header, written out by hand from the format's description: two
    # zero bytes, the type code, ndim, one big-endian 32-bit size per axis
    assert raw[:4] == bytes([0, 0, type_code, array.ndim])
    assert raw[4 : 4 + 4 * array.ndim] == b"".join(
        struct.pack(">I", n) for n in array.shape
    )
    assert (
        raw[4 + 4 * array.ndim :]
        == array.astype(array.dtype.newbyteorder(">")).tobytes()
    )
    parsed = read_idx(path)
    np.testing.assert_array_equal(parsed, array)
    assert (
        parsed.dtype == array.dtype.newbyteorder("=")
        and parsed.flags.writeable
    )


def test_gzip_idx_files_do_not_depend_on_the_clock(tmp_path):
    data = write_idx(np.arange(6, dtype=np.uint8), tmp_path / "a.gz")
    # RFC 1952: bytes 4-7 of the gzip header are MTIME, 0 = no time stamp
    assert data[:2] == b"\x1f\x8b" and data[4:8] == bytes(4)


@pytest.mark.parametrize(
    "array",
    [np.zeros(3, dtype=np.uint16), np.zeros(3, dtype=bool), np.uint8(1)],
    ids=["uint16", "bool", "0-d"],
)
def test_write_idx_refuses_what_idx_cannot_hold(tmp_path, array):
    with pytest.raises(ValueError, match="IDX holds"):
        write_idx(array, tmp_path / "x.idx")
    assert not (tmp_path / "x.idx").exists()


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        (
            idx_bytes(np.arange(6, dtype=np.uint8))[:-1],
            "truncated or corrupt",
        ),
        (
            idx_bytes(np.arange(6, dtype=np.uint8)) + b"x",
            "truncated or corrupt",
        ),
        (b"\x01\x00\x08\x01" + b"\0" * 8, "not an IDX file"),
        (b"\x00\x00\x07\x01" + b"\0" * 8, "not an IDX file"),
        (b"\x00\x00", "not an IDX file"),
        (GOOD[:20], "not a valid gzip file"),
    ],
    ids=["truncated", "trailing", "magic", "type", "short", "gzip"],
)
def test_read_idx_rejects_corrupt_files(tmp_path, data, pattern):
    path = tmp_path / "bad.gz"
    path.write_bytes(data)
    with pytest.raises(ValueError, match=pattern) as error:
        read_idx(path)
    assert str(path) in str(error.value)


# --- loading and downloading ----------------------------------------------


def test_load_downloads_then_uses_the_cache(server, tmp_path):
    folder = tmp_path / "cache"
    assert_tiny_arrays(
        load_fashion_mnist_arrays(folder, base_url=server.base + "/good/")
    )
    # no temporary files left
    assert sorted(p.name for p in folder.iterdir()) == sorted(NAMES)
    before = len(server.requests)
    assert_tiny_arrays(
        load_fashion_mnist_arrays(folder, base_url=server.base + "/good/")
    )
    # the cache is used, nothing is fetched again
    assert len(server.requests) == before


def test_load_downloads_only_the_missing_files(server, tmp_path):
    place(tmp_path, NAMES[1:])
    before = len(server.requests)
    assert_tiny_arrays(
        load_fashion_mnist_arrays(tmp_path, base_url=server.base + "/good/")
    )
    assert server.requests[before:] == [f"/good/{FIRST}"]


FAULTS = [
    ("wrong", ChecksumError, "does not have the published MD5", fm.TIMEOUT),
    ("truncated", DownloadError, "Could not download", fm.TIMEOUT),
    ("dropped", DownloadError, "Could not download", fm.TIMEOUT),
    ("chunked-cut", DownloadError, "Could not download", fm.TIMEOUT),
    ("missing", DownloadError, "404", fm.TIMEOUT),
    ("silent", DownloadError, "timed out|Read timed out", TINY_TIMEOUT),
    ("stall", DownloadError, "timed out|Read timed out", TINY_TIMEOUT),
]


@pytest.mark.parametrize(
    ("route", "error", "pattern", "timeout"),
    FAULTS,
    ids=[route for route, *_ in FAULTS],
)
def test_a_failed_download_leaves_nothing_half_written(
    server, tmp_path, route, error, pattern, timeout
):
    place(tmp_path, NAMES[1:])  # good cached files must stay untouched
    with pytest.raises(error, match=pattern) as raised:
        load_fashion_mnist_arrays(
            tmp_path, base_url=f"{server.base}/{route}/", timeout=timeout
        )
    message = str(raised.value)
    # what is missing, and where to put it by hand
    assert FIRST in message and str(tmp_path) in message
    # no partial or temporary file
    assert_folder_holds(
        tmp_path, {name: TINY_FILES[name] for name in NAMES[1:]}
    )


def test_offline_the_error_names_the_missing_files_and_the_folder(
    tmp_path, monkeypatch
):
    port = free_port()  # nothing listens: refused at once
    # pooch sleeps before each retry: none means it fails at once
    waits = []
    monkeypatch.setattr(pooch.core.time, "sleep", waits.append)
    with pytest.raises(DownloadError) as raised:
        load_fashion_mnist_arrays(
            tmp_path / "cache", base_url=f"http://127.0.0.1:{port}/"
        )
    assert waits == []
    message = str(raised.value)
    assert (
        all(name in message for name in NAMES)
        and str(tmp_path / "cache") in message
    )
    assert "by other means" in message


def test_without_download_the_missing_files_are_listed(tmp_path):
    place(tmp_path, NAMES[:2])
    with pytest.raises(FileNotFoundError, match="download=False") as raised:
        load_fashion_mnist_arrays(tmp_path, download=False)
    assert (
        NAMES[2] in str(raised.value)
        and NAMES[3] in str(raised.value)
        and NAMES[0] not in str(raised.value)
    )


def test_a_corrupt_cached_file_is_an_error_that_says_to_delete_it(tmp_path):
    place(tmp_path, NAMES)
    (tmp_path / NAMES[2]).write_bytes(TINY_FILES[NAMES[2]][:-3])
    with pytest.raises(ChecksumError, match="Delete it") as raised:
        load_fashion_mnist_arrays(tmp_path, download=False)
    assert str(tmp_path / NAMES[2]) in str(raised.value)


@pytest.mark.parametrize(
    ("name", "array", "pattern"),
    [
        (NAMES[1], np.zeros(4, dtype=np.uint8), "with N labels"),
        (NAMES[0], np.zeros((5, 27, 28), dtype=np.uint8), "28x28"),
        (
            NAMES[3],
            np.array([0, 10, 1], dtype=np.uint8),
            "labels must be in 0..9",
        ),
    ],
    ids=["counts", "shape", "labels"],
)
def test_arrays_that_do_not_fit_fashion_mnist_are_rejected(
    tmp_path, monkeypatch, name, array, pattern
):
    files = dict(TINY_FILES, **{name: gz(idx_bytes(array))})
    monkeypatch.setattr(
        fm, "MD5_CHECKSUMS", {n: md5_of(data) for n, data in files.items()}
    )
    for file_name, data in files.items():
        (tmp_path / file_name).write_bytes(data)
    with pytest.raises(ValueError, match=pattern):
        load_fashion_mnist_arrays(tmp_path, download=False)


def test_the_variable_names_the_folder_that_loading_uses(
    monkeypatch, tmp_path
):
    place(tmp_path, NAMES)
    monkeypatch.setenv(fm.CACHE_DIR_VARIABLE, str(tmp_path))
    assert default_cache_dir() == tmp_path
    assert_tiny_arrays(load_fashion_mnist_arrays(download=False))


def test_the_default_cache_dir_is_outside_the_repository(monkeypatch):
    monkeypatch.delenv(fm.CACHE_DIR_VARIABLE, raising=False)
    monkeypatch.chdir(ROOT)
    folder = default_cache_dir()
    assert folder.is_absolute() and ROOT not in folder.parents
