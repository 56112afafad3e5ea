"""Tate harvest: artworks and artists read from the collection's dump, one JSON file a record.

The repository is a snapshot with no change feed: each run reads it whole (a URL is downloaded
once per asset) and the metadata says what changed since the last run.
"""

import datetime as dt
from collections.abc import Iterator

import dagster as dg
import pandera.polars as pa
import polars as pl

from harvest import raw
from harvest.dump import read_json_records
from harvest.tate.schemas import TATE_ARTIST_SCHEMA, TATE_ARTWORK_SCHEMA, TateArtistsRaw, TateArtworksRaw
from harvest.tate.source import TateCollection
from shared.resources import Lakehouse
from shared.stages import lake_asset

RAW = dg.PythonObjectDagsterType(pl.DataFrame, name="TateRawFrame")


def _tate_asset(
    kind: str, schema: pl.Schema, model: type[pa.DataFrameModel], label: str
) -> dg.AssetsDefinition:
    name = f"tate_{kind}_raw"

    @lake_asset(
        stage="harvest",
        kinds=("python", "json", "parquet"),
        model=model,
        name=name,
        check_specs=raw.raw_check_specs(name),
        dagster_type=RAW,
        description=(
            f"Tate {kind} as the collection dump holds them, one file a record, each id once; "
            "nested fields kept nested; plus source, page (the file's place in path order) and harvested_at."
        ),
    )
    def _asset(
        tate_collection: TateCollection, lakehouse: Lakehouse
    ) -> Iterator[dg.Output | dg.AssetCheckResult]:
        harvested_at = dt.datetime.now(dt.UTC)
        with raw.failing_cleanly():
            dump = read_json_records(tate_collection.resolved, f"{kind}/**/*.json", source="tate")
        files = list(range(1, len(dump.records) + 1))
        raw.check_keys(name, dump.records, files, key="id", label=label)
        frame = raw.records_to_frame(dump.records, files, schema, source="tate", harvested_at=harvested_at)
        frame = frame.sort("id")
        previous_path = lakehouse.table_path(name)
        previous = pl.scan_parquet(previous_path) if previous_path.exists() else None
        metadata = {
            "records": dg.MetadataValue.int(frame.height),
            "files": dg.MetadataValue.int(dump.stats.files),
            "archive_bytes": dg.MetadataValue.int(dump.stats.archive_bytes or 0),
            "requests": dg.MetadataValue.int(dump.stats.requests.requests),
            "retries": dg.MetadataValue.int(dump.stats.requests.retries),
            "duration_s": dg.MetadataValue.float(dump.stats.duration_s),
            "served_by": dg.MetadataValue.text("shipped sample" if tate_collection.is_sample else "dump"),
            **raw.snapshot_changes(previous, frame, key="id"),
        }
        new_fields = raw.unexpected_fields(dump.records, schema)
        yield from raw.checked_raw(name, frame, model, key="id", new_fields=new_fields, metadata=metadata)

    return _asset


tate_artworks_raw = _tate_asset("artworks", TATE_ARTWORK_SCHEMA, TateArtworksRaw, label="acno")
tate_artists_raw = _tate_asset("artists", TATE_ARTIST_SCHEMA, TateArtistsRaw, label="fc")

assets = [tate_artworks_raw, tate_artists_raw]
asset_checks: list[dg.AssetChecksDefinition] = []
