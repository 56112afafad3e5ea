"""The output stage: the analytics database and the search export, each replaced atomically.

DuckDB reads local files only (its object-storage extension is downloaded at run time, which a
deployment cannot count on), so on object storage each asset reads local copies of what it needs
and publishes through ``Lakehouse.publishing`` (built on local scratch, uploaded in one piece).

Both run only after every blocking check of the tables they read has passed, so a bad night
leaves the museum team yesterday's database and export, byte for byte.
"""

from datetime import timedelta
from typing import Any

import dagster as dg

from outputs.database import build_database
from outputs.search_export import write_search_export
from shared.checks import key_check
from shared.metadata import timed
from shared.resources import DATABASE_FILE, Lakehouse
from shared.schemas.output import TABLES
from shared.stages import OWNERS

SEARCH_EXPORT = "exports/objects.ndjson"

# Built nightly: a day and a bit without a new one is a warning, two days a failure.
NIGHTLY_FRESHNESS = dg.FreshnessPolicy.time_window(
    fail_window=timedelta(hours=48), warn_window=timedelta(hours=26)
)


@dg.asset(
    group_name="output",
    kinds={"duckdb"},
    code_version="1",
    owners=OWNERS,
    deps=[table.name for table in TABLES],
    freshness_policy=NIGHTLY_FRESHNESS,
)
def analytics_database(lakehouse: Lakehouse) -> dg.MaterializeResult:
    """The DuckDB analytics database ($DATA_DIR/analytics.duckdb): the model's tables with column
    comments, primary keys on the tables of things, and views for the collections team's questions."""
    metadata: dict[str, Any] = {"path": dg.MetadataValue.path(str(lakehouse.database_path))}
    tables = {table.name: lakehouse.table_path(table.name) for table in TABLES}
    with (
        timed(metadata),
        lakehouse.local_copies(tables) as parquet_paths,
        lakehouse.publishing(DATABASE_FILE) as scratch,
    ):
        rows = build_database(scratch, TABLES, parquet_paths)
    metadata.update({f"rows/{name}": dg.MetadataValue.int(count) for name, count in rows.items()})
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    group_name="output",
    kinds={"duckdb", "json"},
    code_version="1",
    owners=OWNERS,
    deps=[analytics_database],
    freshness_policy=NIGHTLY_FRESHNESS,
)
def search_export(lakehouse: Lakehouse) -> dg.MaterializeResult:
    """The search export ($DATA_DIR/exports/objects.ndjson): one JSON document per object with its
    agents, places and images nested, ready for a search index."""
    metadata: dict[str, Any] = {"path": dg.MetadataValue.path(str(lakehouse.root / SEARCH_EXPORT))}
    # The published database, not one a build step left on its machine: steps may run apart.
    with (
        timed(metadata),
        lakehouse.local_copies({DATABASE_FILE: lakehouse.database_path}) as local,
        lakehouse.publishing(SEARCH_EXPORT) as scratch,
    ):
        documents = write_search_export(local[DATABASE_FILE], scratch)
    metadata["dagster/row_count"] = dg.MetadataValue.int(documents)
    return dg.MaterializeResult(metadata=metadata)


assets = [analytics_database, search_export]

# Before output: every table without a Pandera model of its own (those are checked in
# transforms/assets.py) has a unique, non-null primary key, or the database is not built.
asset_checks = [key_check(table.name, table.primary_key) for table in TABLES if table.model is None]
