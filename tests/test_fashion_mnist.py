"""Unit tests for utils.fashion_mnist: IDX parsing, atomic checksummed downloads, the cache.

No test touches the network: downloads come from a small HTTP server on 127.0.0.1 that
the tests start and stop themselves, and every file lives in pytest's tmp_path. The
server injects one fault per route (cut-off body, dropped connection, wrong bytes,
404, silence past the timeout) so that each error path is exercised for real.
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
import pytest

from utils import fashion_mnist as fm
from utils.fashion_mnist import (
    ChecksumError,
    DownloadError,
    DownloadTimeoutError,
    default_cache_dir,
    download,
    load_fashion_mnist_arrays,
    read_idx,
)

ROOT = Path(__file__).resolve().parent.parent
TINY_TIMEOUT = 0.5  # seconds; the slow routes stay silent for up to SERVER_STALL
SERVER_STALL = 5.0  # bounded; the server's waits end at once when the fixture stops it
OFFLINE_TIMEOUT = 30  # a refused connection must fail at once, far below this timeout


def md5_of(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def idx_bytes(array: np.ndarray, type_code: int = 0x08) -> bytes:
    """Encode ``array`` as IDX: two zero bytes, type code, ndim, big-endian sizes, big-endian data."""
    big_endian = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[type_code]
    header = bytes([0, 0, type_code, array.ndim]) + b"".join(struct.pack(">I", n) for n in array.shape)
    return header + np.ascontiguousarray(array, dtype=big_endian).tobytes()


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


RNG = np.random.default_rng(0)
TINY = {
    fm.TRAIN_IMAGES: RNG.integers(0, 256, size=(5, 28, 28), dtype=np.uint8),
    fm.TRAIN_LABELS: RNG.integers(0, 10, size=5, dtype=np.uint8),
    fm.TEST_IMAGES: RNG.integers(0, 256, size=(3, 28, 28), dtype=np.uint8),
    fm.TEST_LABELS: RNG.integers(0, 10, size=3, dtype=np.uint8),
}
TINY_FILES = {name: gz(idx_bytes(array)) for name, array in TINY.items()}
TINY_MD5 = {name: md5_of(data) for name, data in TINY_FILES.items()}

GOOD = gz(idx_bytes(np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)))
WRONG = bytes(b ^ 0xFF for b in GOOD)  # same length, different bytes
OLD = b"a previously downloaded, good file"


# ---------------------------------------------------------------- local test server


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
    """Content-Length promises the whole file, the body stops halfway, then a clean close."""
    _send_headers(handler, len(GOOD))
    handler.wfile.write(GOOD[: len(GOOD) // 2])


def dropped(handler):
    """Half the file, then the connection is reset (RST), as when a network drops."""
    _send_headers(handler, len(GOOD))
    handler.wfile.write(GOOD[: len(GOOD) // 2])
    time.sleep(0.05)
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()


def chunked_cut(handler):
    """Chunked transfer that ends without the final zero-size chunk."""
    _send_headers(handler, 0, chunked=True)
    half = GOOD[: len(GOOD) // 2]
    handler.wfile.write(b"%x\r\n%s\r\n" % (len(half), half))


def silent(handler):
    """No response at all until the client has given up (bounded by SERVER_STALL)."""
    handler.server.stop.wait(SERVER_STALL)


def stall_midway(handler):
    """Headers and half the body, then silence (bounded by SERVER_STALL)."""
    _send_headers(handler, len(GOOD))
    handler.wfile.write(GOOD[: len(GOOD) // 2])
    handler.wfile.flush()
    handler.server.stop.wait(SERVER_STALL)


ROUTES = {
    "/good.gz": serve(GOOD),
    "/wrong.gz": serve(WRONG),
    "/truncated.gz": truncated,
    "/dropped.gz": dropped,
    "/chunked-cut.gz": chunked_cut,
    "/silent.gz": silent,
    "/stall.gz": stall_midway,
    **{f"/mirror/{name}": serve(data) for name, data in TINY_FILES.items()},
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
    """Serve ROUTES on 127.0.0.1 (free port) in a thread; yields the base URL."""
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.stop = threading.Event()
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.stop.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def no_proxy_for_loopback(monkeypatch):
    """Keep a proxy configured in the environment from intercepting 127.0.0.1."""
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")


def closed_port() -> int:
    """A loopback port with nothing listening (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def assert_folder_holds(folder: Path, expected: dict[str, bytes]) -> None:
    """The folder holds exactly ``expected`` (name -> bytes): no final file, no temp files."""
    present = {path.name: path.read_bytes() for path in folder.iterdir()} if folder.exists() else {}
    assert present == expected


# ---------------------------------------------------------------- constants


def test_published_constants():
    # The values of the "Get the Data" table of zalandoresearch/fashion-mnist README.md.
    assert fm.BASE_URL == "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
    assert dict(fm.MD5_CHECKSUMS) == {
        "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
    }
    assert fm.FILE_NAMES == tuple(fm.MD5_CHECKSUMS)
    assert fm.CLASS_NAMES[0] == "T-shirt/top" and fm.CLASS_NAMES[9] == "Ankle boot" and len(fm.CLASS_NAMES) == 10
    with pytest.raises(TypeError):
        fm.MD5_CHECKSUMS["train-images-idx3-ubyte.gz"] = "0" * 32  # read-only


# ---------------------------------------------------------------- read_idx


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
@pytest.mark.parametrize(
    ("type_code", "array"),
    [
        (0x08, np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)),
        (0x08, np.array([9, 0, 3], dtype=np.uint8)),
        (0x09, np.array([[-128, 127], [0, -1]], dtype=np.int8)),
        (0x0B, np.array([-30000, 2, 30000], dtype=np.int16)),
        (0x0C, np.array([[-(2**31), 1, 2**31 - 1]], dtype=np.int32)),
        (0x0D, np.array([1.5, -2.25, np.inf], dtype=np.float32)),
        (0x0E, np.array([[np.pi], [-1e300]], dtype=np.float64)),
        (0x08, np.zeros((0, 28, 28), dtype=np.uint8)),
    ],
    ids=["uint8-images", "uint8-labels", "int8", "int16", "int32", "float32", "float64", "empty"],
)
def test_read_idx_parses_every_type(tmp_path, type_code, array, compress):
    data = idx_bytes(array, type_code)
    path = tmp_path / "file.idx"
    path.write_bytes(gz(data) if compress else data)
    result = read_idx(path)
    assert result.dtype == array.dtype and result.dtype.isnative
    assert result.shape == array.shape
    np.testing.assert_array_equal(result, array)
    assert result.flags.writeable
    assert read_idx(str(path)).shape == array.shape  # str paths work too


