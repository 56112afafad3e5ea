"""Records the sample does not show, served through the real harvest (the Walters replay over a
loopback socket) and run through the whole nightly: odd records are handled and listed, never a
failed night; a source where a rule fires too often blocks, and leaves everything as it was."""

import datetime as dt
import hashlib
from pathlib import Path

import dagster as dg
import pytest

from harvest.walters.exports import SHIPPED_EXPORTS
from harvest.walters.replay import WaltersReplay, load_walters_objects
from outputs.database import connect_read_only
from shared.issues import EARLIEST_YEAR
from tests.conftest import run_nightly
from tests.servers import serve
from tests.variations import (
    contradicting_text,
    other_calendar,
    sentinel_years,
    strip_notes,
    times_ten,
    vary,
)

pytestmark = pytest.mark.slow

PUBLISHED = ("analytics.duckdb", "exports/objects.ndjson", "lake/walters_objects_raw.parquet")


def _rows(database: Path, sql: str) -> list[tuple]:
    with connect_read_only(database) as con:
        return con.sql(sql).fetchall()


def _nightly(data_dir: Path, records: list[dict]) -> dg.ExecuteInProcessResult:
    with serve(WaltersReplay(records)) as server:
        return run_nightly(data_dir, WALTERS_API_URL=server.url, WALTERS_EXPORTS_URL=str(SHIPPED_EXPORTS))


def _digests(data_dir: Path) -> dict[str, str]:
    return {name: hashlib.sha256((data_dir / name).read_bytes()).hexdigest() for name in PUBLISHED}


def _error(result: dg.ExecuteInProcessResult) -> str:
    return "\n".join(
        e.step_failure_data.error.to_string()
        for e in result.all_events
        if e.is_step_failure and e.step_failure_data.error is not None
    )


def test_odd_records_are_handled_listed_and_never_reach_objects_implausible(tmp_path: Path) -> None:
    records, avoid = load_walters_objects(), set()
    changed: dict[str, list[int]] = {}
    # Under 1% of the records per rule, as in a real collection (a few dozen in 15,000).
    for name, change, count in [
        ("other_calendar", other_calendar, 8),
        ("times_ten", times_ten, 5),
        ("sentinel", sentinel_years, 5),
        ("contradicting_text", contradicting_text, 8),
    ]:
        records, changed[name] = vary(records, count, change, seed=len(avoid), avoid=avoid)
        avoid |= set(changed[name])
    ad_years = strip_notes(records)

    result = _nightly(tmp_path, records)
    assert result.success, _error(result)

    database = tmp_path / "analytics.duckdb"
    listed = {}
    for key, rule in _rows(database, "SELECT record_key, rule FROM record_issues WHERE source = 'walters'"):
        listed.setdefault(int(key.split(":")[1]), set()).add(rule)
    expected = {
        "other_calendar": {"implausible_year", "year_contradicted_by_text"},
        "times_ten": {"implausible_year"},
        "sentinel": {"implausible_year"},
        "contradicting_text": {"year_contradicted_by_text"},
    }
    for name, ids in changed.items():
        for object_id in ids:
            assert listed.get(object_id, set()) & expected[name], (name, object_id, listed.get(object_id))

    ((implausible,),) = _rows(
        database,
        f"SELECT count(*) FROM objects WHERE date_start_year < {EARLIEST_YEAR} "
        f"OR date_end_year > {dt.datetime.now(dt.UTC).year} OR date_start_year > date_end_year",
    )
    assert implausible == 0
    # A dual date is read as its AD year, whatever the structured fields held.
    dated = dict(
        _rows(database, "SELECT source_id::INTEGER, date_start_year FROM objects WHERE source = 'walters'")
    )
    assert {object_id: dated[object_id] for object_id in ad_years} == ad_years
    # Every object's row is worded for the collections team and carries the accession number.
    ((without,),) = _rows(
        database,
        "SELECT count(*) FROM record_issues WHERE object_number IS NULL AND source = 'walters' "
        "AND rule <> 'agent_type_guessed'",  # an agent's row has no accession number
    )
    assert without == 0
    summary = _rows(
        database, "SELECT rule, records FROM record_issues_by_source_and_rule WHERE source = 'walters'"
    )
    assert dict(summary)["implausible_year"] >= len(changed["times_ten"]) + len(changed["sentinel"])


def test_a_few_typos_are_listed_and_too_many_block_leaving_everything_as_it_was(tmp_path: Path) -> None:
    sample = load_walters_objects()
    few, typos = vary(sample, 6, times_ten, seed=11)  # 0.3% of 2,107 records
    result = _nightly(tmp_path, few)
    assert result.success, _error(result)
    listed = _rows(
        tmp_path / "analytics.duckdb",
        "SELECT DISTINCT record_key FROM record_issues WHERE rule = 'implausible_year' AND source = 'walters' "
        "ORDER BY ALL",
    )
    assert sorted(int(key.split(":")[1]) for (key,) in listed) == typos
    before = _digests(tmp_path)

    many, typos = vary(sample, 105, times_ten, seed=12)  # 5%: the feed has changed
    blocked = _nightly(tmp_path, many)
    assert not blocked.success
    error = _error(blocked)
    assert "rule implausible_year fired on 105 of 2107 records (5.0%, threshold 1.0%)" in error, error
    assert f"walters:{typos[0]}" in error
    assert _digests(tmp_path) == before
    materialized = {e.asset_key for e in blocked.get_asset_materialization_events()}
    assert not materialized & {
        dg.AssetKey(name)
        for name in ("walters_objects_raw", "objects", "analytics_database", "search_export")
    }
