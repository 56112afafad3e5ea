"""Walters Art Museum harvest: objects from the v1 API, creators and more from the CSV exports.

The API has no change filter, so objects are harvested whole every night; the metadata says what
changed since the last run (new, changed and gone ObjectIDs).
"""

import datetime as dt
from collections.abc import Iterator

import dagster as dg
import pandera.polars as pa
import polars as pl

from harvest.pagination import PageStream
from harvest.parts import BATCH_RECORDS, RawTable, harvest_snapshot
from harvest.raw import (
    HarvestConfig,
    failing_cleanly,
    harvest_metadata,
    last_snapshot,
    origin_of,
    raw_asset,
    refuse_shrink,
)
from harvest.walters import MUSEUM
from harvest.walters.api import WaltersApi, walters_pages
from harvest.walters.exports import WaltersExports, read_export
from harvest.walters.schemas import (
    WALTERS_OBJECT_SCHEMA,
    WaltersCollectionsRaw,
    WaltersCreatorsRaw,
    WaltersExhibitionsRaw,
    WaltersObjectsRaw,
    WaltersRelationshipsRaw,
)
from shared.checks import model_check
from shared.resources import Lakehouse
from shared.stages import checked_asset

OBJECTS = RawTable(
    "walters_objects_raw",
    "walters",
    WALTERS_OBJECT_SCHEMA,
    WaltersObjectsRaw,
    MUSEUM.objects.clean,
    record_key="object_key",
    number="object_number",
    key="ObjectID",
    label="ObjectNumber",
)


@raw_asset("walters_objects_raw", WaltersObjectsRaw)
def walters_objects_raw(
    context: dg.AssetExecutionContext, config: HarvestConfig, walters_api: WaltersApi, lakehouse: Lakehouse
) -> Iterator[dg.Output | dg.AssetCheckResult]:
    """Walters object records as the v1 API served them, page by page, each object once (a repeated
    ObjectID: one copy kept by harvest.received's rule); nested Creators, Geographies, Images kept
    nested; plus source, page, harvested_at (when the harvest first received the record in its
    current form: an unchanged record keeps it) and harvest_issues. Refused, nothing written, when a
    record-level rule fires on more than its share of records."""
    harvested_at = dt.datetime.now(dt.UTC)
    origin = origin_of(walters_api.base_url)
    with failing_cleanly(), walters_api.harvester() as http:
        pages = PageStream(http, walters_pages(http), key="ObjectID")
        yield from harvest_snapshot(
            context,
            lakehouse,
            OBJECTS,
            pages.batches(BATCH_RECORDS),
            config=config,
            origin=origin,
            harvested_at=harvested_at,
            metadata=lambda: harvest_metadata(pages.stats, origin=origin),
        )


def _export_asset(
    name: str, model: type[pa.DataFrameModel], description: str, rule: str
) -> dg.AssetsDefinition:
    """Asset ``walters_<name>_raw``, the CSV export as received with its ``origin``, checked against
    ``model`` (``rule``: what the check asserts) before the lake holds it, and refused, like the
    API's records, when it holds much less than the last good snapshot from the same place (a
    truncated download, an emptied file): ``harvest.raw.refuse_shrink``, ``HarvestConfig``."""
    asset = f"walters_{name}_raw"

    @checked_asset(
        stage="harvest",
        kinds=("python", "csv", "parquet"),
        model=model,
        checks=[model_check(model, description=rule)],
        name=asset,
        description=description,
        config_schema=HarvestConfig.to_config_schema(),
    )
    def _asset(
        context: dg.AssetExecutionContext, walters_exports: WaltersExports, lakehouse: Lakehouse
    ) -> dg.Output[pl.DataFrame]:
        origin = origin_of(walters_exports.location)
        with failing_cleanly():  # a 404 over HTTP is not retried by the step
            frame = read_export(walters_exports.resolved, name).with_columns(origin=pl.lit(origin))
        config = HarvestConfig(**context.op_execution_context.op_config)
        refuse_shrink(asset, last_snapshot(context, lakehouse, asset, origin=origin), frame.height, config)
        return dg.Output(frame, metadata={"origin": origin})

    return _asset


walters_creators_raw = _export_asset(
    "creators",
    WaltersCreatorsRaw,
    "The Walters creators export as received (every column a string).",
    "Every creator has a numeric id",
)
walters_relationships_raw = _export_asset(
    "relationships",
    WaltersRelationshipsRaw,
    "The Walters object relationships export as received.",
    "Both sides are ObjectIDs",
)
walters_exhibitions_raw = _export_asset(
    "exhibitions",
    WaltersExhibitionsRaw,
    "The Walters exhibitions export as received.",
    "Every exhibition has a numeric id",
)
walters_collections_raw = _export_asset(
    "collections",
    WaltersCollectionsRaw,
    "The Walters collections export as received.",
    "Every collection has an id",
)

assets = [
    walters_objects_raw,
    walters_creators_raw,
    walters_relationships_raw,
    walters_exhibitions_raw,
    walters_collections_raw,
]
