"""Tate harvest: artworks and artists from the collection's dump (``TATE_COLLECTION_URL``)."""

import dagster as dg
import pandera.polars as pa
import polars as pl

from harvest.dump_assets import json_dump_asset
from harvest.tate import SHIPPED_SAMPLE
from harvest.tate.schemas import TATE_ARTIST_SCHEMA, TATE_ARTWORK_SCHEMA, TateArtistsRaw, TateArtworksRaw


def _tate_asset(
    kind: str, schema: pl.Schema, model: type[pa.DataFrameModel], label: str
) -> dg.AssetsDefinition:
    return json_dump_asset(
        f"tate_{kind}_raw",
        source="tate",
        resource="tate_collection",
        shipped=SHIPPED_SAMPLE,
        glob=f"{kind}/**/*.json",
        schema=schema,
        model=model,
        label=label,
        description=f"Tate {kind} as the collection dump holds them, one file a record, each id once.",
    )


assets = [
    _tate_asset("artworks", TATE_ARTWORK_SCHEMA, TateArtworksRaw, label="acno"),
    _tate_asset("artists", TATE_ARTIST_SCHEMA, TateArtistsRaw, label="fc"),
]
asset_checks: list[dg.AssetChecksDefinition] = []
