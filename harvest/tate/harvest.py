"""Tate harvest: artworks and artists from the collection's dump (``TATE_COLLECTION_URL``)."""

from harvest.dump_assets import json_dump_asset
from harvest.tate import MUSEUM, SHIPPED_SAMPLE
from harvest.tate.schemas import TATE_ARTIST_SCHEMA, TATE_ARTWORK_SCHEMA, TateArtistsRaw, TateArtworksRaw

assets = [
    json_dump_asset(
        "tate",
        "artworks",
        SHIPPED_SAMPLE,
        TATE_ARTWORK_SCHEMA,
        TateArtworksRaw,
        MUSEUM.objects.clean,
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
        MUSEUM.agents.clean,
        label="fc",
        key="agent_key",
    ),
]
asset_checks = []  # the raw models are checked inside the assets, before anything is written
