"""A fourth, made-up museum from the template, run with the registered ones to the database."""

import importlib
import json
import subprocess
from pathlib import Path

import dagster as dg
import pytest

from definitions import make_definitions
from harvest.museums import MUSEUMS
from harvest.scaffold import scaffold
from harvest.tate import SHIPPED_SAMPLE
from outputs.database import connect_read_only
from shared.resources import Settings
from tests.conftest import REPO

pytestmark = pytest.mark.slow

OBJECTS, AGENTS = 12, 4


def _write_records(data: Path) -> None:
    """A dozen made-up objects, each made by one of four made-up agents (the last by one the
    agents' records lack): the museum's dump, in a folder of its own."""
    for kind in ("objects", "agents"):
        (data / kind).mkdir(parents=True)
    for i in range(1, OBJECTS + 1):
        record = {
            "id": i,
            "number": f"F.{i}",
            "title": f"Made-up object {i}",
            "date": f"c. {1800 + i}",
            "year_from": 1795 + i,
            "year_to": 1805 + i,
            "makers": [{"id": i % AGENTS + 1 if i < OBJECTS else 99, "role": "maker"}],
        }
        (data / "objects" / f"{i}.json").write_text(json.dumps(record))
    for i in range(1, AGENTS + 1):
        record = {"id": i, "name": f"Made-up maker {i}", "born": 1750 + i, "died": 1830 + i}
        (data / "agents" / f"{i}.json").write_text(json.dumps(record))


def _repository_state() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_a_museum_from_the_template_reaches_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _repository_state()
    scaffold("fourth", "The Fourth Museum", tmp_path / "museums")
    # Its location setting, named by its own declaration (FOURTH_COLLECTION_URL), points at its
    # dump: the template's one-record sample is not what is harvested.
    _write_records(tmp_path / "dump")
    monkeypatch.syspath_prepend(str(tmp_path / "museums"))
    fourth = importlib.import_module("fourth").MUSEUM
    data_dir = tmp_path / "data"
    # Beside a registered museum, live too (a deployment never mixes in a shipped sample): the
    # Tate from its archive, given as a location.
    settings = Settings(
        data_dir=str(data_dir),
        museum_env={
            "FOURTH_COLLECTION_URL": str(tmp_path / "dump"),
            "TATE_COLLECTION_URL": str(SHIPPED_SAMPLE),
        },
    )

    defs = make_definitions(settings, registry=(*MUSEUMS, fourth))
    result = defs.resolve_job_def("nightly").execute_in_process(instance=dg.DagsterInstance.ephemeral())

    assert result.success
    with connect_read_only(data_dir / "analytics.duckdb") as con:
        sources = dict(con.sql("SELECT source, count(*) FROM objects GROUP BY source").fetchall())
        agents = con.sql("SELECT agent_key FROM agents WHERE source = 'fourth' ORDER BY agent_key").fetchall()
        linked = con.sql("SELECT count(*) FROM object_agents WHERE object_key LIKE 'fourth:%'").fetchall()
    assert sources.keys() == {"tate", "fourth"}
    assert sources["fourth"] == OBJECTS
    # Its four agents and the one only an object names, kept as an agent.
    assert [a for (a,) in agents] == [f"fourth:{i}" for i in (1, 2, 3, 4, 99)]
    assert linked == [(OBJECTS,)]
    assert _repository_state() == before  # nothing outside its folder (and DATA_DIR) was touched
