"""A bad night leaves yesterday's database and exports exactly as they were: a table that fails its
check never reaches the lake, and the database and every export are published together or not at all."""

import gzip
import hashlib
import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from definitions import make_definitions
from harvest.walters.exports import SHIPPED_EXPORTS
from harvest.walters.replay import WaltersReplay, load_walters_objects
from outputs import database as database_module
from outputs import exchange_checks
from outputs.database import build_database
from shared.resources import Lakehouse, Settings
from shared.schemas.output import Table
from tests.conftest import OUTPUT_ASSETS, published_digests, run_nightly
from tests.servers import serve

OUTPUT_KEYS = {dg.AssetKey(name) for name in OUTPUT_ASSETS}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _outputs_alone(data_dir: Path) -> dg.ExecuteInProcessResult:
    """Only the output step (the database and the exports), from the lake as it is."""
    defs = make_definitions(Settings(data_dir=str(data_dir)))
    return defs.resolve_implicit_global_asset_job_def().execute_in_process(
        asset_selection=list(OUTPUT_KEYS), instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )


def _files(data_dir: Path) -> list[str]:
    """Every file and folder under DATA_DIR but the lake and the Dagster instance: no scratch left."""
    return sorted(
        str(p.relative_to(data_dir))
        for p in data_dir.rglob("*")
        if p.relative_to(data_dir).parts[0] not in ("lake", "dagster_home")
    )


def _exports_with_bad_creator(folder: Path) -> Path:
    """The shipped exports, with one creator id that is not a number (the blocking check rejects it)."""
    folder.mkdir()
    for export in SHIPPED_EXPORTS.glob("*.csv.gz"):
        shutil.copy(export, folder / export.name)
    with gzip.open(SHIPPED_EXPORTS / "creators.csv.gz", "rt", encoding="utf-8") as shipped:
        header, first, *rest = shipped.read().splitlines()
    assert header.split(",")[0] == '"id"', header  # the corruption below must hit the id column
    bad = '"not-a-number",' + first.split(",", 1)[1]
    (folder / "creators.csv.gz").unlink()
    (folder / "creators.csv").write_text("\n".join([header, bad, *rest]) + "\n", encoding="utf-8")
    return folder


@pytest.mark.slow
def test_a_failed_blocking_check_leaves_database_and_export_untouched(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert run_nightly(data_dir).success
    before = published_digests(data_dir)
    raw_creators = data_dir / "lake" / "walters_creators_raw.parquet"
    lake_before = _digest(raw_creators)

    exports = _exports_with_bad_creator(tmp_path / "exports")
    with serve(WaltersReplay(load_walters_objects())) as api:  # a live Walters: both its locations
        bad = run_nightly(data_dir, WALTERS_API_URL=api.url, WALTERS_EXPORTS_URL=str(exports))

    assert not bad.success
    failed_checks = [
        e.asset_check_evaluation_data
        for e in bad.all_events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
        and not e.asset_check_evaluation_data.passed
    ]
    assert [(c.asset_key.to_user_string(), c.check_name) for c in failed_checks] == [
        ("walters_creators_raw", "conforms_to_WaltersCreatorsRaw")
    ]
    materialized = {e.asset_key for e in bad.get_asset_materialization_events()}
    assert not materialized & {*OUTPUT_KEYS, dg.AssetKey("walters_creators_raw")}
    assert published_digests(data_dir) == before
    # The export that failed its model never reached the lake: the last good one is there.
    assert _digest(raw_creators) == lake_before
    assert not [p.name for p in (data_dir / "lake").iterdir() if p.name.startswith(".")]
    # No scratch file left beside any export.
    assert sorted(str(p.relative_to(data_dir / "exports")) for p in (data_dir / "exports").rglob("*")) == [
        "iiif",
        "iiif/manifests.ndjson",
        "linked-art",
        "linked-art/objects.ndjson",
        "linked-art/people.ndjson",
        "objects.ndjson",
    ]


@pytest.fixture
def published_night(nightly_run: tuple[Path, dg.ExecuteInProcessResult], tmp_path: Path) -> Path:
    """A copy of a good night's DATA_DIR (the shared run's, which other tests read)."""
    data_dir = tmp_path / "data"
    shutil.copytree(nightly_run[0], data_dir)
    return data_dir


@pytest.mark.slow
def test_an_export_that_fails_its_check_leaves_the_database_and_every_export(
    published_night: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, files = published_digests(published_night), _files(published_night)
    refusing = exchange_checks.Check(
        "Fails on every export, as a broken export would.",
        find=lambda documents: documents.select("line", "id").head(1),
        judge=exchange_checks._bad("manifests_refused"),
    )
    monkeypatch.setitem(exchange_checks.MANIFEST_CHECKS, "rights_uris", refusing)

    result = _outputs_alone(published_night)

    assert not result.success
    assert not {e.asset_key for e in result.get_asset_materialization_events()}
    failed = [
        (e.asset_key.to_user_string(), e.check_name)
        for e in result.get_asset_check_evaluations()
        if not e.passed
    ]
    assert failed == [("iiif_manifests", "rights_uris")]
    (error,) = [
        e.step_failure_data.error.to_string()
        for e in result.all_events
        if e.is_step_failure and e.step_failure_data.error is not None
    ]
    assert "Nothing was published" in error and "iiif_manifests rights_uris" in error
    assert published_digests(published_night) == before
    assert _files(published_night) == files


@pytest.mark.slow
def test_a_database_build_that_fails_leaves_the_database_and_every_export(
    published_night: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, files = published_digests(published_night), _files(published_night)
    views = tmp_path / "views.sql"
    views.write_text("CREATE VIEW broken AS SELECT * FROM no_such_table;")
    monkeypatch.setattr(database_module, "VIEWS_SQL", views)  # the tables load, then the views fail

    result = _outputs_alone(published_night)

    assert not result.success
    (error,) = [
        e.step_failure_data.error.to_string()
        for e in result.all_events
        if e.is_step_failure and e.step_failure_data.error is not None
    ]
    assert "no_such_table" in error
    assert published_digests(published_night) == before
    assert _files(published_night) == files


def test_a_build_that_fails_midway_keeps_the_old_database(tmp_path: Path) -> None:
    lakehouse = Lakehouse(data_dir=str(tmp_path))
    target = lakehouse.database_path
    target.write_bytes(b"yesterday's database")
    lake = tmp_path / "lake"
    lake.mkdir()
    tables = (Table("loaded", ("key",)), Table("missing", ("key",)))
    # The first table loads into the new file, the second one's Parquet file is missing.
    pl.DataFrame({"key": [1, 2]}).write_parquet(lake / "loaded.parquet")
    paths = {table.name: lake / f"{table.name}.parquet" for table in tables}

    with (
        pytest.raises(duckdb.IOException, match=r"missing\.parquet"),
        lakehouse.publishing(target.name) as scratch,
    ):
        build_database(scratch, tables, paths)

    assert target.read_bytes() == b"yesterday's database"
    assert sorted(os.listdir(tmp_path)) == ["analytics.duckdb", "lake"]  # no .tmp or .wal left
