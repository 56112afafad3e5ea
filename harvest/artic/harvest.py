"""Art Institute of Chicago harvest: artworks and agents from the public API, incrementally.

A nightly run asks only for records whose ``updated_at`` is at or after the newest one already in
the raw snapshot (the high-water mark, read from the snapshot itself so it can never disagree with
it) and merges them in by id, the newer copy winning. An incremental harvest cannot see a record
the museum withdrew, so ``full_refresh: true`` in the run config (what the weekly
``full_refresh_schedule`` sends; a first run does the same) re-harvests everything and replaces the
snapshot: the metadata counts what went (``changes/gone``).
"""

import datetime as dt
from collections.abc import Iterable, Iterator

import dagster as dg
import pandera.polars as pa
import polars as pl
from upath import UPath

from harvest.artic import MUSEUM
from harvest.artic.api import ArticApi, artic_pages
from harvest.artic.schemas import (
    ARTIC_AGENT_FIELDS,
    ARTIC_AGENT_SCHEMA,
    ARTIC_ARTWORK_FIELDS,
    ARTIC_ARTWORK_SCHEMA,
    ArticAgentsRaw,
    ArticArtworksRaw,
)
from harvest.pagination import PageStream
from harvest.parts import (
    BATCH_RECORDS,
    Parts,
    RawTable,
    checked_snapshot,
    settle_parts,
    staging_folder,
    write_parts,
)
from harvest.raw import (
    HarvestConfig,
    failing_cleanly,
    harvest_metadata,
    keep_harvested_at,
    last_snapshot,
    origin_of,
    raw_asset,
    refuse_shrink,
)
from harvest.received import unreadable_by_field
from shared.museum import Clean
from shared.resources import Lakehouse


class ArticHarvestConfig(HarvestConfig):
    full_refresh: bool = False  # re-harvest everything: withdrawn records leave the snapshot


def latest_instant(timestamps: Iterable[str | None]) -> str | None:
    """The latest of ISO 8601 timestamps as an instant, written back as ISO 8601 with its offset.

    AIC writes `updated_at` in Chicago time, whose offset changes with daylight saving time
    (-05:00 / -06:00), so the largest string is not the latest instant: "2024-11-03T01:30:00-05:00"
    sorts after "2024-11-03T01:10:00-06:00" yet is 40 minutes earlier. A timestamp without an
    offset is taken as UTC, as Elasticsearch does. The result keeps the winner's own offset
    (`datetime.isoformat`), the form the search's `range` query accepts. None when there is none.
    """
    instants = []
    for text in timestamps:
        if not text:
            continue
        parsed = dt.datetime.fromisoformat(text)
        instants.append(parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC))
    return max(instants).isoformat() if instants else None


def _high_water_mark(previous: pl.LazyFrame | None) -> str | None:
    """The latest `updated_at` in the previous snapshot (None: no snapshot, harvest everything)."""
    if previous is None:
        return None
    return latest_instant(previous.select(pl.col("updated_at").unique()).collect().to_series())


def _merge(previous: pl.LazyFrame | None, fresh: pl.LazyFrame) -> pl.LazyFrame:
    """The snapshot with fresh records replacing their older copies, in id order (``fresh`` comes in
    id order: ``harvest.parts``; merged into a snapshot, the whole is sorted in memory)."""
    if previous is None:
        return fresh
    kept = previous.join(fresh.select("id"), on="id", how="anti")
    return pl.concat([kept, fresh], how="diagonal_relaxed").sort("id")


def _harvest_parts(
    artic_api: ArticApi,
    table: RawTable,
    resource: str,
    fields: tuple[str, ...],
    folder: UPath,
    *,
    since: str | None,
    origin: str,
    harvested_at: dt.datetime,
) -> tuple[PageStream, Parts]:
    """The ``resource``'s records updated since ``since`` (None: all), written as ``table``'s parts
    into ``folder`` (``harvest.parts``); the pages, for their stats and the ``config`` block."""
    with failing_cleanly(), artic_api.harvester() as http:
        pages = PageStream(http, artic_pages(http, resource, fields, updated_since=since), key="id")
        parts = write_parts(
            table.asset,
            pages.batches(BATCH_RECORDS),
            folder,
            table.schema,
            key="id",
            source=table.source,
            harvested_at=harvested_at,
            origin=origin,
        )
    return pages, parts


