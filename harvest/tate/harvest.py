"""Tate harvest: artworks and artists from the collection's dump (``TATE_COLLECTION_URL``)."""

from harvest.dump_assets import json_dump_asset
from harvest.tate import SHIPPED_SAMPLE
from harvest.tate.clean import clean_tate_artists, clean_tate_artworks
from harvest.tate.schemas import TATE_ARTIST_SCHEMA, TATE_ARTWORK_SCHEMA, TateArtistsRaw, TateArtworksRaw

assets = [
    json_dump_asset(
        "tate",
        "artworks",
        SHIPPED_SAMPLE,
        TATE_ARTWORK_SCHEMA,
        TateArtworksRaw,
        lambda raw, year: clean_tate_artworks(raw, latest_year=year),
        label="acno",
        key="object_key",
        number="object_number",
    ),
    json_dump_asset(
        "tate",
        "artists",
        SHIPPED_SAMPLE,
        TATE_ARTIST_SCHEMA,
        TateArtistsRaw,
        lambda raw, year: clean_tate_artists(raw, latest_year=year),
        label="fc",
        key="agent_key",
    ),
]
asset_checks = []  # the raw models are checked inside the assets, before anything is written
