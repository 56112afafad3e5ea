"""What the harvest finds in records as received, through the whole nightly: a key served twice
with different content and numbers sent as text are handled and listed, never a failed night
(harvest.received)."""

import json
import tarfile
from pathlib import Path

import dagster as dg
import pytest

from harvest.dump import read_json_records
from harvest.tate import SHIPPED_SAMPLE
from harvest.walters.exports import SHIPPED_EXPORTS
from harvest.walters.replay import WaltersReplay, load_walters_objects
from outputs.database import connect_read_only
from tests.conftest import run_nightly
from tests.servers import serve

pytestmark = pytest.mark.slow


def _rows(database: Path, sql: str) -> list[tuple]:
    with connect_read_only(database) as con:
        return con.sql(sql).fetchall()


def _error(result: dg.ExecuteInProcessResult) -> str:
    return "\n".join(
        e.step_failure_data.error.to_string()
        for e in result.all_events
        if e.is_step_failure and e.step_failure_data.error is not None
    )


def _as_text(record: dict) -> dict:
    """The record with its ObjectID and every Creators[].CreatorID sent as text."""
    creators = record["Creators"]
    return {
        **record,
        "ObjectID": str(record["ObjectID"]),
        "Creators": [{**c, "CreatorID": str(c["CreatorID"])} for c in creators] if creators else creators,
    }


def test_walters_twins_and_ids_sent_as_text_give_every_object_once_and_every_creator_link(
    tmp_path: Path,
) -> None:
    sample = load_walters_objects()
    originals = [r for r in sample if r["Medium"] and r["CreditLine"] and r["Creators"]][:5]
    # A less complete copy with another title: the original is kept, the twin listed as dropped.
    twins = [{**r, "Title": "A twin's title", "Medium": None, "CreditLine": None} for r in originals]
    served = [_as_text(r) for r in [*sample, *twins]]
    with serve(WaltersReplay(served)) as server:
        result = run_nightly(tmp_path, WALTERS_API_URL=server.url, WALTERS_EXPORTS_URL=str(SHIPPED_EXPORTS))
    assert result.success, _error(result)

    database = tmp_path / "analytics.duckdb"
    objects = dict(_rows(database, "SELECT source_id, title FROM objects WHERE source = 'walters'"))
    assert len(objects) == len(sample) == len({r["ObjectID"] for r in sample})
    assert all(objects[str(r["ObjectID"])] != "A twin's title" for r in originals)
    listed = _rows(
        database,
        "SELECT record_key, field, action, raw_value FROM record_issues "
        "WHERE rule = 'duplicate_key' AND source = 'walters' ORDER BY ALL",
    )
    assert [(key, field, action) for key, field, action, _ in listed] == sorted(
        (f"walters:{r['ObjectID']}", "ObjectID", "dropped") for r in originals
    )
    assert all("A twin's title" in raw_value for *_, raw_value in listed)
    expected = {
        (f"walters:{r['ObjectID']}", f"walters:{c['CreatorID']}") for r in sample for c in r["Creators"] or []
    }
    linked = set(
        _rows(database, "SELECT object_key, agent_key FROM object_agents WHERE object_key LIKE 'walters:%'")
    )
    assert linked == expected
    ((unreadable,),) = _rows(
        database, "SELECT count(*) FROM record_issues WHERE rule = 'unreadable_value' AND source = 'walters'"
    )
    assert unreadable == 0  # every id sent as text was read


def test_a_tate_dump_with_artist_ids_filed_twice_runs_and_lists_them(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    with tarfile.open(SHIPPED_SAMPLE) as archive:
        archive.extractall(checkout, filter="data")
    root = checkout / "collection-master"
    artists = read_json_records(str(root), "artists/**/*.json", source="tate")
    # As the Tate's repository does: an artist renamed, kept under both spellings.
    renamed = artists.records[:4]
    for artist, path in zip(renamed, artists.paths[:4], strict=True):
        copy = {**artist, "fc": f"{artist['fc']} (formerly)", "mda": f"{artist.get('mda')} (formerly)"}
        (root / path).with_name(f"formerly-{artist['id']}.json").write_text(json.dumps(copy))

    result = run_nightly(tmp_path / "data", TATE_COLLECTION_URL=str(root))
    assert result.success, _error(result)
    database = tmp_path / "data" / "analytics.duckdb"
    listed = _rows(
        database,
        "SELECT record_key, field, action FROM record_issues "
        "WHERE rule = 'duplicate_key' AND source = 'tate' ORDER BY ALL",
    )
    assert listed == sorted((f"tate:{a['id']}", "id", "dropped") for a in renamed)
    ((agents, keys),) = _rows(
        database,
        "SELECT count(*), count(DISTINCT agent_key) FROM agents WHERE in_source_export AND source = 'tate'",
    )
    assert agents == keys == len(artists.records)
