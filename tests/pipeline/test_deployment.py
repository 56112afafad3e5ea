"""A deployment runs what it names (issue: real sources and deployments): with only the Walters'
locations set, the night publishes the Walters alone, over a lake that held the shipped samples;
the next night, a source that lost 30% of its records fails before writing, and the database and
every export stay byte for byte."""

import json
from pathlib import Path

import dagster as dg
import pytest

from harvest.walters.exports import SHIPPED_EXPORTS
from harvest.walters.replay import WaltersReplay, load_walters_objects
from outputs.database import connect_read_only
from tests.conftest import PUBLISHED, launch_nightly, offline_env, published_digests, run_nightly
from tests.harvest.test_assets import Swappable
from tests.servers import serve

pytestmark = pytest.mark.slow


def test_a_live_walters_publishes_the_walters_alone_and_a_shrunk_source_blocks(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert run_nightly(data_dir).success  # the embedded default: every museum's sample in the lake

    records = load_walters_objects()
    handler = Swappable(WaltersReplay(records))
    with serve(handler) as server:
        live = {"WALTERS_API_URL": server.url, "WALTERS_EXPORTS_URL": str(SHIPPED_EXPORTS)}
        first = run_nightly(data_dir, **live)
        assert first.success
        assert first.dagster_run.tags["museums"] == "walters"
        assert server.url.split("//")[1].rstrip("/") in first.dagster_run.tags["origin/walters"]

        with connect_read_only(data_dir / "analytics.duckdb") as con:
            sources = {
                table: {row[0] for row in con.sql(f"SELECT DISTINCT source FROM {table}").fetchall()}
                for table in ("objects", "agents", "record_issues")
            }
            served = sorted(str(r["ObjectID"]) for r in records)
            assert sorted(r[0] for r in con.sql("SELECT source_id FROM objects").fetchall()) == served
        assert sources["objects"] == sources["agents"] == {"walters"}
        assert sources["record_issues"] <= {"walters"}
        for name in PUBLISHED[1:]:
            text = (data_dir / name).read_text()
            for other in ("artic", "tate"):
                assert f"/{other}/" not in text and f'"{other}:' not in text, (name, other)
        ids = [json.loads(line)["object_key"] for line in (data_dir / PUBLISHED[1]).read_text().splitlines()]
        assert len(ids) == len(set(ids)) == len(records)

        before = published_digests(data_dir)
        handler.handler = WaltersReplay(records[: int(len(records) * 0.7)])
        shrunk = run_nightly(data_dir, **live)
    assert not shrunk.success
    failed = {e.step_key for e in shrunk.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE}
    assert failed == {"walters_objects_raw"}
    assert published_digests(data_dir) == before


def test_dg_launch_with_a_museum_named_without_its_location_fails_naming_the_variable(tmp_path: Path) -> None:
    env = offline_env(DATA_DIR=str(tmp_path / "data"), DAGSTER_HOME=str(tmp_path), MUSEUMS="walters")
    done = launch_nightly(env)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "walters needs WALTERS_API_URL" in output and "WALTERS_EXPORTS_URL" in output
    assert not (tmp_path / "data").exists()  # before any step: nothing written
