"""Tate harvest: artworks and artists from the collection's dump (``TATE_COLLECTION_URL``)."""

from harvest.dump_assets import json_dump_museum
from harvest.tate import MUSEUM, SHIPPED_SAMPLE
from harvest.tate.schemas import TATE_ARTIST_SCHEMA, TATE_ARTWORK_SCHEMA, TateArtistsRaw, TateArtworksRaw

# The raw models are checked inside the assets, before anything is written: no asset checks.
assets = json_dump_museum(
    MUSEUM,
    SHIPPED_SAMPLE,
    objects=(TATE_ARTWORK_SCHEMA, TateArtworksRaw, "acno"),
    agents=(TATE_ARTIST_SCHEMA, TateArtistsRaw, "fc"),
)
