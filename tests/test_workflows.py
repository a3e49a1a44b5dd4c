"""The GitHub workflows run where the book is tested, with the README's
commands.

Every job that runs a command runs in the Debian container the book is
built and tested in, and runs nothing but ``bash .ci/run`` or a command
written in the README's code blocks, so the workflows cannot drift away
from what is tested here. The CI job's container may use ``unshare --net``
(``--privileged``).
"""

import re

import pytest
import yaml

from tools.book_toc import ROOT

IMAGE = "python:3.11-bookworm"  # Debian 12, as /etc/os-release says here
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def commands(text: str) -> list[str]:
    """Shell commands in ``text``: continuations joined, no comments."""
    joined = re.sub(r"\\\n\s*", " ", text)
    lines = (line.split("#", 1)[0] for line in joined.splitlines())
    return [" ".join(line.split()) for line in lines if line.strip()]


def readme_commands() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", readme, re.S)
    return {command for block in blocks for command in commands(block)}


def test_there_are_two_workflows():
    assert {p.name for p in WORKFLOWS} == {"ci.yml", "deploy.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_jobs_run_in_the_debian_container_with_the_readmes_commands(path):
    allowed = readme_commands() | {"bash .ci/run"}
    jobs = yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"]
    for name, job in jobs.items():
        runs = [step["run"] for step in job["steps"] if "run" in step]
        if not runs:
            continue  # only actions (e.g. deploy-pages), no commands
        container = job.get("container", {})
        assert container.get("image") == IMAGE, f"{path.name}:{name}"
        for run in runs:
            for command in commands(run):
                assert command in allowed, f"{path.name}:{name}: {command}"


def test_ci_runs_the_ci_script_where_unshare_works():
    jobs = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    job = jobs["jobs"]["test"]
    assert "--privileged" in job["container"].get("options", "")
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs == ["bash .ci/run"]
    assert job["env"]["CI"] == "true"


def test_the_readme_names_the_commands_the_workflows_use():
    """A guard against the check above passing on an empty README."""
    found = readme_commands()
    assert "make test" in found and "make book" in found
    assert any(c.startswith("apt-get install") for c in found)
