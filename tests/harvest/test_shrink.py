"""A source that shrinks blocks; a snapshot of another origin is never this source's past; the
weekly full refresh takes withdrawn records out (harvest.raw.refuse_shrink, last_snapshot)."""

import copy
import hashlib
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from harvest.artic.harvest import artic_agents_raw, artic_artworks_raw
from harvest.artic.replay import ArticReplay, load_artic_records
from harvest.walters.exports import SHIPPED_EXPORTS, WaltersExports
from harvest.walters.harvest import walters_creators_raw, walters_objects_raw
from harvest.walters.replay import WaltersReplay, load_walters_objects
from shared.redaction import public_url
from tests.harvest.test_assets import (
    Swappable,
    artic_api,
    failure_text,
    materialize,
    metadata,
    resources,
    walters_api,
)
from tests.servers import serve

ACCEPT = {"ops": {"walters_objects_raw": {"config": {"accept_shrink": True}}}}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def sample() -> list[dict]:
    return load_walters_objects()


def test_a_harvest_far_smaller_than_the_last_snapshot_fails_and_writes_nothing(
    tmp_path: Path, sample: list[dict]
) -> None:
    handler = Swappable(WaltersReplay(sample))
    snapshot = tmp_path / "lake" / "walters_objects_raw.parquet"
    with serve(handler) as server:
        res = resources(tmp_path, walters_api=walters_api(server.url))
        assert materialize([walters_objects_raw], res).success
        before = _digest(snapshot)

        # 92% of the records: a museum that deaccessioned a few; no threshold crossed.
        handler.handler = WaltersReplay(sample[: int(len(sample) * 0.92)])
        assert materialize([walters_objects_raw], res).success
        before = _digest(snapshot)
        kept = pl.read_parquet(snapshot).height

        handler.handler = WaltersReplay(sample[: int(kept * 0.7)])
        shrunk = materialize([walters_objects_raw], res)
        assert not shrunk.success
        text = failure_text(shrunk)
        for named in ("walters_objects_raw", f"{int(kept * 0.7):,} records", f"{kept:,}", "accept_shrink"):
            assert named in text
        assert _digest(snapshot) == before
        # Refused once, not retried: the source will serve the same.
        assert not any(e.event_type == dg.DagsterEventType.STEP_RESTARTED for e in shrunk.all_events)

        # A deliberate drop, accepted for one run.
        accepted = materialize([walters_objects_raw], res, run_config=ACCEPT)
        assert accepted.success
        assert pl.read_parquet(snapshot).height == int(kept * 0.7)


def test_a_csv_export_far_smaller_than_the_last_snapshot_fails_and_writes_nothing(tmp_path: Path) -> None:
    creators = pl.read_csv(SHIPPED_EXPORTS / "creators.csv.gz", infer_schema=False)
    exports = tmp_path / "exports"
    exports.mkdir()
    res = resources(tmp_path / "data", walters_exports=WaltersExports(location=str(exports)))
    snapshot = tmp_path / "data" / "lake" / "walters_creators_raw.parquet"
    creators.write_csv(exports / "creators.csv")
    assert materialize([walters_creators_raw], res).success
    before = _digest(snapshot)

    # A download cut off after a third of the rows.
    truncated = creators.height // 3
    creators.head(truncated).write_csv(exports / "creators.csv")
    shrunk = materialize([walters_creators_raw], res)
    assert not shrunk.success
    text = failure_text(shrunk)
    for named in ("walters_creators_raw", f"{truncated:,} records", f"{creators.height:,}", "accept_shrink"):
        assert named in text, text
    assert _digest(snapshot) == before

    accept = {"ops": {"walters_creators_raw": {"config": {"accept_shrink": True}}}}
    assert materialize([walters_creators_raw], res, run_config=accept).success
    assert pl.read_parquet(snapshot)["origin"].unique().to_list() == [str(exports)]
    assert pl.read_parquet(snapshot).height == truncated


def test_a_snapshot_from_another_origin_is_neither_kept_nor_compared(
    tmp_path: Path, sample: list[dict]
) -> None:
    snapshot = tmp_path / "lake" / "walters_objects_raw.parquet"
    with serve(WaltersReplay(sample)) as first:
        assert materialize(
            [walters_objects_raw], resources(tmp_path, walters_api=walters_api(first.url))
        ).success
    few = sample[:50]
    with serve(WaltersReplay(few)) as other:  # another server: another port, another origin
        second = materialize([walters_objects_raw], resources(tmp_path, walters_api=walters_api(other.url)))
    assert second.success  # 50 of 2,107 is no shrink of this origin: it has no past
    found = metadata(second, "walters_objects_raw")
    assert found["changes/first_harvest"] is True
    assert found["origin"] == public_url(other.url)
    written = pl.read_parquet(snapshot)
    assert sorted(written["ObjectID"]) == sorted(r["ObjectID"] for r in few)
    assert written["origin"].unique().to_list() == [found["origin"]]


def test_a_full_refresh_takes_withdrawn_records_out_and_counts_them(tmp_path: Path) -> None:
    artworks, agents = load_artic_records("artworks"), load_artic_records("agents")
    handler = Swappable(ArticReplay({"artworks": copy.deepcopy(artworks), "agents": agents}))
    assets = [artic_artworks_raw, artic_agents_raw]
    snapshot = tmp_path / "lake" / "artic_artworks_raw.parquet"
    with serve(handler) as server:
        res = resources(tmp_path, artic_api=artic_api(server.url))
        assert materialize(assets, res).success
        withdrawn = artworks[0]["id"]
        kept = [r for r in artworks if r["id"] != withdrawn]
        handler.handler = ArticReplay({"artworks": kept, "agents": agents})

        incremental = materialize(assets, res)
        assert incremental.success
        assert withdrawn in pl.read_parquet(snapshot)["id"].to_list()  # an increment cannot see it

        refresh = {"ops": {"artic_artworks_raw": {"config": {"full_refresh": True, "accept_shrink": True}}}}
        full = materialize(assets, res, run_config=refresh)
    assert full.success
    found = metadata(full, "artic_artworks_raw")
    assert found["changes/gone"] == 1 and found["changes/examples"]["gone"] == [withdrawn]
    assert sorted(pl.read_parquet(snapshot)["id"]) == sorted(r["id"] for r in kept)


def test_the_weekly_full_refresh_schedule_re_harvests_the_incremental_sources() -> None:
    from definitions import make_definitions
    from shared.resources import Settings

    defs = make_definitions(Settings())
    schedule = defs.get_schedule_def("full_refresh_schedule")
    assert schedule.cron_schedule == "0 14 * * 0"
    with dg.instance_for_test() as instance:
        requests = schedule.evaluate_tick(dg.build_schedule_context(instance=instance)).run_requests
    assert requests is not None and len(requests) == 1
    request = requests[0]
    assert request.run_config == {
        "ops": {
            name: {"config": {"full_refresh": True}} for name in ("artic_artworks_raw", "artic_agents_raw")
        }
    }
    assert defs.get_schedule_def("nightly_schedule").cron_schedule == "0 2 * * *"
