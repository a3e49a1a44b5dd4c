"""A Sphinx extension that makes the PDF edition read like a book (used by
`make pdf`).

Jupyter Book's own LaTeX extension would do this but needs bbm.sty, which
only the 1.4 GB texlive-fonts-extra package has, so the book builds with
Sphinx's plain LaTeX writer and this small extension adds what that writer
leaves out. It only inserts LaTeX-only raw nodes, which the HTML edition
ignores:

* each caption of ``_toc.yml`` (前言, 预备知识, ...) becomes a ``\\part``
  before its chapters;
* the front page (intro.md), whose sections the writer would turn into four
  short chapters, becomes one unnumbered chapter 关于本书 with those
  sections inside it.

The chapters carry their numbers in their titles (3.2 softmax 回归), as on
the web, so the preamble in _config.yml turns LaTeX's own numbering of parts
and chapters off.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes

FRONT_CHAPTER = "关于本书"


def _latex(text: str) -> nodes.raw:
    return nodes.raw("", text, format="latex")


def shape_front_page(app, doctree) -> None:
    if app.env.docname != app.config.root_doc:
        return
    top = next(iter(doctree.findall(nodes.section)), None)
    if top is None:
        return
    # 1. One chapter for the front page: its sections become sections, not
    # chapters.
    title_index = (
        top.index(top[0]) if isinstance(top[0], nodes.title) else -1
    )
    top.insert(
        title_index + 1,
        _latex(
            f"\\chapter*{{{FRONT_CHAPTER}}}\\addcontentsline{{toc}}{{chapter}}{{{FRONT_CHAPTER}}}"
            "\\let\\bookorigchapter\\chapter\\let\\chapter\\section"
        ),
    )
    # 2. A part per toctree caption; chapters are chapters again from the
    # first part on.
    first = True
    for toctree in list(doctree.findall(addnodes.toctree)):
        wrapper = (
            toctree.parent
            if isinstance(toctree.parent, nodes.compound)
            else toctree
        )
        caption = toctree.get("caption")
        text = "\\let\\chapter\\bookorigchapter" if first else ""
        if caption:
            text += f"\\part{{{caption}}}"
        if text:
            wrapper.parent.insert(
                wrapper.parent.index(wrapper), _latex(text)
            )
        first = False


def setup(app):
    app.connect(
        "doctree-read", lambda app, doctree: shape_front_page(app, doctree)
    )
    return {
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "version": "1.0",
    }
