"""The Python version the project claims is one every pinned package
installs on.

pyproject.toml's ``requires-python``, the README and the landing page name
the oldest Python the book supports. Each pin in requirements.txt is checked
against the ``Requires-Python`` of the installed distribution (the metadata
pip reads when it resolves): a pin that needs a newer Python than the claim
would give a reader on the claimed version a resolution error before
anything runs.
"""

import importlib.metadata
import re
import tomllib

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tools.book_toc import ROOT


def claimed_minimum() -> Version:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    match = re.fullmatch(
        r">=\s*(\d+\.\d+)", project["project"]["requires-python"]
    )
    assert match, "requires-python should read '>=X.Y'"
    return Version(match.group(1))


def pins() -> list[tuple[str, str]]:
    lines = (ROOT / "requirements.txt").read_text("utf-8").splitlines()
    return [
        tuple(line.split("==", 1))
        for line in lines
        if "==" in line and not line.startswith("#")
    ]


def test_every_pin_installs_on_the_claimed_python():
    minimum = claimed_minimum()
    # every patch release of the claimed minor version, as pip would see
    # them
    pythons = [Version(f"{minimum}.{patch}") for patch in range(0, 20)]
    too_new = {}
    for name, version in pins():
        dist = importlib.metadata.distribution(name)
        assert dist.version.split("+")[0] == version, (name, dist.version)
        requires = dist.metadata.get("Requires-Python")
        if requires and not all(
            p in SpecifierSet(requires) for p in pythons
        ):
            too_new[name] = requires
    assert not too_new, (
        f"pins that need more than Python {minimum}: {too_new}"
    )


def test_readme_and_landing_page_state_the_claim():
    minimum = claimed_minimum()
    for page in ("README.md", "intro.md"):
        text = (ROOT / page).read_text("utf-8")
        assert f"Python {minimum} 或更新版本" in text, page
        assert not re.search(r"Python 3\.\d+\+", text), page


def test_this_python_meets_the_claim():
    import sys

    assert (
        Version(".".join(map(str, sys.version_info[:3])))
        >= claimed_minimum()
    )