def _snapshots(
    context: dg.AssetExecutionContext,
    lakehouse: Lakehouse,
    name: str,
    origin: str,
    config: ArticHarvestConfig,
) -> tuple[pl.LazyFrame | None, pl.LazyFrame | None, str | None]:
    """The last snapshot (also on a full refresh: its harvested_at stays on unchanged records, and
    what it holds that the refresh does not is what the museum withdrew), the one merged into
    (none on a full refresh) and the high-water mark to harvest from."""
    last = last_snapshot(context, lakehouse, name, origin=origin)
    previous = None if config.full_refresh else last
    return last, previous, _high_water_mark(previous)


def _harvest_metadata(pages: PageStream, origin: str, since: str | None) -> dict[str, object]:
    return {
        **harvest_metadata(pages.stats, origin=origin),
        "mode": dg.MetadataValue.text("incremental" if since else "full"),
        "updated_since": dg.MetadataValue.text(since or "(everything)"),
    }


_DESCRIPTION = (
    "Art Institute {resource} as the API served them (the fields the model uses), each id once, "
    "merged incrementally by updated_at; plus source, page, harvested_at and harvest_issues."
)


def _artic_asset(
    resource: str,
    schema: pl.Schema,
    fields: tuple[str, ...],
    model: type[pa.DataFrameModel],
    clean: Clean,
    key: str,
    number: str | None = None,
) -> dg.AssetsDefinition:
    name = f"artic_{resource}_raw"
    table = RawTable(name, "artic", schema, model, clean, record_key=key, number=number)

    @raw_asset(name, model, description=_DESCRIPTION.format(resource=resource))
    def _asset(
        context: dg.AssetExecutionContext,
        config: ArticHarvestConfig,
        artic_api: ArticApi,
        lakehouse: Lakehouse,
    ) -> Iterator[dg.Output | dg.AssetCheckResult]:
        harvested_at = dt.datetime.now(dt.UTC)
        origin = origin_of(artic_api.base_url)
        last, previous, since = _snapshots(context, lakehouse, name, origin, config)
        with staging_folder(lakehouse.table_path(name)) as folder:
            pages, parts = _harvest_parts(
                artic_api,
                table,
                resource,
                fields,
                folder,
                since=since,
                origin=origin,
                harvested_at=harvested_at,
            )
            # A record changed during the harvest comes again after the cursor: the newer copy is kept.
            fresh, duplicates = settle_parts(parts, folder, key="id", version="updated_at")
            if "iiif_url" in pages.config:
                fresh = fresh.with_columns(iiif_url=pl.lit(pages.config["iiif_url"]))
            merged = keep_harvested_at(last, _merge(previous, fresh), key="id")
            refuse_shrink(name, last, merged.select(pl.len()).collect().item(), config)
            yield from checked_snapshot(
                lakehouse,
                table,
                merged,
                last,
                harvested_at=harvested_at,
                new_fields=parts.new_fields,
                metadata={
                    **_harvest_metadata(pages, origin, since),
                    **duplicates,
                    **unreadable_by_field(fresh),
                },
            )

    return _asset


artic_artworks_raw = _artic_asset(
    "artworks",
    ARTIC_ARTWORK_SCHEMA,
    ARTIC_ARTWORK_FIELDS,
    ArticArtworksRaw,
    MUSEUM.objects.clean,
    "object_key",
    "object_number",
)
artic_agents_raw = _artic_asset(
    "agents",
    ARTIC_AGENT_SCHEMA,
    ARTIC_AGENT_FIELDS,
    ArticAgentsRaw,
    MUSEUM.agents.clean,
    "agent_key",
)

assets = [artic_artworks_raw, artic_agents_raw]
