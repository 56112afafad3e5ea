"""The nightly job end to end on the embedded default, into a temporary DATA_DIR."""

import csv
import gzip
import json
from pathlib import Path

import dagster as dg
import pytest

from harvest.dump import read_json_records
from harvest.tate import SHIPPED_SAMPLE
from outputs.database import connect_read_only
from shared.schemas.output import TABLES
from tests.conftest import run_nightly

pytestmark = pytest.mark.slow


def _sample_object_ids() -> set[int]:
    with gzip.open(Path("harvest/walters/data/objects-sample.jsonl.gz"), "rt") as lines:
        return {json.loads(line)["ObjectID"] for line in lines}


def _artic_ids() -> set[int]:
    return {int(p.stem) for p in Path("harvest/artic/data/artworks").glob("*.json")}


def _tate_artworks() -> list[dict]:
    return read_json_records(str(SHIPPED_SAMPLE), "artworks/**/*.json", source="tate").records


def _table(database: Path, sql: str) -> list[tuple]:
    with connect_read_only(database) as con:
        return con.sql(sql).fetchall()


def test_nightly_succeeds(nightly_run: tuple[Path, dg.ExecuteInProcessResult]) -> None:
    _, result = nightly_run
    failures = [e.message for e in result.all_events if e.is_failure]
    assert result.success, failures


def test_one_objects_row_per_shipped_object(nightly_run: tuple[Path, dg.ExecuteInProcessResult]) -> None:
    data_dir, _ = nightly_run
    database = data_dir / "analytics.duckdb"
    walters = {row[0] for row in _table(database, "SELECT source_id FROM objects WHERE source = 'walters'")}
    artic = {row[0] for row in _table(database, "SELECT source_id FROM objects WHERE source = 'artic'")}
    tate = {row[0] for row in _table(database, "SELECT source_id FROM objects WHERE source = 'tate'")}
    assert walters == {str(i) for i in _sample_object_ids()}
    assert artic == {str(i) for i in _artic_ids()}
    assert tate == {str(record["id"]) for record in _tate_artworks()}
    ((rows, keys),) = _table(database, "SELECT count(*), count(DISTINCT object_key) FROM objects")
    assert rows == keys == len(_sample_object_ids()) + len(_artic_ids()) + len(_tate_artworks())


def test_objects_metadata_counts_the_quirks_and_charts_the_collection(
    nightly_run: tuple[Path, dg.ExecuteInProcessResult],
) -> None:
    _, result = nightly_run
    (materialization,) = [
        m for m in result.get_asset_materialization_events() if m.asset_key == dg.AssetKey("objects")
    ]
    metadata = materialization.materialization.metadata

    def count(key: str) -> int:
        value = metadata[key]
        assert isinstance(value, dg.IntMetadataValue) and value.value is not None, key
        return value.value

    def markdown(key: str) -> str:
        value = metadata[key]
        assert isinstance(value, dg.MarkdownMetadataValue) and value.value is not None, key
        return value.value

    # Counted on the shipped sample by the clean stage's rules (not a fixed expectation of the data).
    assert count("quirks/walters/objects") == len(_sample_object_ids())
    assert count("quirks/artic/objects") == len(_artic_ids())
    assert count("quirks/tate/objects") == len(_tate_artworks())
    for quirk in ("bce_years", "hijri_dates", "date_sentinels_nulled", "coordinate_sentinels_nulled"):
        assert count(f"quirks/walters/{quirk}") > 0, quirk
    assert markdown("quirks_by_source").startswith("| source ")
    for chart in ("completeness", "objects_per_century"):
        assert "data:image/png;base64," in markdown(chart), chart


def test_every_creator_reference_links_to_an_agent(
    nightly_run: tuple[Path, dg.ExecuteInProcessResult],
) -> None:
    data_dir, _ = nightly_run
    database = data_dir / "analytics.duckdb"
    ((dangling_agents,),) = _table(
        database,
        "SELECT count(*) FROM object_agents LEFT JOIN agents USING (agent_key) WHERE agents.agent_key IS NULL",
    )
    ((dangling_objects,),) = _table(
        database,
        "SELECT count(*) FROM object_agents LEFT JOIN objects USING (object_key) WHERE objects.object_key IS NULL",
    )
    assert dangling_agents == 0 and dangling_objects == 0
    # Every (object, creator) pair the source records name is in object_agents.
    expected = set()
    with gzip.open(Path("harvest/walters/data/objects-sample.jsonl.gz"), "rt") as lines:
        for line in lines:
            record = json.loads(line)
            for creator in record["Creators"] or []:
                expected.add((f"walters:{record['ObjectID']}", f"walters:{creator['CreatorID']}"))
    linked = set(
        _table(database, "SELECT object_key, agent_key FROM object_agents WHERE object_key LIKE 'walters:%'")
    )
    assert linked == expected
    # Every Tate contributor, with its role as the Tate gives it.
    tate_expected = {
        (f"tate:{record['id']}", f"tate:{contributor['id']}", contributor["role"])
        for record in _tate_artworks()
        for contributor in record["contributors"]
    }
    tate_linked = set(
        _table(
            database, "SELECT object_key, agent_key, role FROM object_agents WHERE object_key LIKE 'tate:%'"
        )
    )
    assert tate_linked == tate_expected


