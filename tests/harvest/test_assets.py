"""The harvest assets in Dagster against loopback servers: failures that write nothing, checks,
incremental AIC harvests, Walters change metadata, and the exports from a directory or a URL."""

import copy
import datetime as dt
import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg
import httpx
import polars as pl
import pytest
from upath import UPath

from definitions import resources_for
from harvest.artic.api import ArticApi
from harvest.artic.harvest import artic_agents_raw, artic_artworks_raw, latest_instant
from harvest.artic.replay import ArticReplay, load_artic_records
from harvest.raw import checked_raw, records_to_frame
from harvest.walters.api import WaltersApi
from harvest.walters.exports import EXPORT_NAMES, SHIPPED_EXPORTS, WaltersExports
from harvest.walters.harvest import (
    walters_collections_raw,
    walters_creators_raw,
    walters_exhibitions_raw,
    walters_objects_raw,
    walters_relationships_raw,
)
from harvest.walters.replay import WaltersReplay, load_walters_objects
from harvest.walters.schemas import WALTERS_OBJECT_SCHEMA, WaltersObjectsRaw
from shared.resources import Settings
from tests.servers import Faults, serve
from tests.variations import times_ten, vary

KEY = "s3cr3t-asset-key"
FAST = {
    "max_attempts": 3,
    "backoff_initial_s": 0.01,
    "backoff_max_s": 0.02,
    "backoff_jitter_s": 0.01,
    "retry_after_max_s": 0.01,
    "timeout_s": 2.0,
}
HARVEST_METADATA = ("records", "pages", "retries", "duplicates_dropped", "duration_s", "requests_per_s")
EXPORT_ASSETS = [
    walters_creators_raw,
    walters_relationships_raw,
    walters_exhibitions_raw,
    walters_collections_raw,
]


class Swappable:
    """A handler whose data can be replaced between runs while the server keeps its port."""

    def __init__(self, handler: Callable[[httpx.Request], httpx.Response]) -> None:
        self.handler = handler

    def __call__(self, request: httpx.Request) -> httpx.Response:
        return self.handler(request)


def resources(data_dir: Path, **overrides: Any) -> dict[str, Any]:
    return {**resources_for(Settings(data_dir=str(data_dir))), **overrides}


def walters_api(url: str) -> WaltersApi:
    return WaltersApi(base_url=url, api_key=KEY, **FAST)


def artic_api(url: str) -> ArticApi:
    return ArticApi(base_url=url, requests_per_second=None, **FAST)


def materialize(assets: list, res: dict[str, Any], **kwargs: Any) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        assets, resources=res, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False, **kwargs
    )


def failure_text(result: dg.ExecuteInProcessResult) -> str:
    """Every step failure's error, causes included, as one text."""
    texts = []
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error is not None:
            texts.append(event.step_failure_data.error.to_string())
    return "\n".join(texts)


def metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, Any]:
    (materialization,) = result.asset_materializations_for_node(asset)
    return {name: getattr(value, "value", value) for name, value in materialization.metadata.items()}


@pytest.fixture(scope="module")
def sample() -> list[dict]:
    return load_walters_objects()


# (a) an unrecoverable page


def test_an_unrecoverable_page_fails_naming_source_url_and_attempts_and_leaves_the_snapshot(
    tmp_path: Path, sample: list[dict]
) -> None:
    def page_3(request: httpx.Request) -> bool:
        return request.url.params.get("Page") == "3"

    with serve(WaltersReplay(sample)) as good:
        first = materialize([walters_objects_raw], resources(tmp_path, walters_api=walters_api(good.url)))
    assert first.success
    snapshot = tmp_path / "lake" / "walters_objects_raw.parquet"
    before = snapshot.read_bytes()

    with serve(WaltersReplay(sample), Faults(always_fail=page_3)) as bad:
        result = materialize([walters_objects_raw], resources(tmp_path, walters_api=walters_api(bad.url)))
    assert not result.success
    text = failure_text(result)
    assert "walters: GET " in text and "/v1/objects?apikey=***&Page=3&pageSize=100" in text, text
    assert "after 3 attempts" in text and "500" in text, text
    assert KEY not in text
    assert snapshot.read_bytes() == before
    # Nothing in the run's event log shows the key either.
    assert not any(KEY in str(event) for event in result.all_events)


