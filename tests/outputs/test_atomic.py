"""A bad night leaves yesterday's database and export exactly as they were."""

import gzip
import hashlib
import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from harvest.exports import SHIPPED_EXPORTS
from outputs.database import build_database
from shared.resources import Lakehouse
from shared.schemas.output import Table
from tests.conftest import run_nightly

OUTPUT_ASSETS = {
    dg.AssetKey(name)
    for name in (
        "analytics_database",
        "search_export",
        "linked_art_objects",
        "linked_art_people",
        "iiif_manifests",
    )
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
    outputs = [
        data_dir / "analytics.duckdb",
        *(
            data_dir / "exports" / name
            for name in ("objects.ndjson", "linked-art/objects.ndjson", "iiif/manifests.ndjson")
        ),
    ]
    before = {path: _digest(path) for path in outputs}

    bad = run_nightly(data_dir, WALTERS_EXPORTS_URL=str(_exports_with_bad_creator(tmp_path / "exports")))

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
    assert not materialized & OUTPUT_ASSETS
    assert {path: _digest(path) for path in outputs} == before
    # No scratch file left beside any export.
    assert sorted(str(p.relative_to(data_dir / "exports")) for p in (data_dir / "exports").rglob("*")) == [
        "iiif",
        "iiif/manifests.ndjson",
        "linked-art",
        "linked-art/objects.ndjson",
        "linked-art/people.ndjson",
        "objects.ndjson",
    ]


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
