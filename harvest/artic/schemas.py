"""The Art Institute of Chicago: the records as received.

Polars schemas, explicit rather than inferred (a column null on one page must not be typed Null
there and String on the next), and the harvest boundary's Pandera models.
"""

import pandera.polars as pa
import polars as pl

from shared.schemas.harvest import _Provenance

_str = pl.String
_int = pl.Int64
_float = pl.Float64

# The Art Institute's API returns only the fields asked for (`fields=`): these are the ones the
# model uses, which keeps a page of 100 artworks small.
ARTIC_ARTWORK_SCHEMA = pl.Schema(
    {
        "id": _int,
        "title": _str,
        "main_reference_number": _str,
        "date_start": _int,
        "date_end": _int,
        "date_display": _str,
        "date_qualifier_title": _str,
        "artist_display": _str,
        "artist_id": _int,
        "artist_ids": pl.List(_int),
        "artist_titles": pl.List(_str),
        "place_of_origin": _str,
        "dimensions": _str,
        "dimensions_detail": pl.List(
            pl.Struct(
                {
                    "depth": _float,
                    "width": _float,
                    "height": _float,
                    "diameter": _float,
                    "clarification": _str,
                }
            )
        ),
        "medium_display": _str,
        "credit_line": _str,
        "description": _str,
        "short_description": _str,
        "inscriptions": _str,
        "provenance_text": _str,
        "exhibition_history": _str,
        "classification_title": _str,
        "classification_titles": pl.List(_str),
        "artwork_type_title": _str,
        "department_title": _str,
        "department_id": _str,
        "style_title": _str,
        "is_on_view": pl.Boolean,
        "gallery_title": _str,
        "latitude": _float,
        "longitude": _float,
        "image_id": _str,
        # The primary image's pixel size (the IIIF manifests need it); its other fields are not used.
        "thumbnail": pl.Struct({"width": _int, "height": _int}),
        "alt_image_ids": pl.List(_str),
        "is_public_domain": pl.Boolean,
        "source_updated_at": _str,
        "updated_at": _str,
    }
)
ARTIC_ARTWORK_FIELDS = tuple(ARTIC_ARTWORK_SCHEMA.names())

ARTIC_AGENT_SCHEMA = pl.Schema(
    {
        "id": _int,
        "title": _str,
        "sort_title": _str,
        "alt_titles": pl.List(_str),
        "is_artist": pl.Boolean,
        "birth_date": _int,
        "death_date": _int,
        "description": _str,
        "ulan_id": _int,
        "source_updated_at": _str,
        "updated_at": _str,
    }
)
ARTIC_AGENT_FIELDS = tuple(ARTIC_AGENT_SCHEMA.names())


class ArticArtworksRaw(_Provenance):
    """Art Institute artworks, one per id."""

    id: int = pa.Field(unique=True, description="The Art Institute's artwork id")
    updated_at: str = pa.Field(description="When the Art Institute last changed the record (ISO 8601)")


class ArticAgentsRaw(_Provenance):
    """Art Institute agents, one per id."""

    id: int = pa.Field(unique=True, description="The Art Institute's agent id")
    updated_at: str = pa.Field(description="When the Art Institute last changed the record (ISO 8601)")