# (b) a record that breaks the boundary model


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [("ObjectNumber", None, "ObjectNumber"), ("ObjectID", "not-a-number", "'not-a-number'")],
)
def test_a_record_missing_a_required_field_fails_naming_it_and_writes_nothing(
    tmp_path: Path, sample: list[dict], field: str, value: Any, named: str
) -> None:
    broken = copy.deepcopy(sample[150])
    replay = WaltersReplay(sample)

    def tampered(request: httpx.Request) -> httpx.Response:
        """The replay's answer with the one record broken as it goes over the wire."""
        response = replay(request)
        body = json.loads(response.content)
        for item in body.get("Items", []):
            if item["ObjectID"] == broken["ObjectID"]:
                item[field] = value
        return httpx.Response(response.status_code, json=body)

    with serve(tampered) as server:
        result = materialize([walters_objects_raw], resources(tmp_path, walters_api=walters_api(server.url)))
    assert not result.success
    text = failure_text(result)
    assert "walters_objects_raw" in text and named in text, text
    if field == "ObjectNumber":
        assert str(broken["ObjectID"]) in text, text
    else:
        assert repr(broken["ObjectNumber"]) in text, text
    assert not (tmp_path / "lake" / "walters_objects_raw.parquet").exists()


def test_a_raw_snapshot_with_a_repeated_object_fails_naming_it(tmp_path: Path, sample: list[dict]) -> None:
    # The harvest keeps one copy of a record served twice (tests/harvest/test_received.py); the raw
    # model refuses a repeat that got past it, so the clean stage can take raw rows one to one.
    records = [*sample[:3], sample[1]]
    frame = records_to_frame(
        records, [1, 1, 1, 2], WALTERS_OBJECT_SCHEMA, source="walters", harvested_at=dt.datetime.now(dt.UTC)
    )
    frame.write_parquet(tmp_path / "staged.parquet")
    checks = checked_raw(
        "walters_objects_raw",
        UPath(tmp_path / "staged.parquet"),
        WaltersObjectsRaw,
        key="ObjectID",
        new_fields=[],
        metadata={},
    )
    with pytest.raises(dg.Failure, match=rf"ObjectID: field_uniqueness.*{sample[1]['ObjectID']}"):
        next(checks)


# (c) a field the source adds


def test_a_new_field_warns_naming_it_and_the_run_succeeds(tmp_path: Path, sample: list[dict]) -> None:
    records = copy.deepcopy(sample)
    records[3]["ProvenanceNotes"] = "new in this API version"
    with serve(WaltersReplay(records)) as server:
        result = materialize([walters_objects_raw], resources(tmp_path, walters_api=walters_api(server.url)))
    assert result.success
    (warning,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "no_unexpected_fields"]
    assert not warning.passed
    assert warning.severity == dg.AssetCheckSeverity.WARN
    assert "ProvenanceNotes" in (warning.description or "")
    assert warning.metadata["unexpected_fields"].value == ["ProvenanceNotes"]


# (d) AIC incremental harvest


