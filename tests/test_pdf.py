"""The PDF edition builds offline and reads like a book.

`make pdf` runs Jupyter Book's LaTeX builder with xelatex, through the
command of tools/book_build.py (``-W -n --keep-going``: a Sphinx warning
fails the build). Here the PDF is built with that same command into a
temporary folder and checked with poppler's pdftotext, pdfinfo
and pdfimages: every chapter's title is in it, the page count is plausible,
every figure of the notebooks is embedded, no cross-reference is left
unresolved (??) and no character is missing from the fonts. Skipped, with
the reason, where xelatex or poppler is not installed (the README lists the
Debian packages; .ci/run installs them).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.system import skip_or_fail
from tools.book_build import build
from tools.book_toc import ROOT, chapters, toc_pages

TOOLS = [
    "xelatex",
    "latexmk",
    "pdftotext",
    "pdfinfo",
    "pdfimages",
    "qpdf",
]
HINT = (
    "apt-get install -y --no-install-recommends texlive-xetex "
    "texlive-lang-chinese latexmk fonts-freefont-otf "
    "texlive-latex-recommended texlive-latex-extra "
    "texlive-fonts-recommended tex-gyre poppler-utils qpdf"
)


def page_title(page: str) -> str:
    path = ROOT / f"{page}.ipynb"
    if path.exists():
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join(
            "".join(c["source"])
            for c in cells
            if c["cell_type"] == "markdown"
        )
    else:
        text = (ROOT / f"{page}.md").read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", text, re.M).group(1).strip()


def figure_outputs() -> int:
    """PNG outputs of the chapters plus {figure} directives of the pages."""
    count = 0
    for page in toc_pages():
        markdown = ROOT / f"{page}.md"
        if markdown.exists():
            count += markdown.read_text(encoding="utf-8").count("{figure}")
        path = ROOT / f"{page}.ipynb"
        if path.exists():
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            count += sum(
                "image/png" in out.get("data", {})
                for c in cells
                if c["cell_type"] == "code"
                for out in c["outputs"]
            )
    return count


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        skip_or_fail(f"{', '.join(missing)} not installed; {HINT}")
    out = tmp_path_factory.mktemp("pdf")
    result = build("pdf", out)
    latex = out / "_build" / "latex"
    assert result.returncode == 0 and (latex / "book.pdf").is_file(), (
        result.stdout + result.stderr
    )[-5000:]
    return latex


def run(*command) -> str:
    return subprocess.run(
        command, capture_output=True, encoding="utf-8", check=True
    ).stdout


def test_every_chapter_title_is_in_the_pdf(pdf):
    text = re.sub(r"\s+", " ", run("pdftotext", str(pdf / "book.pdf"), "-"))
    assert "目录" in text and "关于本书" in text
    for page in toc_pages():
        if page != "intro":
            assert page_title(page) in text, page
    for caption in ("预备知识", "线性神经网络", "多层感知机", "附录"):
        assert caption in text


def test_page_count_is_plausible(pdf):
    pages = int(
        re.search(
            r"^Pages:\s+(\d+)", run("pdfinfo", str(pdf / "book.pdf")), re.M
        ).group(1)
    )
    assert 150 < pages < 800


def embedded_images(pdf_file: Path) -> list[int]:
    """The page of every image in the PDF, one per figure."""
    listing = run("pdfimages", "-list", str(pdf_file)).splitlines()[2:]
    # pdfimages lists an "smask" row beside the "image" row of an RGBA PNG
    rows = [row.split() for row in listing]
    return [int(row[0]) for row in rows if row[2] == "image"]


def assert_every_figure_is_embedded(pdf_file: Path) -> None:
    assert len(embedded_images(pdf_file)) == figure_outputs() > 20


def test_every_figure_is_embedded(pdf):
    assert_every_figure_is_embedded(pdf / "book.pdf")


def test_a_pdf_without_one_figure_fails_the_figure_count(pdf, tmp_path):
    """The guard above bites: drop the first page with a figure."""
    book = str(pdf / "book.pdf")
    page = embedded_images(pdf / "book.pdf")[0]
    thinner = tmp_path / "thinner.pdf"
    kept = f"1-{page - 1},{page + 1}-z"
    run("qpdf", book, "--pages", book, kept, "--", str(thinner))
    with pytest.raises(AssertionError):
        assert_every_figure_is_embedded(thinner)


def test_no_code_line_is_wrapped(pdf):
    """Sphinx starts the rest of a code line it had to break with a red hook
    arrow, which pdftotext writes as ",→" at the start of a line."""
    text = run("pdftotext", str(pdf / "book.pdf"), "-")
    wrapped = [line for line in text.splitlines() if line.startswith(",→")]
    assert not wrapped, wrapped[:10]


def test_no_unresolved_references_or_missing_characters(pdf):
    text = run("pdftotext", str(pdf / "book.pdf"), "-")
    assert "??" not in text
    log = (pdf / "book.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log
    assert not re.search(
        r"LaTeX Warning: (Reference|Citation) .* undefined", log
    )


def test_answers_are_printed(pdf):
    text = run("pdftotext", str(pdf / "book.pdf"), "-")
    assert text.count("参考答案") >= len(chapters())


def test_every_citation_links_to_its_entry(pdf):
    """Each [作者, 年](cite:key) of the chapters is a link whose target,
    the entry's bibitem, exists in the PDF (tools/citations.py)."""
    cited = set()
    for path in chapters():
        cited |= set(
            re.findall(r"\]\(cite:([^)\s]+)\)", path.read_text("utf-8"))
        )
    assert len(cited) > 20
    dests = run("pdfinfo", "-dests", str(pdf / "book.pdf"))
    missing = [
        k
        for k in cited
        if f'"cite.bibliography:cite-{k.lower()}"' not in dests
    ]
    assert not missing, missing
