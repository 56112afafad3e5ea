"""Nothing that failed is published: a table whose blocking check fails never reaches the lake, so
no later run, whole or partial, can publish it; each museum's clean check accepts only its own
records; a registry of one museum without exhibitions or relationships runs to the database."""

import dataclasses
import hashlib
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from definitions import make_definitions
from harvest import tate
from outputs.database import connect_read_only
from shared.io_manager import LakeIOManager
from shared.museum import Frame, Museum
from shared.resources import Lakehouse, Settings
from transforms.assets import clean_assets
from transforms.model import OBJECT_SCHEMA, conform_to

CLEAN_ARTWORKS = "tate_artworks_clean"


def _with_objects_from(museum: Museum, source: str) -> Museum:
    """``museum`` whose clean objects claim one record (the first) comes from ``source``."""

    def clean(raw: pl.LazyFrame, *, latest_year: int) -> pl.LazyFrame:
        objects = museum.objects.clean(raw, latest_year=latest_year)
        first = pl.int_range(pl.len()) == 0
        return objects.with_columns(source=pl.when(first).then(pl.lit(source)).otherwise("source"))

    return dataclasses.replace(museum, objects=dataclasses.replace(museum.objects, clean=clean))


def _nightly(data_dir: Path, *registry: Museum) -> dg.ExecuteInProcessResult:
    defs = make_definitions(Settings(data_dir=str(data_dir)), registry=registry)
    return defs.resolve_job_def("nightly").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_museums_clean_check_rejects_another_museums_records(tmp_path: Path) -> None:
    rows = [
        {
            "object_key": f"tate:{i}",
            "source": source,
            "source_id": str(i),
            "title": "t",
            "title_is_fallback": False,
        }
        for i, source in enumerate(["tate", "walters"], start=1)
    ]

    @dg.asset(name="tate_objects_raw")
    def raw() -> pl.DataFrame:
        return conform_to(pl.LazyFrame(rows), OBJECT_SCHEMA).collect()

    passthrough = Frame("objects", lambda raw, *, latest_year: raw, "Objects as they came.")
    museum = dataclasses.replace(tate.MUSEUM, objects=passthrough)
    clean_objects = clean_assets(museum)[0][0]
    lakehouse = Lakehouse(data_dir=str(tmp_path))
    result = dg.materialize(
        [raw, clean_objects],
        resources={"io_manager": LakeIOManager(base_dir=str(lakehouse.lake_dir)), "lakehouse": lakehouse},
        raise_on_error=False,
    )

    assert not result.success
    (evaluation,) = result.get_asset_check_evaluations()
    assert (evaluation.asset_key.to_user_string(), evaluation.check_name) == (
        "tate_objects_clean",
        "conforms_to_CleanObjects",
    )
    assert not evaluation.passed
    assert "source isin" in (evaluation.description or "") and "walters" in (evaluation.description or "")
    assert not (tmp_path / "lake" / "tate_objects_clean.parquet").exists()


@pytest.fixture(scope="module")
def tate_alone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dg.ExecuteInProcessResult]:
    """One nightly run over a registry of the Tate alone (no exhibitions, no relationships)."""
    data_dir = tmp_path_factory.mktemp("tate-alone")
    return data_dir, _nightly(data_dir, tate.MUSEUM)


@pytest.mark.slow
def test_one_museum_without_exhibitions_or_relationships_runs_to_the_database(
    tate_alone: tuple[Path, dg.ExecuteInProcessResult],
) -> None:
    data_dir, result = tate_alone
    assert result.success
    with connect_read_only(data_dir / "analytics.duckdb") as con:
        counts = {
            table: con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            for table in ("objects", "agents", "exhibitions", "related_objects")
        }
        sources = con.sql("SELECT DISTINCT source FROM objects").fetchall()
    assert counts["objects"] == 2_500 and counts["agents"] > 0
    assert counts["exhibitions"] == 0
    assert sources == [("tate",)]
    assert (data_dir / "exports" / "linked-art" / "objects.ndjson").stat().st_size > 0


@pytest.mark.slow
def test_a_clean_table_that_fails_is_never_published_not_even_by_a_partial_run(
    tate_alone: tuple[Path, dg.ExecuteInProcessResult], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(tate_alone[0], data_dir)
    lake_file = data_dir / "lake" / f"{CLEAN_ARTWORKS}.parquet"
    before = _digest(lake_file)
    database = data_dir / "analytics.duckdb"
    yesterday = _digest(database)

    bad = _with_objects_from(tate.MUSEUM, "walters")
    failed = _nightly(data_dir, bad)

    assert not failed.success
    evaluations = [
        (e.asset_key.to_user_string(), e.check_name)
        for e in failed.get_asset_check_evaluations()
        if not e.passed
    ]
    assert evaluations == [(CLEAN_ARTWORKS, "conforms_to_CleanObjects")]
    assert _digest(lake_file) == before
    assert _digest(database) == yesterday
    assert not [p.name for p in (data_dir / "lake").iterdir() if p.name.startswith(".")]

    # The database alone (with the exports it is published with), from what the lake holds: the
    # failed table is not in it.
    defs = make_definitions(Settings(data_dir=str(data_dir)), registry=(bad,))
    database_alone = dg.AssetSelection.assets("analytics_database").required_multi_asset_neighbors()
    partial = defs.resolve_implicit_global_asset_job_def().execute_in_process(
        asset_selection=list(database_alone.resolve(defs.resolve_asset_graph())),
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert partial.success
    assert dg.AssetKey("analytics_database") in {
        e.asset_key for e in partial.get_asset_materialization_events()
    }
    with connect_read_only(database) as con:
        assert con.sql("SELECT DISTINCT source FROM objects").fetchall() == [("tate",)]