def test_artic_harvest_is_incremental_by_high_water_mark_and_full_refresh_reharvests(tmp_path: Path) -> None:
    artworks, agents = load_artic_records("artworks"), load_artic_records("agents")
    by_instant = sorted(artworks, key=lambda r: dt.datetime.fromisoformat(r["updated_at"]))
    changed = [by_instant[-1], by_instant[0]]  # the latest and the earliest
    mark = dt.datetime.fromisoformat(by_instant[-1]["updated_at"])
    # `updated_at >= mark` also asks again for unchanged records stamped at the mark itself (a
    # record updated later in that same second must not be missed); the fixtures have one more.
    at_mark = [r for r in by_instant[:-1] if dt.datetime.fromisoformat(r["updated_at"]) == mark]
    assert len(at_mark) == 1
    replay = ArticReplay({"artworks": artworks, "agents": agents})
    assets = [artic_artworks_raw, artic_agents_raw]
    search = "/artworks/search"

    with serve(replay) as server:
        res = resources(tmp_path, artic_api=artic_api(server.url))
        first = materialize(assets, res)
        assert first.success
        full = metadata(first, "artic_artworks_raw")
        assert full["mode"] == "full" and full["records"] == len(artworks)
        assert full["changes/new"] == len(artworks)

        for n, record in enumerate(changed):  # the records dicts are the replay's own
            record["updated_at"] = f"2031-03-0{n + 1}T10:00:00-06:00"
            record["title"] = f"Retitled {n}"
        asked = server.requests[search]
        second = materialize(assets, res)
        assert second.success
        incremental = metadata(second, "artic_artworks_raw")
        assert incremental["mode"] == "incremental"
        assert incremental["records"] == len(changed) + len(at_mark) == 3
        assert incremental["changes/changed"] == 2 and incremental["changes/new"] == 0
        assert incremental["changes/examples"]["changed"] == sorted(r["id"] for r in changed)
        assert server.requests[search] - asked == incremental["requests"] == 1
        for name in HARVEST_METADATA:
            assert name in incremental

        import polars as pl

        snapshot = pl.read_parquet(tmp_path / "lake" / "artic_artworks_raw.parquet")
        assert sorted(snapshot["id"]) == sorted(r["id"] for r in artworks)
        titles = dict(zip(snapshot["id"], snapshot["title"], strict=True))
        assert [titles[r["id"]] for r in changed] == ["Retitled 0", "Retitled 1"]

        third = materialize(
            assets, res, run_config={"ops": {"artic_artworks_raw": {"config": {"full_refresh": True}}}}
        )
        assert third.success
        refreshed = metadata(third, "artic_artworks_raw")
        assert refreshed["mode"] == "full" and refreshed["records"] == len(artworks)
        assert metadata(third, "artic_agents_raw")["mode"] == "incremental"


def test_the_high_water_mark_is_the_latest_instant_not_the_largest_string() -> None:
    # 01:30-05:00 is 06:30 UTC; 01:10-06:00 is 07:10 UTC, the later instant but the smaller string.
    marks = ["2024-11-03T01:30:00-05:00", "2024-11-03T01:10:00-06:00", None, "2024-11-02T23:59:59-05:00"]
    assert max(m for m in marks if m) == "2024-11-03T01:30:00-05:00"
    assert latest_instant(marks) == "2024-11-03T01:10:00-06:00"
    assert latest_instant(["2024-01-01T12:00:00Z", "2024-01-01T12:30:00"]) == "2024-01-01T12:30:00+00:00"
    assert latest_instant([]) is None


# (e) Walters change metadata


def test_walters_metadata_reports_new_changed_and_gone_objects(tmp_path: Path, sample: list[dict]) -> None:
    handler = Swappable(WaltersReplay(sample))
    with serve(handler, Faults(repeat_rate=0.3), seed=3) as server:
        res = resources(tmp_path, walters_api=walters_api(server.url))
        first = materialize([walters_objects_raw], res)
        assert first.success
        assert metadata(first, "walters_objects_raw")["changes/new"] == len(sample)

        records = copy.deepcopy(sample)
        records[10]["Title"] = "A new title"
        gone = records.pop(20)["ObjectID"]
        added = {**records[0], "ObjectID": max(r["ObjectID"] for r in sample) + 1}
        records.append(added)
        handler.handler = WaltersReplay(records)
        second = materialize([walters_objects_raw], res)
    assert second.success
    found = metadata(second, "walters_objects_raw")
    assert (found["changes/new"], found["changes/changed"], found["changes/gone"]) == (1, 1, 1)
    assert found["changes/examples"] == {
        "new": [added["ObjectID"]],
        "changed": [records[10]["ObjectID"]],
        "gone": [gone],
    }
    assert found["records"] == len(records)
    assert found["duplicates_dropped"] > 0
    for name in HARVEST_METADATA:
        assert name in found