HEADER = bytes([0, 0, 0x08, 1]) + struct.pack(">I", 4)


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        (b"\x01\x00\x08\x01" + HEADER[4:] + b"abcd", r"bad magic number 0x01000801.*two zero bytes"),
        (b"\x00\x07\x08\x01" + HEADER[4:] + b"abcd", r"bad magic number"),
        (b"\x00\x00\x07\x01" + HEADER[4:] + b"abcd", r"unknown IDX type code 0x07.*0x08"),
        (b"\x00\x00\x08\x00", r"0 dimensions"),
        (b"\x00\x00", r"too short for an IDX header: 2 bytes"),
        (b"\x00\x00\x08\x03" + struct.pack(">I", 4), r"truncated header: 3 dimensions need 16 header bytes"),
        (HEADER + b"abc", r"truncated: the header describes shape \(4,\) of uint8 .*= 12 bytes.*holds 11 bytes"),
        (HEADER + b"abcd" + b"xyz", r"3 trailing bytes: .*= 12 bytes.*holds 15 bytes"),
        (bytes([0, 0, 0x0D, 1]) + struct.pack(">I", 2) + b"\x00" * 7, r"truncated: .*float32.*= 16 bytes"),
    ],
    ids=["magic-first", "magic-second", "type-code", "no-dims", "tiny", "header", "truncated", "trailing", "float"],
)
def test_read_idx_rejects_corrupt_files(tmp_path, data, pattern, compress):
    path = tmp_path / "bad.idx"
    path.write_bytes(gz(data) if compress else data)
    with pytest.raises(ValueError, match=pattern) as info:
        read_idx(path)
    message = str(info.value)
    assert str(path) in message
    if "holds" in message:  # byte counts refer to the decompressed data of a .gz file
        assert ("after decompression" in message) == compress


@pytest.mark.parametrize(
    "data",
    [gz(HEADER + b"abcd")[:-6], gz(HEADER + b"abcd")[:12], b"\x1f\x8b" + b"not gzip at all"],
    ids=["cut-trailer", "cut-stream", "bad-stream"],
)
def test_read_idx_rejects_broken_gzip(tmp_path, data):
    path = tmp_path / "bad.gz"
    path.write_bytes(data)
    with pytest.raises(ValueError, match="not a valid gzip file") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_read_idx_argument_and_missing_file(tmp_path):
    with pytest.raises(TypeError, match="path must be a str or os.PathLike"):
        read_idx(123)
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "nowhere.gz")


