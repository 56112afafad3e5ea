"""A harvest written a batch of pages at a time (harvest.parts): the same table as reading every
record at once, each key once across batches, and nothing left behind by a failed or killed run."""

import random
from pathlib import Path
from typing import Any

import dagster as dg
import httpx
import polars as pl
import pytest
from upath import UPath

from harvest import parts
from harvest.raw import records_to_frame
from harvest.received import resolve_duplicates
from harvest.walters.harvest import walters_objects_raw
from harvest.walters.replay import WaltersReplay, load_walters_objects
from shared.resources import Lakehouse
from tests.conftest import HARVESTED_AT
from tests.harvest.test_assets import failure_text, materialize, resources, walters_api
from tests.harvest.test_received import SCHEMA
from tests.servers import serve
from tests.services import S3Server


def _records(seed: int) -> tuple[list[dict[str, Any]], list[int]]:
    """Records in a shuffled order, some keys served two or three times, identical or differing,
    on pages of 7."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = [
        {"id": n, "title": f"T{n}", "year": 1800 + n, "creators": [{"id": n, "name": "X"}]} for n in range(60)
    ]
    for n in rng.sample(range(60), 15):
        records.append({**records[n], "title": rng.choice([f"T{n}", "other"]), "year": rng.choice([None, 1])})
    rng.shuffle(records)
    return records, [1 + i // 7 for i in range(len(records))]


def _batches(records: list[dict], pages: list[int], size: int) -> list[tuple[list[dict], list[int]]]:
    return [(records[i : i + size], pages[i : i + size]) for i in range(0, len(records), size)]


def _settled(
    folder: UPath, records: list[dict], pages: list[int], batch: int
) -> tuple[parts.Parts, pl.LazyFrame, dict[str, int]]:
    """The records written as parts of ``batch`` records each, and settled."""
    written = parts.write_parts(
        "x_raw",
        _batches(records, pages, batch),
        folder,
        SCHEMA,
        key="id",
        source="test",
        harvested_at=HARVESTED_AT,
    )
    return written, *parts.settle_parts(written, folder, key="id")


@pytest.mark.parametrize(
    ("seed", "batch", "sorted_rows"), [(0, 7, 10), (1, 14, 3), (2, 100, 1000), (3, 1, 1)]
)
def test_parts_give_the_table_of_all_records_at_once_each_key_once_in_key_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, batch: int, sorted_rows: int
) -> None:
    monkeypatch.setattr(parts, "SORTED_ROWS", sorted_rows)
    monkeypatch.setattr(parts, "PART_ROW_GROUP_ROWS", 2)
    records, pages = _records(seed)
    at_once, counts = resolve_duplicates(
        records_to_frame(records, pages, SCHEMA, source="test", harvested_at=HARVESTED_AT), key="id"
    )
    with parts.staging_folder(UPath(tmp_path / "x_raw.parquet")) as folder:
        written, table, settled_counts = _settled(folder, records, pages, batch)
        out = table.collect()
    assert len(written.files) == -(-len(records) // batch)
    assert out.equals(at_once.sort("id")) and out.schema == at_once.schema
    assert settled_counts == counts and counts["duplicates/differing"] > 0
    assert list(tmp_path.iterdir()) == []  # the parts and the sorted runs are gone


def test_a_record_without_its_key_fails_naming_it_and_the_parts_are_removed(tmp_path: Path) -> None:
    records, pages = _records(0)
    records[30] = {**records[30], "id": "n/a"}
    target = UPath(tmp_path / "x_raw.parquet")
    with pytest.raises(dg.Failure, match=r"id='n/a' \(page 5\)"), parts.staging_folder(target) as folder:
        parts.write_parts(
            "x_raw",
            _batches(records, pages, 7),
            folder,
            SCHEMA,
            key="id",
            source="test",
            harvested_at=HARVESTED_AT,
        )
    assert list(tmp_path.iterdir()) == []


def test_a_fresh_run_starts_from_an_empty_staging_folder(tmp_path: Path) -> None:
    # What a killed run left: a part of another harvest, which must not be read as this one's.
    left = tmp_path / ".x_raw.parquet.parts"
    left.mkdir()
    (left / "part-000001.parquet").write_bytes(b"half a file")
    with parts.staging_folder(UPath(tmp_path / "x_raw.parquet")) as folder:
        assert list(Path(str(folder)).iterdir()) == []
    assert not left.exists()


def test_a_walters_harvest_in_many_batches_writes_each_object_once_and_leaves_only_its_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = load_walters_objects()
    monkeypatch.setattr("harvest.walters.harvest.BATCH_RECORDS", 150)
    monkeypatch.setattr(parts, "SORTED_ROWS", 400)
    served = [*sample[:500], sample[3], *sample[500:900], sample[800]]  # repeats across batches
    with serve(WaltersReplay(served)) as server:
        result = materialize([walters_objects_raw], resources(tmp_path, walters_api=walters_api(server.url)))
    assert result.success, failure_text(result)
    raw = pl.read_parquet(tmp_path / "lake" / "walters_objects_raw.parquet")
    assert raw["ObjectID"].to_list() == sorted(r["ObjectID"] for r in sample[:900])
    assert [p.name for p in (tmp_path / "lake").iterdir()] == ["walters_objects_raw.parquet"]

    def broken(request: httpx.Request) -> httpx.Response:
        """Page 7 (a later batch) serves an object without its ObjectID."""
        response = WaltersReplay(served)(request)
        if request.url.params.get("Page") != "7":
            return response
        body = response.json()
        body["Items"][0]["ObjectID"] = None
        return httpx.Response(200, json=body)

    before = (tmp_path / "lake" / "walters_objects_raw.parquet").read_bytes()
    with serve(broken) as server:
        result = materialize([walters_objects_raw], resources(tmp_path, walters_api=walters_api(server.url)))
    assert not result.success and "ObjectID=None (page 7" in failure_text(result)
    assert (tmp_path / "lake" / "walters_objects_raw.parquet").read_bytes() == before
    assert [p.name for p in (tmp_path / "lake").iterdir()] == ["walters_objects_raw.parquet"]


def test_parts_on_object_storage_give_the_same_table_and_leave_no_object(
    s3: S3Server, s3_data_dir: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parts, "SORTED_ROWS", 10)
    records, pages = _records(4)
    at_once, _ = resolve_duplicates(
        records_to_frame(records, pages, SCHEMA, source="test", harvested_at=HARVESTED_AT), key="id"
    )
    lakehouse = Lakehouse(data_dir=s3_data_dir)
    target = lakehouse.table_path("x_raw")
    with parts.staging_folder(target) as folder:
        _, table, _ = _settled(folder, records, pages, 7)
        assert table.collect().equals(at_once.sort("id"))
        assert s3.keys(s3_data_dir.split("/")[2])  # the parts are objects of the lake's bucket
    assert s3.keys(s3_data_dir.split("/")[2]) == []


@pytest.mark.slow
def test_issues_found_a_slice_at_a_time_are_those_of_the_whole_table_for_each_clean_marked_so(
    nightly_run: tuple[Path, dg.ExecuteInProcessResult],
) -> None:
    """Each clean marked as reading records alone (shared.museum.record_by_record), on its museum's
    shipped sample as the nightly harvested it: slices of 37 records give the whole table's issues."""
    from harvest.museums import MUSEUMS
    from shared.issues import issue_rows
    from shared.museum import reads_records_alone

    lake = nightly_run[0] / "lake"
    marked = []
    for museum in MUSEUMS:
        for frame, key in ((museum.objects, "object_key"), (museum.agents, "agent_key")):
            if not reads_records_alone(frame.clean):
                continue
            marked.append(frame.raw(museum.name))
            raw = pl.scan_parquet(lake / f"{frame.raw(museum.name)}.parquet")
            number = "object_number" if key == "object_key" else None
            whole = issue_rows(frame.clean(raw, latest_year=2026), key=key, number=number).collect()
            sliced = parts.record_issues(
                frame.clean, raw, key=key, number=number, latest_year=2026, slice_records=37
            ).collect()
            assert not whole.is_empty(), frame.raw(museum.name)  # the samples hold odd records
            assert sliced.equals(whole), frame.raw(museum.name)
    assert "walters_objects_raw" in marked, marked