# (f) the exports from a directory or over HTTP


def _unpacked(folder: Path) -> Path:
    folder.mkdir()
    for name in EXPORT_NAMES:
        (folder / f"{name}.csv").write_bytes(
            gzip.decompress((SHIPPED_EXPORTS / f"{name}.csv.gz").read_bytes())
        )
    return folder


def _files(folder: Path) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        path = folder / request.url.path.rsplit("/", 1)[-1]
        if not path.is_file():
            return httpx.Response(404, text="not found")
        return httpx.Response(200, content=path.read_bytes())

    return answer


def test_exports_are_read_from_a_directory_and_from_an_http_base_url(tmp_path: Path) -> None:
    folder = _unpacked(tmp_path / "exports")
    from_dir = materialize(
        EXPORT_ASSETS, resources(tmp_path / "a", walters_exports=WaltersExports(location=str(folder)))
    )
    assert from_dir.success
    with serve(_files(folder)) as server:
        from_url = materialize(
            EXPORT_ASSETS,
            resources(tmp_path / "b", walters_exports=WaltersExports(location=f"{server.url}/exports/")),
        )
    assert from_url.success
    for asset in EXPORT_ASSETS:
        name = asset.key.to_user_string()
        a = metadata(from_dir, name).get("dagster/row_count")
        b = metadata(from_url, name).get("dagster/row_count")
        assert a == b and a, name


@pytest.mark.parametrize("over_http", [False, True])
def test_a_missing_export_fails_naming_the_file(tmp_path: Path, over_http: bool) -> None:
    folder = _unpacked(tmp_path / "exports")
    (folder / "exhibitions.csv").unlink()
    with serve(_files(folder)) as server:
        location = f"{server.url}/exports" if over_http else str(folder)
        result = materialize(
            EXPORT_ASSETS, resources(tmp_path / "data", walters_exports=WaltersExports(location=location))
        )
    assert not result.success
    text = failure_text(result)
    assert "exhibitions.csv" in text, text
    failed = {e.step_key for e in result.all_events if e.is_step_failure}
    assert failed == {"walters_exhibitions_raw"}


# the key stays out of what Dagster stores


def test_a_key_from_the_environment_is_stored_by_name_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from dagster._serdes import serialize_value

    from definitions import make_definitions
    from harvest.museums import MUSEUMS, declared_variables
    from shared.resources import read_settings

    monkeypatch.setenv("WALTERS_API_KEY", KEY)
    # A location may carry credentials and a signed query: stored by name too.
    monkeypatch.setenv("WALTERS_API_URL", "http://user:password@walters.test/?signature=SIGNED")
    monkeypatch.setenv("WALTERS_EXPORTS_URL", "http://walters.test/exports/?token=TOKEN")
    settings = read_settings(declared=declared_variables(MUSEUMS))
    snapshot = serialize_value(make_definitions(settings).resolve_job_def("nightly").get_job_snapshot())
    assert KEY not in snapshot and "WALTERS_API_KEY" in snapshot
    for secret in ("password", "SIGNED", "TOKEN"):
        assert secret not in snapshot
        assert secret not in repr(settings)
    with dg.build_resources({"walters_api": resources_for(settings)["walters_api"]}) as built:
        assert built.walters_api.key() == KEY
        with built.walters_api.harvester() as http:
            assert http.config.params == {"apikey": KEY}


# (g) record-level rules: handled below their share, a changed source above it


