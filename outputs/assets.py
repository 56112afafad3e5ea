"""The output stage: the analytics database and every export, published together or not at all.

One step (``published_outputs``, five assets) builds the database, the search export and the
exchange exports into scratch files, runs the exports' checks, and only when everything was built
and every check passed puts them all in place (``Lakehouse.publishing_together``). A failure
anywhere, the database build or any export or check, leaves last night's database and exports,
byte for byte: they always come from the same run.

DuckDB reads local files only (its object-storage extension is downloaded at run time, which a
deployment cannot count on), so on object storage the database is built from local copies of the
lake's tables, and the files are built on local scratch and uploaded before they are put in place.
The step runs only after every table it reads was built and checked (``shared.stages``).
"""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import dagster as dg

from outputs.database import build_database
from outputs.exchange_assets import EXPORTS
from outputs.search_export import write_search_export
from shared.metadata import timed
from shared.resources import DATABASE_FILE, Lakehouse, PublicIds
from shared.schemas.output import TABLES
from shared.stages import OWNERS, versioned_multi_asset

SEARCH_EXPORT = "exports/objects.ndjson"

# Built nightly: a day and a bit without a new one is a warning, two days a failure.
NIGHTLY_FRESHNESS = dg.FreshnessPolicy.time_window(
    fail_window=timedelta(hours=48), warn_window=timedelta(hours=26)
)


def _spec(name: str, description: str, kinds: set[str], deps: list[str]) -> dg.AssetSpec:
    return dg.AssetSpec(
        name,
        description=description,
        deps=deps,
        group_name="output",
        kinds=kinds,
        owners=OWNERS,
        freshness_policy=NIGHTLY_FRESHNESS,
    )


SPECS = [
    _spec(
        "analytics_database",
        "The DuckDB analytics database ($DATA_DIR/analytics.duckdb): the model's tables with column "
        "comments, primary keys on the tables of things, and views for the collections team's questions.",
        {"duckdb"},
        [table.name for table in TABLES],
    ),
    _spec(
        "search_export",
        "The search export ($DATA_DIR/exports/objects.ndjson): one JSON document per object with its "
        "agents, places and images nested, ready for a search index.",
        {"duckdb", "json"},
        ["analytics_database"],
    ),
    # After the database too: the exports of a night are published with its database or not at all.
    *(
        _spec(e.asset, e.build.__doc__ or e.asset, {"polars", "json"}, [*e.reads, "analytics_database"])
        for e in EXPORTS
    ),
]
CHECK_SPECS = [
    dg.AssetCheckSpec(name, asset=e.asset, description=check.description, blocking=True)
    for e in EXPORTS
    for name, check in e.export_checks.items()
]


def _database(lakehouse: Lakehouse, target: Path) -> dict[str, Any]:
    """Build the database into ``target`` from the lake; its metadata (time, rows per table)."""
    metadata: dict[str, Any] = {}
    tables = {table.name: lakehouse.table_path(table.name) for table in TABLES}
    with timed(metadata), lakehouse.local_copies(tables) as parquet_paths:
        rows = build_database(target, TABLES, parquet_paths)
    metadata.update({f"rows/{name}": dg.MetadataValue.int(count) for name, count in rows.items()})
    return metadata


def _search_export(database: Path, target: Path) -> dict[str, Any]:
    """Write the search export into ``target`` from the new ``database``; its metadata."""
    metadata: dict[str, Any] = {}
    with timed(metadata):
        documents = write_search_export(database, target)
    metadata["dagster/row_count"] = dg.MetadataValue.int(documents)
    return metadata


@versioned_multi_asset(name="published_outputs", specs=SPECS, check_specs=CHECK_SPECS, can_subset=False)
def published_outputs(
    context: dg.AssetExecutionContext, lakehouse: Lakehouse, public_ids: PublicIds
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """The database and every export, built and checked in scratch, then published together."""
    files = {"analytics_database": DATABASE_FILE, "search_export": SEARCH_EXPORT}
    files.update({e.asset: e.path for e in EXPORTS})
    with lakehouse.publishing_together(list(files.values())) as scratch:
        database = scratch[DATABASE_FILE]
        metadata = {"analytics_database": _database(lakehouse, database)}
        metadata["search_export"] = _search_export(database, scratch[SEARCH_EXPORT])
        results: dict[str, list[dg.AssetCheckResult]] = {}
        for export in EXPORTS:
            metadata[export.asset], results[export.asset] = export.build(
                lakehouse, public_ids, scratch[export.path]
            )
        failed = [
            f"{asset} {r.description}" for asset, found in results.items() for r in found if not r.passed
        ]
        if failed:
            for found in results.values():
                yield from found
            message = "Nothing was published (the database and every export stay as they were): " + "; ".join(
                failed
            )
            context.log.error(message)
            raise dg.Failure(description=message, allow_retries=False)  # the data will say the same again
    for asset, path in files.items():
        yield dg.MaterializeResult(
            asset_key=asset,
            metadata={"path": dg.MetadataValue.path(str(lakehouse.root / path)), **metadata[asset]},
            check_results=results.get(asset, []),
        )


assets = [published_outputs]
