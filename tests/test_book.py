"""Build the book and check it the way a reader sees it.

The book is built once per run into a temporary folder (never into the
repository) with the command of tools/book_build.py, the one `make book`
runs (``jupyter-book build -W -n --keep-going``): any warning fails the
build. The rendered pages are then served on 127.0.0.1 and opened in
headless Chromium through Playwright (tools/browser.py), with every
request to anything but the loopback server blocked, so the checks also
prove the book needs no network.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tools.book_build import build
from tools.book_toc import ROOT, chapters, toc_pages
from tools.browser import (
    block_outside_loopback,
    serve_directory,
    wait_for_mathjax,
)


@pytest.fixture(scope="module")
def html_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("book")
    result = build("html", out)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-5000:]
    assert "WARNING" not in log, log[-5000:]
    return out / "_build" / "html"


def load_search_index(html_dir: Path) -> dict:
    text = (html_dir / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def test_every_toc_page_is_built(html_dir):
    for page in toc_pages():
        assert (html_dir / f"{page}.html").is_file(), page


def test_search_index_holds_chinese_words(html_dir):
    index = load_search_index(html_dir)
    chinese = [
        term
        for term in index["terms"]
        if re.search(r"[\u4e00-\u9fff]", term)
    ]
    assert len(chinese) > 100, (
        "without jieba the index holds no Chinese words"
    )


def test_mathjax_is_served_by_the_book(html_dir):
    assert (html_dir / "_static" / "mathjax" / "tex-chtml.js").is_file()
    page = (
        html_dir / "chapters/preliminaries/tensor_basics.html"
    ).read_text(encoding="utf-8")
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
    assert any(
        src.endswith("_static/mathjax/tex-chtml.js") for src in scripts
    )
    assert not [
        src
        for src in scripts
        if src.startswith(("http://", "https://", "//"))
    ], scripts


# --- in a real browser ----------------------------------------------------


@pytest.fixture(scope="module")
def server(html_dir):
    with serve_directory(html_dir) as base:
        yield base


@pytest.fixture
def page(browser, server):
    """A page whose requests outside the loopback server are blocked and
    recorded in ``page.blocked``.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.blocked = []
    block_outside_loopback(page, page.blocked)
    yield page
    context.close()


SEARCH_TERMS = {  # a term from each part, and the page it must find
    "强化学习": "chapters/introduction/introduction",
    "广播": "chapters/preliminaries/tensor_basics",
    "小批量": "chapters/linear_networks/linear_regression",
    "暂退法": "chapters/multilayer_perceptrons/dropout",
}