def test_a_rule_firing_on_too_many_records_fails_naming_it_and_writes_nothing(
    tmp_path: Path, sample: list[dict]
) -> None:
    handler = Swappable(WaltersReplay(sample))
    with serve(handler) as server:
        res = resources(tmp_path, walters_api=walters_api(server.url))
        assert materialize([walters_objects_raw], res).success
        snapshot = tmp_path / "lake" / "walters_objects_raw.parquet"

        few, typos = vary(sample, 6, times_ten, seed=1)  # 0.3%: handled, counted
        handler.handler = WaltersReplay(few)
        handled = materialize([walters_objects_raw], res)
        assert handled.success
        assert metadata(handled, "walters_objects_raw")["record_issues/implausible_year"] == len(typos)

        before = snapshot.read_bytes()
        share = len(sample) // 20  # 5%: the source has changed
        many, typos = vary(sample, share, times_ten, seed=2)
        handler.handler = WaltersReplay(many)
        blocked = materialize([walters_objects_raw], res)
    assert not blocked.success
    text = failure_text(blocked)
    assert (
        f"rule implausible_year fired on {share} of {len(sample)} records ({share / len(sample):.1%}, threshold 1.0%)"
        in text
    ), text
    first = next(r for r in many if r["ObjectID"] == typos[0])
    assert (
        f"walters:{first['ObjectID']} ({first['ObjectNumber']}) DateBeginYear='{first['DateBeginYear']}'"
        in text
    )
    assert "Nothing was written" in text
    assert snapshot.read_bytes() == before


def test_an_unchanged_record_keeps_its_harvested_at(tmp_path: Path, sample: list[dict]) -> None:
    handler = Swappable(WaltersReplay(sample))
    snapshot = tmp_path / "lake" / "walters_objects_raw.parquet"
    with serve(handler) as server:
        res = resources(tmp_path, walters_api=walters_api(server.url))
        assert materialize([walters_objects_raw], res).success
        first = pl.read_parquet(snapshot).select("ObjectID", "harvested_at")
        records = copy.deepcopy(sample)
        records[10]["Title"] = "A new title"
        handler.handler = WaltersReplay(records)
        assert materialize([walters_objects_raw], res).success
    second = pl.read_parquet(snapshot).select("ObjectID", "harvested_at")
    changed = second["ObjectID"] == records[10]["ObjectID"]
    assert second.filter(~changed).equals(first.filter(~changed))
    assert second.filter(changed)["harvested_at"].item() > first.filter(changed)["harvested_at"].item()


def test_many_values_that_cannot_be_read_block_naming_the_rule_the_field_and_the_records(
    tmp_path: Path, sample: list[dict]
) -> None:
    records = copy.deepcopy(sample)
    unreadable = records[::20]  # 5%: the source has changed
    for record in unreadable:
        record["DateBeginYear"] = "n/a"
    with serve(WaltersReplay(records)) as server:
        result = materialize([walters_objects_raw], resources(tmp_path, walters_api=walters_api(server.url)))
    assert not result.success
    text = failure_text(result)
    assert f"rule unreadable_value fired on {len(unreadable)} of {len(records)} records" in text, text
    first = min(unreadable, key=lambda r: r["ObjectID"])
    assert f"walters:{first['ObjectID']} ({first['ObjectNumber']}) DateBeginYear='n/a'" in text, text
    assert not (tmp_path / "lake" / "walters_objects_raw.parquet").exists()


def test_a_few_values_that_cannot_be_read_are_counted_per_field_and_the_run_succeeds(
    tmp_path: Path, sample: list[dict]
) -> None:
    records = copy.deepcopy(sample)
    for record in records[:3]:
        record["DateBeginYear"] = "n/a"
    records[5]["Creators"][0]["CreatorID"] = "unknown"
    with serve(WaltersReplay(records)) as server:
        result = materialize([walters_objects_raw], resources(tmp_path, walters_api=walters_api(server.url)))
    assert result.success, failure_text(result)
    found = metadata(result, "walters_objects_raw")
    assert (found["unreadable/DateBeginYear"], found["unreadable/Creators[].CreatorID"]) == (3, 1)
    assert found["record_issues/unreadable_value"] == 4
