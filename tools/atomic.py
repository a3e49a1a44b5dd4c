"""Write a file so that nothing half-written is ever left on disk.

The data goes to a temporary file in the same folder (so the final rename
stays on one file system), which then replaces the target in one
``os.replace``. If anything fails or is interrupted before that, the
temporary file is removed and the target keeps its old content.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_MODE = 0o644  # mkstemp's own 0o600 would hide the file from others


@contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on a clean exit, move it over
    ``path``.

    The new file keeps the permission bits of the file it replaces
    (``DEFAULT_MODE`` for a new one). Missing parent folders are created.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        mode = (
            stat.S_IMODE(path.stat().st_mode)
            if path.exists()
            else DEFAULT_MODE
        )
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically (see
    :func:`replacing`).
    """
    with replacing(path) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="\n")


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`replacing`)."""
    with replacing(path) as temporary:
        temporary.write_bytes(data)