def test_creators_missing_from_the_export_are_kept_and_flagged(
    nightly_run: tuple[Path, dg.ExecuteInProcessResult],
) -> None:
    data_dir, _ = nightly_run
    rows = _table(
        data_dir / "analytics.duckdb",
        "SELECT agent_key, name FROM agents WHERE NOT in_source_export AND source = 'walters'",
    )
    # Exactly the creators the objects name and the creators export lacks, each with a name.
    with gzip.open(Path("harvest/walters/data/objects-sample.jsonl.gz"), "rt") as lines:
        named = {str(c["CreatorID"]) for line in lines for c in json.loads(line)["Creators"] or []}
    with gzip.open(Path("harvest/walters/data/creators.csv.gz"), "rt", newline="") as export:
        exported = {row["id"] for row in csv.DictReader(export)}
    assert {key for key, _ in rows} == {f"walters:{i}" for i in named - exported} != set()
    assert all(name for _, name in rows)


def test_a_second_run_leaves_identical_tables(
    tmp_path: Path, nightly_run: tuple[Path, dg.ExecuteInProcessResult]
) -> None:
    data_dir, _ = nightly_run
    second = tmp_path / "again"
    assert run_nightly(second).success

    def tables(database: Path, *, exclude_harvested_at: bool) -> dict[str, list[tuple]]:
        def sql(table: str) -> str:
            columns = "* EXCLUDE (harvested_at)" if exclude_harvested_at and table == "objects" else "*"
            return f"SELECT {columns} FROM {table} ORDER BY ALL"

        return {table.name: _table(database, sql(table.name)) for table in TABLES}

    first = tables(second / "analytics.duckdb", exclude_harvested_at=False)
    export = (second / "exports" / "objects.ndjson").read_bytes()
    assert run_nightly(second).success
    assert (second / "exports" / "objects.ndjson").read_bytes() == export
    # A re-run over its own lake, nothing changed: every column the same, harvested_at included
    # (an unchanged record keeps the time the harvest first received it).
    assert tables(second / "analytics.duckdb", exclude_harvested_at=False) == first
    # Another lake harvested the same records at another time: the same tables but for that time.
    assert tables(second / "analytics.duckdb", exclude_harvested_at=True) == tables(
        data_dir / "analytics.duckdb", exclude_harvested_at=True
    )


def test_record_issues_are_counted_and_previewed_where_they_are_found(
    nightly_run: tuple[Path, dg.ExecuteInProcessResult],
) -> None:
    data_dir, result = nightly_run
    (materialization,) = [
        m for m in result.get_asset_materialization_events() if m.asset_key == dg.AssetKey("record_issues")
    ]
    metadata = {k: getattr(v, "value", v) for k, v in materialization.materialization.metadata.items()}
    counted = dict(
        _table(
            data_dir / "analytics.duckdb",
            "SELECT rule, records FROM record_issues_by_source_and_rule WHERE source = 'walters'",
        )
    )
    assert counted and {f"record_issues/walters/{rule}": n for rule, n in counted.items()} == {
        k: v for k, v in metadata.items() if k.startswith("record_issues/walters/")
    }
    assert str(metadata["record_issues_first"]).startswith("| source ")
    # The clean asset that found them reports the same counts in a (warning) check.
    (check,) = [
        e
        for e in result.get_asset_check_evaluations()
        if e.asset_key == dg.AssetKey("walters_objects_clean")
        and e.check_name == "record_issues_within_thresholds"
    ]
    assert check.passed
    # (The agents' own rule is the creators' clean asset's to count.)
    assert {k: v.value for k, v in check.metadata.items() if k.startswith("record_issues/")} == {
        f"record_issues/{rule}": n for rule, n in counted.items() if rule != "agent_type_guessed"
    }
