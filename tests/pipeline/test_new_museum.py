"""Made-up museums from the template: a fourth from a dump, run with the registered ones to the
database, and a fifth from a paged JSON API on a loopback server, run alone to every export."""

import importlib
import json
import subprocess
from pathlib import Path

import dagster as dg
import httpx
import polars as pl
import pytest

from definitions import make_definitions, resources_for
from harvest.museums import MUSEUMS
from harvest.scaffold import Api, main, scaffold
from harvest.tate import SHIPPED_SAMPLE
from outputs.database import connect_read_only
from shared.resources import Settings
from tests.conftest import REPO
from tests.servers import serve
from transforms.assets import clean_assets

pytestmark = pytest.mark.slow

OBJECTS, AGENTS = 12, 4


def _records() -> dict[str, list[dict]]:
    """A dozen made-up objects, each made by one of four made-up agents (the last by one the
    agents' records lack)."""
    objects = [
        {
            "id": i,
            "number": f"F.{i}",
            "title": f"Made-up object {i}",
            "date": f"c. {1800 + i}",
            "year_from": 1795 + i,
            "year_to": 1805 + i,
            "makers": [{"id": i % AGENTS + 1 if i < OBJECTS else 99, "role": "maker"}],
        }
        for i in range(1, OBJECTS + 1)
    ]
    agents = [
        {"id": i, "name": f"Made-up maker {i}", "born": 1750 + i, "died": 1830 + i}
        for i in range(1, AGENTS + 1)
    ]
    return {"objects": objects, "agents": agents}


def _write_records(data: Path) -> None:
    """The made-up records as the museum's dump, one file a record, in a folder of its own."""
    for kind, records in _records().items():
        (data / kind).mkdir(parents=True)
        for record in records:
            (data / kind / f"{record['id']}.json").write_text(json.dumps(record))


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
    folder = scaffold("fourth", "The Fourth Museum", tmp_path / "museums")
    assert not (folder / "harvest_api.py").exists()  # a dump museum: its harvest.py reads the dump
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


# The fifth museum's API, as a team would describe it to the scaffold: its own paths, fields and
# parameters, none of them the template's.
FIFTH_API = Api(
    objects_path="/collection/works",
    agents_path="/collection/makers",
    records_field="results.items",
    page_param="p",
    size_param="per_page",
    more_field="links.next",
)
SERVED_PER_PAGE = 5  # the server's own cap, below the harvest's page size: only links.next says more


def _fifth_api(request: httpx.Request) -> httpx.Response:
    """The made-up API, written apart from the pipeline's replays: `GET /api/collection/works?p=&per_page=`
    (and `/makers`), at most five records a page, `links.next` naming the next page's URL."""
    lists = {"/api/collection/works": "objects", "/api/collection/makers": "agents"}
    kind = lists.get(request.url.path)
    if kind is None:
        return httpx.Response(404, json={"error": "not found"})
    page, size = int(request.url.params["p"]), min(int(request.url.params["per_page"]), SERVED_PER_PAGE)
    records = _records()[kind][(page - 1) * size : page * size]
    more = page * size < len(_records()[kind])
    body = {
        "results": {"items": records},
        "links": {"next": str(request.url.copy_set_param("p", page + 1)) if more else None},
    }
    return httpx.Response(200, json=body)


def test_a_museum_with_an_api_scaffolded_from_the_options_runs_alone_to_every_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _repository_state()
    folder = scaffold("fifth", "The Fifth Museum", tmp_path / "museums", api=FIFTH_API)
    assert 'PageNumbers("/collection/works", records="results.items"' in (folder / "harvest.py").read_text()
    assert not (folder / "harvest_api.py").exists()
    monkeypatch.syspath_prepend(str(tmp_path / "museums"))
    fifth = importlib.import_module("fifth").MUSEUM
    assert fifth.locations == ("FIFTH_API_URL",)
    data_dir = tmp_path / "data"

    with serve(_fifth_api) as server:
        settings = Settings(data_dir=str(data_dir), museum_env={"FIFTH_API_URL": f"{server.url}/api"})
        defs = make_definitions(settings, registry=(*MUSEUMS, fifth))  # the only one with a location
        result = defs.resolve_job_def("nightly").execute_in_process(instance=dg.DagsterInstance.ephemeral())
        asked = server.requests

    assert result.success
    # Twelve works come five a page, though the harvest asked for a hundred: it followed links.next
    # (fetching a few pages ahead, as it does for any API without a total).
    assert asked["/api/collection/works"] >= 3 and asked["/api/collection/makers"] >= 1
    with connect_read_only(data_dir / "analytics.duckdb") as con:
        objects = con.sql("SELECT object_key, title FROM objects ORDER BY source_id::INT").fetchall()
        agents = con.sql("SELECT agent_key FROM agents ORDER BY agent_key").fetchall()
    assert objects == [(f"fifth:{i}", f"Made-up object {i}") for i in range(1, OBJECTS + 1)]
    assert [a for (a,) in agents] == [f"fifth:{i}" for i in (1, 2, 3, 4, 99)]
    # The exports name the museum by the title its declaration gives, though no registry holds it.
    documents = pl.read_ndjson(data_dir / "exports" / "linked-art" / "objects.ndjson")
    owners = {json.dumps(owner) for owner in documents["current_owner"].to_list()}
    assert owners == {
        json.dumps(
            [
                {
                    "id": "https://collection.example.org/museum/fifth",
                    "type": "Group",
                    "_label": "The Fifth Museum",
                }
            ]
        )
    }
    assert _repository_state() == before  # nothing outside its folder (and DATA_DIR) was touched


def test_a_museum_with_an_api_runs_from_its_sample_through_the_embedded_replay(tmp_path: Path) -> None:
    """Unset, its location leaves it on the template's one-record sample, served in-process in the
    envelope the options name (written from the command line)."""
    options = ["--more-field", "meta.more", "--records-field", "items", "--into", str(tmp_path)]
    main(["sixth", "The Sixth Museum", "--api", *options])
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(tmp_path))
        sixth = importlib.import_module("sixth").MUSEUM
    objects, agents = clean_assets(sixth)[0][:2]
    result = dg.materialize(
        [*sixth.harvest(), objects, agents],
        resources=resources_for(Settings(data_dir=str(tmp_path / "data")), (sixth,)),
        instance=dg.DagsterInstance.ephemeral(),
    )

    assert result.success
    lake = tmp_path / "data" / "lake"
    assert pl.read_parquet(lake / "sixth_objects_raw.parquet")["origin"].to_list() == ["shipped sample"]
    clean = pl.read_parquet(lake / "sixth_objects_clean.parquet")
    assert clean.select("object_key", "title").rows() == [("sixth:1", "A made-up bowl")]