# ---------------------------------------------------------------- download


@pytest.mark.parametrize("preexisting", [False, True], ids=["empty", "old-file"])
def test_download_writes_verified_file(server, tmp_path, preexisting):
    path = tmp_path / "cache" / "nested" / "good.gz"
    if preexisting:
        path.parent.mkdir(parents=True)
        path.write_bytes(OLD)
    result = download(f"{server.base}/good.gz", path, md5_of(GOOD).upper(), timeout=5)
    assert result == path
    assert_folder_holds(path.parent, {"good.gz": GOOD})


FAULTS = [
    ("/truncated.gz", DownloadError, r"cut off: received \d+ of \d+ bytes \(Content-Length\)"),
    ("/dropped.gz", DownloadError, r"connection"),
    ("/chunked-cut.gz", DownloadError, r"cut off \(incomplete read after \d+ bytes\)"),
    ("/wrong.gz", ChecksumError, rf"MD5 {md5_of(WRONG)}, expected {md5_of(GOOD)}; it was discarded"),
    ("/missing.gz", DownloadError, r"HTTP 404 Not Found"),
    ("/silent.gz", DownloadTimeoutError, r"timed out \(waiting for the server; no data for 0.5 s\)"),
    ("/stall.gz", DownloadTimeoutError, r"timed out \(after receiving \d+ bytes; no data for 0.5 s\)"),
]


@pytest.mark.parametrize("preexisting", [False, True], ids=["empty", "old-file"])
@pytest.mark.parametrize(("route", "error", "pattern"), FAULTS, ids=[route for route, *_ in FAULTS])
def test_download_faults_leave_no_complete_looking_file(server, tmp_path, route, error, pattern, preexisting):
    folder = tmp_path / "cache"
    path = folder / "data.gz"
    if preexisting:
        folder.mkdir()
        path.write_bytes(OLD)
    url = f"{server.base}{route}"
    start = time.monotonic()
    with pytest.raises(error, match=pattern) as info:
        download(url, path, md5_of(GOOD), timeout=TINY_TIMEOUT)
    assert time.monotonic() - start < SERVER_STALL  # gave up after the timeout, not the server's stall
    message = str(info.value)
    assert url in message and "data.gz" in message and str(folder) in message
    # nothing that looks complete: no final file (or the old one, untouched) and no temporary file
    assert_folder_holds(folder, {"data.gz": OLD} if preexisting else {})


def test_download_timeout_is_also_a_builtin_timeout_error():
    assert issubclass(DownloadTimeoutError, TimeoutError) and issubclass(DownloadTimeoutError, DownloadError)
    assert issubclass(DownloadError, OSError) and issubclass(ChecksumError, ValueError)


def test_download_offline_fails_fast_and_says_where_to_put_the_file(tmp_path):
    folder = tmp_path / "cache"
    url = f"http://127.0.0.1:{closed_port()}/data.gz"
    start = time.monotonic()
    with pytest.raises(DownloadError, match="could not connect") as info:
        download(url, folder / "data.gz", md5_of(GOOD), timeout=OFFLINE_TIMEOUT)
    assert time.monotonic() - start < OFFLINE_TIMEOUT / 3
    message = str(info.value)
    assert url in message and f"place it in {folder}" in message and md5_of(GOOD) in message
    assert_folder_holds(folder, {})


def test_download_into_a_directory_is_refused(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a directory"):
        download("http://127.0.0.1:1/x.gz", tmp_path, md5_of(GOOD))


GOOD_ARGS = {"url": "http://127.0.0.1:1/x.gz", "path": "x.gz", "md5": "0" * 32, "timeout": 1}


@pytest.mark.parametrize(
    ("changes", "error", "pattern"),
    [
        ({"url": 123}, TypeError, "url must be a str"),
        ({"url": "ftp://example.org/x.gz"}, ValueError, "url must be an http:// or https:// URL"),
        ({"url": "file:///etc/passwd"}, ValueError, "url must be an http:// or https:// URL"),
        ({"url": "http:///x.gz"}, ValueError, "url must be an http:// or https:// URL"),
        ({"path": None}, TypeError, "path must be a str or os.PathLike"),
        ({"path": ""}, ValueError, "path must not be an empty string"),
        ({"md5": None}, TypeError, "md5 must be a str"),
        ({"md5": "abc"}, ValueError, "md5 must be 32 hexadecimal digits"),
        ({"md5": "g" * 32}, ValueError, "md5 must be 32 hexadecimal digits"),
        ({"timeout": 0}, ValueError, "timeout must be a positive"),
        ({"timeout": -0.5}, ValueError, "timeout must be a positive"),
        ({"timeout": float("nan")}, ValueError, "timeout must be a positive"),
        ({"timeout": float("inf")}, ValueError, "timeout must be a positive"),
        ({"timeout": True}, TypeError, "timeout must be a number"),
        ({"timeout": "5"}, TypeError, "timeout must be a number"),
        ({"timeout": None}, TypeError, "timeout must be a number"),
    ],
)
def test_download_rejects_bad_arguments(tmp_path, monkeypatch, changes, error, pattern):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error, match=pattern):
        download(**{**GOOD_ARGS, **changes})
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- default_cache_dir


