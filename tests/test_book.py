"""Build the book and check it the way a reader sees it.

The book is built once per run into a temporary folder (never into the repository)
with ``jupyter-book build -W -n --keep-going``: any warning fails the build. The
rendered pages are then served on 127.0.0.1 and opened in headless Chromium through
Playwright, with every request to anything but the loopback server blocked, so the
checks also prove the book needs no network.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
INSTALL_HINT = "install it with: apt-get install -y chromium fonts-noto-cjk (never `playwright install`)"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [chapter["file"] for chapter in part.get("chapters", [])]
    return pages


@pytest.fixture(scope="module")
def html_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("book")
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [str(jupyter_book), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
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
    chinese = [term for term in index["terms"] if re.search(r"[\u4e00-\u9fff]", term)]
    assert len(chinese) > 100, "without jieba the index holds no Chinese words"
    docnames = index["docnames"]
    hits = []
    for table in (index["terms"], index["titleterms"]):
        found = table.get("张量", [])
        hits += found if isinstance(found, list) else [found]
    assert "chapters/preliminaries/tensor_basics" in {docnames[i] for i in hits}


def test_mathjax_is_served_by_the_book(html_dir):
    assert (html_dir / "_static" / "mathjax" / "tex-chtml.js").is_file()
    page = (html_dir / "chapters/preliminaries/tensor_basics.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
    assert any(src.endswith("_static/mathjax/tex-chtml.js") for src in scripts)
    assert not [src for src in scripts if src.startswith(("http://", "https://", "//"))], scripts


# --- in a real browser -------------------------------------------------------------


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


@pytest.fixture(scope="module")
def server(html_dir):
    handler = functools.partial(QuietHandler, directory=str(html_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip(f"Chromium not found at {CHROMIUM}; {INSTALL_HINT}")
    sync_api = pytest.importorskip("playwright.sync_api", reason=f"playwright missing; pip install -r requirements.txt")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    """A page whose requests outside the loopback server are blocked and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.blocked = []
    page.console_errors = []

    def route(route_):
        if urlparse(route_.request.url).hostname in ("127.0.0.1", "localhost"):
            route_.continue_()
        else:
            page.blocked.append(route_.request.url)
            route_.abort()

    page.route("**/*", route)
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    yield page
    context.close()


def test_formulas_are_typeset_offline(page, server):
    page.goto(f"{server}/chapters/preliminaries/tensor_basics.html")
    page.wait_for_selector("mjx-container", timeout=20_000)
    assert page.locator("mjx-container").count() >= 5
    text = page.locator("article").inner_text()
    assert "\\(" not in text and "\\mathbf" not in text, "raw TeX left on the page"
    assert page.blocked == [], page.blocked


def test_chinese_search_finds_the_chapter(page, server):
    page.goto(f"{server}/search.html?q=张量")
    page.wait_for_selector("ul.search li a", timeout=20_000)
    links = page.locator("ul.search li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any("tensor_basics" in link for link in links), links
    assert page.blocked == [], page.blocked


SEARCH_TERMS = {  # a term from each part, and the page it must find
    "强化学习": "chapters/introduction/introduction",
    "广播": "chapters/preliminaries/tensor_basics",
    "小批量": "chapters/linear_networks/linear_regression",
    "暂退法": "chapters/multilayer_perceptrons/dropout",
}


@pytest.mark.parametrize(("term", "expected"), sorted(SEARCH_TERMS.items()))
def test_search_finds_a_term_from_each_part(page, server, term, expected):
    if expected not in toc_pages():
        pytest.skip(f"{expected} is not in the book yet")
    page.goto(f"{server}/search.html?q={term}")
    page.wait_for_selector("ul.search li a", timeout=20_000)
    links = page.locator("ul.search li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any(expected in link for link in links), links


def test_every_page_loads_cleanly_with_figures_formulas_and_a_download_button(page, server):
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: response.status >= 400 and failed.append(f"{response.status} {response.url}"))
    for entry in toc_pages():
        page.goto(f"{server}/{entry}.html", wait_until="load")
        images = page.locator("article img")
        broken = images.evaluate_all("imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
        assert broken == [], f"{entry}: images that did not load: {broken}"
        if page.locator("article .math").count():
            page.wait_for_selector("mjx-container", state="attached", timeout=20_000)
            assert "\\(" not in page.locator("article").inner_text(), f"{entry}: raw TeX left"
        if entry.startswith("chapters/"):
            assert images.count() >= 1 or entry.endswith(("tensor_basics", "preprocessing")), f"{entry} has no figure"
            source = page.locator(f"a[href$='{entry.split('/')[-1]}.ipynb']")
            assert source.count() >= 1, f"{entry}: no download link for the .ipynb"
    assert failed == [], failed
    assert page.blocked == [], page.blocked
    assert page.console_errors == [], page.console_errors


def test_glossary_links_resolve(page, server):
    page.goto(f"{server}/glossary.html")
    terms = set(page.locator("dl.glossary dt").evaluate_all("dts => dts.map(dt => dt.id)"))
    assert len(terms) >= 30
    linked = 0
    for entry in toc_pages():
        if not entry.startswith("chapters/"):
            continue
        page.goto(f"{server}/{entry}.html")
        hrefs = page.locator("article a[href*='glossary.html#']").evaluate_all(
            "links => links.map(a => a.getAttribute('href').split('#')[1])"
        )
        missing = [h for h in hrefs if h not in terms]
        assert missing == [], f"{entry} links to glossary anchors that do not exist: {missing}"
        linked += bool(hrefs)
    assert linked >= 3, "chapters should link their terms to the glossary"


def test_every_toc_page_is_reachable_from_the_navigation(page, server):
    page.goto(f"{server}/intro.html")
    hrefs = page.locator("nav.bd-docs-nav a, .navbar-brand").evaluate_all(
        "links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).pathname)"
    )
    reachable = {path.lstrip("/").removesuffix(".html") for path in hrefs}
    for entry in toc_pages():
        if entry == "intro":
            continue  # the page we start from
        assert entry in reachable, f"{entry} is not linked from the navigation: {sorted(reachable)}"
        response = page.goto(f"{server}/{entry}.html")
        assert response is not None and response.status == 200, entry
        assert page.locator("h1").count() >= 1
    assert page.blocked == [], page.blocked
    assert page.console_errors == [], page.console_errors


def test_no_page_is_wider_than_a_phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname == "127.0.0.1" else r.abort())
    too_wide = {}
    for entry in toc_pages():
        page.goto(f"{server}/{entry}.html")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[entry] = width
    context.close()
    assert too_wide == {}, f"pages that scroll sideways on a 390 px phone: {too_wide}"