@pytest.mark.parametrize(("term", "expected"), sorted(SEARCH_TERMS.items()))
def test_search_finds_a_term_from_each_part(page, server, term, expected):
    page.goto(f"{server}/search.html?q={term}")
    # Sphinx lists the results one by one, then writes the summary
    page.wait_for_selector(
        "#search-results p.search-summary:not(:empty)", timeout=20_000
    )
    links = page.locator("ul.search li a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert any(expected in link for link in links), links
    assert page.blocked == [], page.blocked


@pytest.fixture(scope="module")
def visits(browser, server):
    """Visit every page of the book once at desktop width and once at phone
    width.

    One pass collects everything the checks below need, so a page is loaded
    twice in all rather than once per check.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    blocked, console_errors, failed = [], [], []
    block_outside_loopback(page, blocked)
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and console_errors.append(f"{page.url}: {m.text}")
        ),
    )
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and failed.append(f"{response.status} {response.url}")
        ),
    )
    reports = {}
    for entry in toc_pages():
        response = page.goto(f"{server}/{entry}.html", wait_until="load")
        report = {"status": response.status if response else None}
        report["broken_images"] = page.locator("article img").evaluate_all(
            "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > "
            "0)).map(i => i.src)"
        )
        report["images"] = page.locator("article img").count()
        report["wide_code"] = page.locator("article pre").evaluate_all(
            "pres => pres.filter(p => p.scrollWidth > p.clientWidth)"
            ".map(p => p.textContent.split('\\n')"
            ".reduce((a, b) => (b.length > a.length ? b : a), ''))"
        )
        report["math"] = page.locator("article .math").count()
        wait_for_mathjax(page)
        report["typeset"] = page.locator("article mjx-container").count()
        text = page.locator("article").inner_text()
        report["raw_tex"] = [d for d in ("\\(", "\\[") if d in text]
        report["archive_links"] = page.locator(
            "a[href$='notebooks.zip']"
        ).evaluate_all("links => links.map(a => a.href)")
        report["downloads"] = page.locator(
            "a[href$='.ipynb']"
        ).evaluate_all("links => links.map(a => a.getAttribute('href'))")
        report["glossary_links"] = page.locator(
            "article a[href*='glossary.html#']"
        ).evaluate_all(
            "links => links.map(a => a.getAttribute('href').split('#')[1])"
        )
        report["h1"] = page.locator("h1").count()
        if entry == toc_pages()[0]:
            report["nav"] = page.locator("nav.bd-docs-nav a").evaluate_all(
                "links => links.map(a => new URL(a.getAttribute('href'), "
                "document.baseURI).pathname)"
            )
        if entry == "glossary":
            report["terms"] = page.locator("dl.glossary dt").evaluate_all(
                "dts => dts.map(dt => dt.id)"
            )
        reports[entry] = report
    context.close()
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    block_outside_loopback(page, blocked)
    for entry in toc_pages():
        # stylesheets block this
        page.goto(f"{server}/{entry}.html", wait_until="domcontentloaded")
        reports[entry]["phone_width"] = page.evaluate(
            "document.documentElement.scrollWidth"
        )
    phone.close()
    return {
        "pages": reports,
        "blocked": blocked,
        "console_errors": console_errors,
        "failed": failed,
    }


def test_no_code_block_scrolls_sideways_at_1280_px(visits):
    """Code and printed output fit the code column (ruff: 76 columns)."""
    wide = {
        entry: report["wide_code"]
        for entry, report in visits["pages"].items()
        if report["wide_code"]
    }
    assert not wide, f"blocks wider than the column (longest line): {wide}"


def test_every_page_loads_cleanly(visits):
    for entry, report in visits["pages"].items():
        assert report["status"] == 200 and report["h1"] >= 1, entry
    assert visits["failed"] == [], visits["failed"]
    assert visits["blocked"] == [], visits["blocked"]
    assert visits["console_errors"] == [], visits["console_errors"]


def test_every_figure_loads_and_every_formula_is_typeset(visits):
    for entry, report in visits["pages"].items():
        assert report["broken_images"] == [], (
            f"{entry}: images that did not load: {report['broken_images']}"
        )
        assert not report["raw_tex"], (
            f"{entry}: raw TeX left on the page: {report['raw_tex']}"
        )
        assert report["typeset"] >= report["math"], (
            f"{entry}: {report['math']} formulas, "
            f"{report['typeset']} typeset by MathJax"
        )
        if entry.startswith("chapters/") and not entry.endswith(
            ("tensor_basics", "preprocessing")
        ):
            assert report["images"] >= 1, f"{entry} has no figure"


def test_every_chapter_has_a_download_link_for_its_notebook(visits):
    for entry, report in visits["pages"].items():
        if entry.startswith("chapters/"):
            name = entry.split("/")[-1] + ".ipynb"
            assert any(
                link.endswith(name) for link in report["downloads"]
            ), f"{entry}: no .ipynb download"


def test_every_page_links_to_the_archive_of_all_notebooks(visits, server):
    """The landing page and each page's download menu offer the archive."""
    archive = f"{server}/notebooks.zip"
    for entry, report in visits["pages"].items():
        assert archive in report["archive_links"], entry


def test_the_archive_holds_the_book_and_runs_outside_the_repository(
    html_dir, tmp_path, monkeypatch
):
    """Unpack notebooks.zip away from the repository and run a chapter
    there.

    The kernel gets the archive's folder on PYTHONPATH (as the archive's own
    ``pip install -r requirements.txt`` would install it), and must import
    ``utils`` from the archive, not from this repository.
    """
    import zipfile

    import nbformat
    from nbclient import NotebookClient

    from tools.notebook_archive import ARCHIVE_NAME, FOLDER

    with zipfile.ZipFile(html_dir / ARCHIVE_NAME) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path)
    book = tmp_path / FOLDER
    for chapter in chapters():
        relative = chapter.relative_to(ROOT).as_posix()
        assert f"{FOLDER}/{relative}" in names, relative
    for needed in ("utils/__init__.py", "requirements.txt", "说明.md"):
        assert f"{FOLDER}/{needed}" in names, needed
    assert "-e ." in (book / "requirements.txt").read_text("utf-8")
    assert 'packages = ["utils"]' in (book / "pyproject.toml").read_text()

    path = book / "chapters/preliminaries/tensor_basics.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(
        nbformat.v4.new_code_cell("import utils\nprint(utils.__file__)")
    )
    monkeypatch.setenv("PYTHONPATH", str(book))  # the kernel inherits it
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    printed = notebook.cells[-1].outputs[0]["text"].strip()
    assert Path(printed).resolve().is_relative_to(book.resolve()), printed


def test_glossary_links_resolve(visits):
    terms = set(visits["pages"]["glossary"]["terms"])
    assert len(terms) >= 30
    linked = 0
    for entry, report in visits["pages"].items():
        missing = [
            anchor
            for anchor in report["glossary_links"]
            if anchor not in terms
        ]
        assert missing == [], (
            f"{entry} links to glossary anchors that do not exist: "
            f"{missing}"
        )
        linked += entry.startswith("chapters/") and bool(
            report["glossary_links"]
        )
    assert linked >= 3, "chapters should link their terms to the glossary"


def test_every_toc_page_is_reachable_from_the_navigation(visits):
    first = toc_pages()[0]
    reachable = {
        path.lstrip("/").removesuffix(".html")
        for path in visits["pages"][first]["nav"]
    }
    for entry in toc_pages()[1:]:
        assert entry in reachable, (
            f"{entry} is not linked from the navigation: "
            f"{sorted(reachable)}"
        )


def test_no_page_is_wider_than_a_phone(visits):
    too_wide = {
        e: r["phone_width"]
        for e, r in visits["pages"].items()
        if r["phone_width"] > 390
    }
    assert too_wide == {}, (
        f"pages that scroll sideways on a 390 px phone: {too_wide}"
    )
