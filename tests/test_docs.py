"""The README and docs/: a newcomer's first screen, a complete configuration table, links that lead
somewhere inside the repository."""

import importlib.util
import json
import re
from pathlib import Path

from harvest.museums import MUSEUMS, declared_variables

DOCS = [Path("README.md"), *sorted(Path("docs").rglob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchor(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_anchor(line.lstrip("#")) for line in path.read_text().splitlines() if line.startswith("#")}


def test_the_two_commands_are_on_the_first_screen_of_a_short_readme() -> None:
    lines = Path("README.md").read_text().splitlines()
    assert len(lines) <= 200, len(lines)
    first_screen = "\n".join(lines[:30])
    assert "uv run dg launch --job nightly" in first_screen
    assert "uv run pytest" in first_screen


def test_every_link_inside_the_repository_leads_to_a_file_and_heading_that_exist() -> None:
    for doc in DOCS:
        for target in LINK.findall(doc.read_text()):
            if target.startswith(("http://", "https://")):
                continue
            file, _, anchor = target.partition("#")
            path = (doc.parent / file).resolve() if file else doc.resolve()
            assert path.is_relative_to(Path.cwd().resolve()) and path.exists(), (str(doc), target)
            if anchor:
                assert anchor in _anchors(path), (str(doc), target)


def test_the_configuration_table_names_every_variable_the_pipeline_reads() -> None:
    """The settings' own variables (read in shared/resources.py) and every museum's."""
    readme = Path("README.md").read_text()
    own = re.findall(r'get\("([A-Z_]+)"\)', Path("shared/resources.py").read_text())
    assert {"DATA_DIR", "MUSEUMS", "PUBLIC_BASE_URL"} <= set(own)
    for name in (*own, *declared_variables(MUSEUMS), "DAGSTER_HOME", "DAGSTER_POSTGRES_URL"):
        assert re.search(rf"^\| `{name}`", readme, re.MULTILINE), name


def test_the_anchor_of_a_heading_is_github_s() -> None:
    assert _anchor(" The thresholds: blocking is for a source that has changed") == (
        "the-thresholds-blocking-is-for-a-source-that-has-changed"
    )
    assert _anchor("`objects`") == "objects"


def test_the_deployment_page_launches_a_process_per_step_with_the_run_config_the_project_tests() -> None:
    """docs/deploy.md's command is what test_deploy and the benchmark launch, word for word."""
    from shared.jobs import A_PROCESS_PER_STEP, STEP_IMPORTS

    commands = re.findall(r"--config-json '([^']+)'", Path("docs/deploy.md").read_text())
    assert commands, "docs/deploy.md launches no run config"
    assert [json.loads(command) for command in commands] == [A_PROCESS_PER_STEP] * len(commands)
    # The forkserver skips a module it cannot import without a word: a module renamed by an upgrade
    # would only make each step slower to start.
    for module in STEP_IMPORTS:
        assert importlib.util.find_spec(module) is not None, module
