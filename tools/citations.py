"""Citations that read as citations in every edition.

A citation is written ``[Zhang 等, 2023](cite:zhang2023dive)``. MyST's
``{cite}`` role becomes a formatted reference on the web and in the PDF,
but JupyterLab's MyST renderer knows no bibliography and shows the bare
key. So the book writes a citation as a Markdown link whose text is the
citation itself (authors and year, as a reader should see it everywhere)
and whose target is ``cite:`` plus a key of references.bib. JupyterLab
shows the text; this Sphinx extension turns the link into a link to the
entry on the 参考文献 page (HTML) or to its ``\\bibitem`` (LaTeX), and a key
that is not in references.bib is a build warning (an error under ``-W``).

``bibtex_cite_id = "cite-{key}"`` (``_config.yml``) gives every entry of
the bibliography a stable anchor, ``cite-<key>``.
tests/test_notebook_policy.py checks that each link's text names the
entry's first author and year.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

SCHEME = "cite:"
BIBLIOGRAPHY = "bibliography"  # the page that holds {bibliography}
logger = logging.getLogger(__name__)

LATEX_SPECIAL = {c: "\\" + c for c in "&%$#_{}"}


def anchor(key: str) -> str:
    """The id sphinxcontrib-bibtex gives the entry (``cite-{key}``)."""
    from docutils.nodes import make_id

    return make_id(f"cite-{key}")


class CitationLinks(SphinxPostTransform):
    default_priority = 5

    def run(self, **kwargs) -> None:
        keys = known_keys(self.env)
        for ref in list(self.document.findall(nodes.reference)):
            uri = ref.get("refuri", "")
            if not uri.startswith(SCHEME):
                continue
            key = uri[len(SCHEME) :]
            if key not in keys:
                logger.warning(
                    f"citation link to {key!r}, which is not in "
                    "references.bib",
                    location=ref,
                )
                continue
            if self.app.builder.format == "latex":
                text = "".join(
                    LATEX_SPECIAL.get(c, c) for c in ref.astext()
                )
                target = f"cite.{BIBLIOGRAPHY}:{anchor(key)}"
                ref.replace_self(
                    nodes.raw(
                        "",
                        rf"\hyperlink{{{target}}}{{{text}}}",
                        format="latex",
                    )
                )
                continue
            page = self.app.builder.get_relative_uri(
                self.env.docname, BIBLIOGRAPHY
            )
            ref["refuri"] = f"{page}#{anchor(key)}"
            ref["internal"] = True
            ref["classes"] = [c for c in ref["classes"] if c != "external"]
            ref["classes"].append("citation-link")


def known_keys(env) -> set[str]:
    """The keys of references.bib, as sphinxcontrib-bibtex parsed them."""
    return set(env.get_domain("cite").bibdata.data.entries.keys())


def setup(app):
    app.add_post_transform(CitationLinks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
