"""Every chapter in one archive a reader can run outside the repository.

The web edition offers each chapter's ``.ipynb``, but a chapter opened on
its own cannot ``import utils``. Like D2L's notebook archive,
``notebooks.zip`` holds every chapter (with its outputs) in the book's
folder layout, the ``utils`` package, the pinned ``requirements.txt`` with a
small ``pyproject.toml`` that installs ``utils``, and ``说明.md`` with the
commands that install and open them.

As a Sphinx extension (``_config.yml``) it writes the archive beside the
HTML pages at the end of every HTML build, so ``make book`` and the deployed
site carry it.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from tools import atomic
from tools.book_toc import toc_pages

ARCHIVE_NAME = "notebooks.zip"
FOLDER = "d2l-notes-book"  # the folder the archive unpacks into
# fixed times: the same files give the same zip
STAMP = (
    2026,
    1,
    1,
    0,
    0,
    0,
)

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "d2l-notes-book-utils"
version = "0.1.0"
requires-python = "{requires}"

[tool.setuptools]
packages = ["utils"]
"""

README = Path(__file__).with_name("archive_readme.md")  # 说明.md


def _requires_python(root: Path) -> str:
    import tomllib

    project = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    return project["project"]["requires-python"]


def archive_files(root: Path) -> dict[str, bytes]:
    """The archive's contents: ``{path inside the archive: bytes}``."""
    files: dict[str, bytes] = {}
    for page in toc_pages():
        notebook = root / f"{page}.ipynb"
        if notebook.is_file():
            files[f"{page}.ipynb"] = notebook.read_bytes()
    for module in sorted((root / "utils").glob("*.py")):
        files[f"utils/{module.name}"] = module.read_bytes()
    files["requirements.txt"] = (root / "requirements.txt").read_bytes()
    requires = _requires_python(root)
    torch = next(
        line.split("==", 1)[1]
        for line in files["requirements.txt"].decode("utf-8").splitlines()
        if line.startswith("torch==")
    )
    files["pyproject.toml"] = PYPROJECT.format(requires=requires).encode()
    readme = README.read_text("utf-8").format(
        requires_text=requires.replace(">=", "") + " 或更新版本",
        torch=torch,
    )
    files["说明.md"] = readme.encode("utf-8")
    return files


def write_archive(root: str | os.PathLike, dest: str | os.PathLike) -> Path:
    """Write the archive of the book at ``root`` to ``dest`` (a .zip path).

    Written atomically (tools/atomic.py), so an interrupted build never
    leaves half an archive.
    """
    root, dest = Path(root), Path(dest)
    if dest.suffix != ".zip":
        raise ValueError(f"dest must be a .zip path, got {dest}")
    with (
        atomic.replacing(dest) as temporary,
        zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as zf,
    ):
        for name, data in sorted(archive_files(root).items()):
            info = zipfile.ZipInfo(f"{FOLDER}/{name}", date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return dest


def _build_finished(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        write_archive(app.srcdir, Path(app.outdir) / ARCHIVE_NAME)


def setup(app):
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
