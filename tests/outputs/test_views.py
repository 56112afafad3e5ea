"""The analytics database after one nightly run: views, keys, comments, read-only access, export.

Every expected number is computed here with Polars from the lake's Parquet files, not by running
the views' SQL again, so a wrong view (a bad filter, a wrong century) fails.
"""

import json
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from definitions import defs
from outputs.database import connect_read_only
from outputs.search_export import write_search_export
from shared.schemas.output import TABLES
from tests.conftest import OUTPUT_ASSETS

pytestmark = pytest.mark.slow

Run = tuple[Path, dg.ExecuteInProcessResult]


def _lake(data_dir: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(data_dir / "lake" / f"{name}.parquet")


def _view(data_dir: Path, view: str) -> pl.DataFrame:
    with connect_read_only(data_dir / "analytics.duckdb") as con:
        return con.sql(f"SELECT * FROM {view}").pl()


def _same(actual: pl.DataFrame, expected: pl.DataFrame) -> None:
    """Equal as sets of rows, comparing values (integer widths may differ between engines)."""
    columns = expected.columns
    assert actual.columns == columns
    assert sorted(actual.rows()) == sorted(expected.select(columns).rows())


def test_objects_by_classification_century(nightly_run: Run) -> None:
    data_dir, _ = nightly_run
    objects = _lake(data_dir, "objects").filter(pl.col("date_start_year").is_not_null())
    year = pl.col("date_start_year")
    expected = (
        objects.with_columns(
            pl.col("classification").fill_null("(unclassified)"),
            # 1..100 is the 1st century, 0 and -1..-99 the 1st century BCE (-1)
            century=pl.when(year > 0).then((year - 1) // 100 + 1).otherwise(-((-year) // 100 + 1)),
        )
        .group_by("source", "classification", "century")
        .agg(objects=pl.len())
    )
    actual = _view(data_dir, "objects_by_classification_century")
    _same(actual, expected)
    assert actual["objects"].sum() == objects.height
    assert (actual["century"] < 0).any() and (actual["century"] > 0).any()  # the sample spans BCE and CE


def test_objects_on_view(nightly_run: Run) -> None:
    data_dir, _ = nightly_run
    objects = _lake(data_dir, "objects")
    expected = (
        objects.with_columns(
            status=pl.when(pl.col("on_view"))
            .then(pl.lit("on view"))
            .when(~pl.col("on_view"))
            .then(pl.lit("in store"))
            .otherwise(pl.lit("unknown"))
        )
        .group_by("source", "status")
        .agg(objects=pl.len())
    )
    _same(_view(data_dir, "objects_on_view"), expected)


def test_objects_with_images_by_department(nightly_run: Run) -> None:
    data_dir, _ = nightly_run
    objects = _lake(data_dir, "objects")
    # Counted from the images table, not from objects.image_count: the two must agree.
    with_images = _lake(data_dir, "images").select("object_key").unique().with_columns(has_image=True)
    expected = (
        objects.join(with_images, on="object_key", how="left")
        .with_columns(pl.col("department").fill_null("(no department)"), pl.col("has_image").fill_null(False))
        .group_by("source", "department")
        .agg(objects=pl.len(), objects_with_images=pl.col("has_image").sum())
    )
    actual = _view(data_dir, "objects_with_images_by_department")
    _same(actual.drop("share_with_images"), expected)
    shares = actual.select(pl.col("share_with_images") - pl.col("objects_with_images") / pl.col("objects"))
    assert (shares.to_series().abs() <= 0.0005).all()  # rounded to 3 places


def test_top_creators(nightly_run: Run) -> None:
    data_dir, _ = nightly_run
    agents = _lake(data_dir, "agents")
    credited = _lake(data_dir, "object_agents").join(agents, on="agent_key")
    expected = (
        credited.filter(pl.col("agent_type").is_in(["person", "group"]))
        .group_by("identity_key")
        .agg(objects=pl.col("object_key").n_unique(), museums=pl.col("source").unique().sort())
    )
    actual = _view(data_dir, "top_creators")
    _same(actual.select("identity_key", "objects"), expected.select("identity_key", "objects"))
    counts = actual["objects"].to_list()
    assert counts == sorted(counts, reverse=True) and counts[0] > 1
    # "Whose work do we hold most of?": makers, never a culture or a placeholder; Turner once,
    # from both museums that hold him.
    top = actual.head(20)
    assert set(top["agent_type"]) <= {"person", "group"}
    turner = top.filter(pl.col("name") == "Joseph Mallord William Turner")
    assert turner.height == 1 and turner["museums"].to_list() == [["tate", "walters"]]
    assert (
        turner["objects"].item()
        == credited.filter(pl.col("identity_key") == turner["identity_key"].item())["object_key"].n_unique()
    )


def test_makers_across_museums(nightly_run: Run) -> None:
    data_dir, _ = nightly_run
    agents = _lake(data_dir, "agents")
    shared = (
        agents.group_by("identity_key").agg(museums=pl.col("source").n_unique()).filter(pl.col("museums") > 1)
    )
    actual = _view(data_dir, "makers_across_museums")
    assert sorted(actual["identity_key"]) == sorted(shared["identity_key"])
    assert {"John Constable", "Thomas Gainsborough", "Edgar Degas", "Dante Gabriel Rossetti"} <= set(
        actual["name"]
    )
    # Every merged pair of the audit table shares one identity; no kept-apart pair is one identity
    # unless other merges join them (transitivity), which the sample does not need.
    identity = dict(agents.select("agent_key", "identity_key").iter_rows())
    matches = _lake(data_dir, "agent_matches")
    for a, b, decision in matches.select("agent_key", "other_agent_key", "decision").iter_rows():
        assert (identity[a] == identity[b]) == (decision == "merged"), (a, b, decision)


def test_date_coverage_by_source(nightly_run: Run) -> None:
    data_dir, _ = nightly_run
    objects = _lake(data_dir, "objects")
    expected = objects.group_by("source").agg(
        objects=pl.len(),
        dated=pl.col("date_start_year").count(),
        dated_from_fields=(pl.col("date_source") == "structured").sum(),
        dated_from_text=(pl.col("date_source") == "text").sum(),
        uncertain=pl.col("date_uncertain").sum(),
        earliest_year=pl.col("date_start_year").min(),
        latest_year=pl.col("date_end_year").max(),
    )
    actual = _view(data_dir, "date_coverage_by_source")
    _same(actual.drop("share_dated"), expected)
    assert set(actual["source"]) == {"walters", "artic", "tate"}
    assert (actual["dated"] > 0).all()


def test_database_is_read_only_with_unique_keys_and_comments(nightly_run: Run) -> None:
    data_dir, _ = nightly_run
    with connect_read_only(data_dir / "analytics.duckdb") as con:
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("CREATE TABLE scratch (x INTEGER)")
        keys = {
            table: tuple(columns)
            for table, columns in con.sql(
                "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
                "WHERE constraint_type = 'PRIMARY KEY'"
            ).fetchall()
        }
        comments = dict(
            con.sql(
                "SELECT column_name, comment FROM duckdb_columns() "
                "WHERE table_name = 'objects' AND comment IS NOT NULL AND comment <> ''"
            ).fetchall()
        )
        # Every table's key is unique; the tables of things also carry it as a PRIMARY KEY (the
        # others' keys were checked before the build, which a failed check blocks).
        counts = {
            table.name: con.sql(
                f"SELECT count(*), count(DISTINCT ({', '.join(table.primary_key)})) FROM {table.name}"
            ).fetchall()[0]
            for table in TABLES
        }
    assert keys == {table.name: table.primary_key for table in TABLES if table.indexed}
    assert all(rows == distinct > 0 for rows, distinct in counts.values()), counts
    assert {"object_key", "source", "title", "date_start_year"} <= comments.keys()


def test_search_export_has_one_document_per_object(nightly_run: Run) -> None:
    data_dir, _ = nightly_run
    lines = (data_dir / "exports" / "objects.ndjson").read_text().splitlines()
    documents = [json.loads(line) for line in lines]
    keys = [document["object_key"] for document in documents]
    assert sorted(keys) == sorted(_lake(data_dir, "objects")["object_key"].to_list())
    assert len(set(keys)) == len(keys)
    by_key = {document["object_key"]: document for document in documents}
    for name in ("agents", "places", "images"):
        assert all(isinstance(document[name], list) for document in documents), name
    # The nesting matches the link tables: same agents per object, same image count.
    links = _lake(data_dir, "object_agents").group_by("object_key").agg(pl.col("agent_key").sort())
    for object_key, agent_keys in links.head(200).iter_rows():
        assert sorted(a["agent_key"] for a in by_key[object_key]["agents"]) == agent_keys
    images = _lake(data_dir, "images").group_by("object_key").len()
    for object_key, count in images.head(200).iter_rows():
        assert len(by_key[object_key]["images"]) == count
    assert any(document["places"] for document in documents)


def test_search_export_in_chunks_is_the_export_in_one(nightly_run: Run, tmp_path: Path) -> None:
    """Chunks bound DuckDB's memory; they must not change a byte: every object once, in key order,
    its nested lists only its own (a chunk's agents, places and images filtered by its keys)."""
    data_dir, _ = nightly_run
    whole, chunked = tmp_path / "whole.ndjson", tmp_path / "chunked.ndjson"
    objects = write_search_export(data_dir / "analytics.duckdb", whole, chunk_objects=10**9)
    assert write_search_export(data_dir / "analytics.duckdb", chunked, chunk_objects=7) == objects
    assert chunked.read_bytes() == whole.read_bytes()
    keys = [json.loads(line)["object_key"] for line in whole.read_text().splitlines()]
    assert keys == sorted(_lake(data_dir, "objects")["object_key"].to_list())
    assert not list(tmp_path.glob(".*"))  # no chunk file left behind


def test_every_materialization_shows_rows_schema_preview_and_outputs_their_duration(
    nightly_run: Run,
) -> None:
    _, result = nightly_run
    events = result.get_asset_materialization_events()
    metadata = {e.materialization.asset_key.to_user_string(): e.materialization.metadata for e in events}
    assert metadata.keys() == {
        key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()
    }
    for asset, entries in metadata.items():
        if asset in OUTPUT_ASSETS:
            assert isinstance(entries["duration_s"].value, float), asset
        else:  # every lake table, through the lake IO manager
            assert {"dagster/row_count", "dagster/column_schema", "preview"} <= entries.keys(), asset
            assert str(entries["preview"].value).startswith("|"), asset  # a markdown table
    assert (
        metadata["analytics_database"]["rows/objects"].value == metadata["objects"]["dagster/row_count"].value
    )