def test_default_cache_dir_follows_xdg_and_home(monkeypatch, tmp_path):
    monkeypatch.setattr(fm.sys, "platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "d2l-notes-book" / "fashion-mnist"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # invalid per the XDG spec: ignored
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "d2l-notes-book" / "fashion-mnist"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "d2l-notes-book" / "fashion-mnist"
    assert not default_cache_dir().exists()  # not created until something is downloaded


def test_default_cache_dir_on_windows_uses_localappdata(monkeypatch, tmp_path):
    monkeypatch.setattr(fm.sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert default_cache_dir() == tmp_path / "Local" / "d2l-notes-book" / "fashion-mnist"


def test_default_cache_dir_is_outside_the_repository():
    assert ROOT not in default_cache_dir().parents


# ---------------------------------------------------------------- load_fashion_mnist_arrays


def place(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def assert_tiny_arrays(arrays) -> None:
    train_images, train_labels, test_images, test_labels = arrays
    for array, name in zip(arrays, fm.FILE_NAMES):
        assert array.dtype == np.uint8
        np.testing.assert_array_equal(array, TINY[name])
    assert train_images.shape == (5, 28, 28) and train_labels.shape == (5,)
    assert test_images.shape == (3, 28, 28) and test_labels.shape == (3,)
    assert arrays.train_images is train_images  # also a named tuple


def test_load_downloads_then_uses_the_cache(server, tmp_path):
    folder = tmp_path / "cache"
    before = len(server.requests)
    arrays = load_fashion_mnist_arrays(folder, base_url=f"{server.base}/mirror", checksums=TINY_MD5, timeout=5)
    assert_tiny_arrays(arrays)
    assert sorted(server.requests[before:]) == sorted(f"/mirror/{name}" for name in fm.FILE_NAMES)
    assert_folder_holds(folder, TINY_FILES)
    # second time: offline and with download=False, the cache is enough
    offline = f"http://127.0.0.1:{closed_port()}/"
    assert_tiny_arrays(load_fashion_mnist_arrays(folder, download=False, base_url=offline, checksums=TINY_MD5))
    assert_tiny_arrays(load_fashion_mnist_arrays(str(folder), base_url=offline, checksums=TINY_MD5))


def test_load_downloads_only_the_missing_files(server, tmp_path):
    folder = tmp_path / "cache"
    place(folder, {fm.TRAIN_IMAGES: TINY_FILES[fm.TRAIN_IMAGES], fm.TEST_LABELS: TINY_FILES[fm.TEST_LABELS]})
    before = len(server.requests)
    arrays = load_fashion_mnist_arrays(folder, base_url=f"{server.base}/mirror/", checksums=TINY_MD5, timeout=5)
    assert_tiny_arrays(arrays)
    assert sorted(server.requests[before:]) == sorted(f"/mirror/{name}" for name in (fm.TRAIN_LABELS, fm.TEST_IMAGES))


def test_load_without_download_lists_missing_files(tmp_path):
    folder = tmp_path / "cache"
    place(folder, {fm.TRAIN_IMAGES: TINY_FILES[fm.TRAIN_IMAGES]})
    with pytest.raises(FileNotFoundError) as info:
        load_fashion_mnist_arrays(folder, download=False, checksums=TINY_MD5)
    message = str(info.value)
    assert str(folder) in message and "download=False" in message and fm.BASE_URL in message
    assert all(name in message for name in fm.FILE_NAMES[1:]) and fm.TRAIN_IMAGES not in message


def test_load_offline_names_the_missing_files_and_the_folder(tmp_path):
    folder = tmp_path / "cache"
    place(folder, {fm.TRAIN_IMAGES: TINY_FILES[fm.TRAIN_IMAGES]})
    base_url = f"http://127.0.0.1:{closed_port()}/fashion/"
    start = time.monotonic()
    with pytest.raises(DownloadError, match="could not connect") as info:
        load_fashion_mnist_arrays(folder, base_url=base_url, checksums=TINY_MD5, timeout=OFFLINE_TIMEOUT)
    assert time.monotonic() - start < OFFLINE_TIMEOUT / 3
    message = str(info.value)
    assert f"place them in {folder}" in message and base_url in message
    assert all(name in message for name in fm.FILE_NAMES[1:])
    assert_folder_holds(folder, {fm.TRAIN_IMAGES: TINY_FILES[fm.TRAIN_IMAGES]})


def test_load_reports_a_corrupt_cached_file(tmp_path):
    folder = tmp_path / "cache"
    corrupt = TINY_FILES[fm.TEST_IMAGES][:-10]
    place(folder, {**TINY_FILES, fm.TEST_IMAGES: corrupt})
    with pytest.raises(ChecksumError) as info:
        load_fashion_mnist_arrays(folder, download=False, checksums=TINY_MD5)
    message = str(info.value)
    assert str(folder / fm.TEST_IMAGES) in message
    assert f"MD5 {md5_of(corrupt)}, expected {TINY_MD5[fm.TEST_IMAGES]}" in message
    assert (folder / fm.TEST_IMAGES).read_bytes() == corrupt  # reported, not deleted behind the reader's back


def test_load_checks_that_image_and_label_counts_agree(tmp_path):
    files = {**TINY_FILES, fm.TRAIN_LABELS: gz(idx_bytes(TINY[fm.TRAIN_LABELS][:4]))}
    place(tmp_path, files)
    with pytest.raises(ValueError, match=f"{fm.TRAIN_IMAGES} holds 5 images but {fm.TRAIN_LABELS} holds 4 labels"):
        load_fashion_mnist_arrays(tmp_path, download=False, checksums={n: md5_of(d) for n, d in files.items()})


@pytest.mark.parametrize(
    ("name", "array", "pattern"),
    [
        (fm.TEST_IMAGES, np.zeros((3, 28, 27), dtype=np.uint8), r"expected uint8 images of shape \(N, 28, 28\)"),
        (fm.TEST_LABELS, np.zeros((3, 1), dtype=np.uint8), r"expected uint8 labels of shape \(N,\)"),
        (fm.TEST_LABELS, np.array([0, 10, 2], dtype=np.uint8), r"labels must be in 0..9, found 10"),
    ],
)
def test_load_checks_shapes_and_label_range(tmp_path, name, array, pattern):
    files = {**TINY_FILES, name: gz(idx_bytes(array))}
    place(tmp_path, files)
    with pytest.raises(ValueError, match=pattern):
        load_fashion_mnist_arrays(tmp_path, download=False, checksums={n: md5_of(d) for n, d in files.items()})


def test_load_refuses_a_cache_dir_that_is_a_file(tmp_path):
    path = tmp_path / "file"
    path.write_bytes(b"")
    with pytest.raises(NotADirectoryError, match="cache_dir"):
        load_fashion_mnist_arrays(path, download=False)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"cache_dir": 5}, TypeError, "cache_dir must be a str or os.PathLike"),
        ({"cache_dir": ""}, ValueError, "cache_dir must not be an empty string"),
        ({"download": "yes"}, TypeError, "download must be True or False"),
        ({"download": 1}, TypeError, "download must be True or False"),
        ({"base_url": None}, TypeError, "base_url must be a str"),
        ({"base_url": "fashion-mnist.example.org/"}, ValueError, "base_url must be an http:// or https:// URL"),
        ({"checksums": ["0" * 32]}, TypeError, "checksums must be a mapping"),
        ({"checksums": {}}, ValueError, "checksums must have exactly the keys"),
        ({"checksums": {**TINY_MD5, "extra.gz": "0" * 32}}, ValueError, r"unknown \['extra.gz'\]"),
        ({"checksums": {**TINY_MD5, fm.TEST_LABELS: "xyz"}}, ValueError, r"checksums\['t10k-labels-idx1-ubyte.gz'\]"),
        ({"checksums": {**TINY_MD5, fm.TEST_LABELS: 0}}, TypeError, r"checksums\['t10k-labels-idx1-ubyte.gz'\]"),
        ({"timeout": 0}, ValueError, "timeout must be a positive"),
        ({"timeout": -1.0}, ValueError, "timeout must be a positive"),
        ({"timeout": "1"}, TypeError, "timeout must be a number"),
    ],
)
def test_load_rejects_bad_arguments(tmp_path, kwargs, error, pattern):
    arguments = {"cache_dir": tmp_path / "cache", **kwargs}
    with pytest.raises(error, match=pattern):
        load_fashion_mnist_arrays(**arguments)
    assert list(tmp_path.iterdir()) == []
