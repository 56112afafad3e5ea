"""The Tate harvest assets: the shipped sample, a checkout folder, an archive URL, and bad records."""

import json
import tarfile
from pathlib import Path
from typing import Any

import dagster as dg
import httpx
import polars as pl
import pytest

from definitions import resources_for
from harvest.sources import DumpLocation
from harvest.tate import SHIPPED_SAMPLE
from harvest.tate.harvest import assets as tate_assets
from shared.resources import Settings
from tests.servers import serve

ASSETS = tate_assets


def materialize(data_dir: Path, location: str | None = None) -> dg.ExecuteInProcessResult:
    resources = {
        **resources_for(Settings(data_dir=str(data_dir))),
        "tate_dump": DumpLocation(location=location),
    }
    return dg.materialize(
        ASSETS, resources=resources, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )


def lake_table(data_dir: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(data_dir / "lake" / f"{name}.parquet").drop("harvested_at")


def archive_files(folder: str) -> int:
    """The JSON files under ``folder`` (artworks, artists) of the shipped archive, counted here."""
    with tarfile.open(SHIPPED_SAMPLE) as archive:
        return sum(
            f"/{folder}/" in member.name and member.name.endswith(".json") for member in archive.getmembers()
        )


def metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, Any]:
    (materialization,) = result.asset_materializations_for_node(asset)
    return {name: getattr(value, "value", value) for name, value in materialization.metadata.items()}


def failure_text(result: dg.ExecuteInProcessResult) -> str:
    return "\n".join(
        event.step_failure_data.error.to_string()
        for event in result.all_events
        if event.is_step_failure and event.step_failure_data.error is not None
    )


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("shipped")
    result = materialize(data_dir)
    assert result.success, failure_text(result)
    artworks = metadata(result, "tate_artworks_raw")
    assert artworks["records"] == artworks["files"] == archive_files("artworks")
    assert artworks["archive_bytes"] == SHIPPED_SAMPLE.stat().st_size
    assert artworks["origin"] == "shipped sample"
    assert metadata(result, "tate_artists_raw")["records"] == archive_files("artists")
    checks = {
        (c.asset_key.to_user_string(), c.check_name): c.passed for c in result.get_asset_check_evaluations()
    }
    assert checks and all(checks.values()), checks  # the schema knows every field of the sample
    return data_dir


def test_the_shipped_sample_is_harvested_one_row_per_record_in_id_order(shipped: Path) -> None:
    artworks = lake_table(shipped, "tate_artworks_raw")
    assert artworks.height == artworks["id"].n_unique() == archive_files("artworks")
    assert artworks["id"].is_sorted()
    assert set(artworks["source"]) == {"tate"}
    assert lake_table(shipped, "tate_artists_raw")["id"].n_unique() == archive_files("artists")


def test_a_checkout_folder_and_an_archive_url_give_the_same_tables(shipped: Path, tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    with tarfile.open(SHIPPED_SAMPLE) as archive:
        archive.extractall(checkout, filter="data")
    from_folder = materialize(tmp_path / "folder", str(checkout / "collection-master"))
    body = SHIPPED_SAMPLE.read_bytes()
    with serve(lambda request: httpx.Response(200, content=body)) as server:
        from_url = materialize(tmp_path / "url", f"{server.url}/tategallery/collection/archive/master.tar.gz")
    assert from_folder.success and from_url.success, failure_text(from_folder) + failure_text(from_url)
    assert metadata(from_url, "tate_artworks_raw")["requests"] == 1
    assert metadata(from_folder, "tate_artworks_raw")["archive_bytes"] == 0  # a folder: no archive
    for name in ("tate_artworks_raw", "tate_artists_raw"):
        expected = lake_table(shipped, name)
        # The same records; only where they came from differs.
        expected = expected.drop("origin")
        assert lake_table(tmp_path / "folder", name).drop("origin").equals(expected), name
        assert lake_table(tmp_path / "url", name).drop("origin").equals(expected), name


def _checkout(root: Path, artworks: dict[str, dict], artists: dict[str, dict]) -> str:
    for folder, records in (("artworks", artworks), ("artists", artists)):
        for name, record in records.items():
            path = root / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(record))
    return str(root)


ARTIST = {"id": 1, "fc": "Someone", "mda": "One, Some"}


def test_a_repeated_id_is_kept_once_and_listed_and_blocks_above_its_share(tmp_path: Path) -> None:
    artworks = {f"a/000/a{n}-{n}.json": {"id": n, "acno": f"A{n}"} for n in range(1, 201)}
    twins = {"b/000/b1-500.json": {"id": 500, "acno": "B1"}, "b/000/b2-500.json": {"id": 500, "acno": "B2"}}
    # One id in two files among 201 records (0.5%): the first copy by content is kept, the other listed.
    few = materialize(
        tmp_path / "data", _checkout(tmp_path / "few", artworks | twins, {"s/someone-1.json": ARTIST})
    )
    assert few.success, failure_text(few)
    table = lake_table(tmp_path / "data", "tate_artworks_raw")
    assert table["id"].n_unique() == table.height == 201
    (row,) = table.filter(pl.col("id") == 500).to_dicts()
    assert row["acno"] == "B1"
    assert [(i["field"], i["rule"], i["action"]) for i in row["harvest_issues"]] == [
        ("id", "duplicate_key", "dropped")
    ]
    assert metadata(few, "tate_artworks_raw")["record_issues/duplicate_key"] == 1
    # In a dump of 2 records it is half of them: the source has changed.
    location = _checkout(tmp_path / "dump", twins, {"s/someone-1.json": ARTIST})
    result = materialize(tmp_path / "blocked", location)
    assert not result.success
    text = failure_text(result)
    assert "tate_artworks_raw" in text and "rule duplicate_key fired on 1 of 1 records" in text, text
    assert """tate:500 (B1) id='page 2: {"acno": "B2"}'""" in text, text
    assert not (tmp_path / "blocked" / "lake" / "tate_artworks_raw.parquet").exists()


def test_a_record_without_an_id_fails_naming_its_accession_number(tmp_path: Path) -> None:
    location = _checkout(
        tmp_path / "dump", {"a/000/a1.json": {"acno": "A00001"}}, {"s/someone-1.json": ARTIST}
    )
    result = materialize(tmp_path / "data", location)
    assert not result.success
    assert "acno='A00001'" in failure_text(result)


def test_a_field_the_schema_does_not_know_warns_naming_it(tmp_path: Path) -> None:
    location = _checkout(
        tmp_path / "dump",
        {"a/000/a1-7.json": {"id": 7, "acno": "A1", "newField": 1}},
        {"s/someone-1.json": ARTIST},
    )
    result = materialize(tmp_path / "data", location)
    assert result.success, failure_text(result)
    (warning,) = [
        c
        for c in result.get_asset_check_evaluations()
        if c.asset_key == dg.AssetKey("tate_artworks_raw") and c.check_name == "no_unexpected_fields"
    ]
    assert not warning.passed and "newField" in (warning.description or "")
