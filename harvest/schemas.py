"""Polars schemas of the raw records, exactly as the sources send them.

An explicit schema, not inference: a column that is null on one page (``Collection`` is null in
all but one Walters record) must not be typed Null there and String on the next page. Field names
and nesting are the sources' own; only the provenance columns are ours.
"""

import polars as pl

_str = pl.String
_int = pl.Int64
_float = pl.Float64

WALTERS_OBJECT_SCHEMA = pl.Schema(
    {
        "Classification": _str,
        "Collection": pl.Struct({"CollectionID": _int, "Name": _str}),
        "Creators": pl.List(
            pl.Struct({"ConcatDisplayName": _str, "CreatorID": _int, "Gender": _str, "Role": _str})
        ),
        "CreditLine": _str,
        "Culture": _str,
        "DateBeginYear": _int,
        "DateEndYear": _int,
        "DateText": _str,
        "Description": _str,
        "Dimensions": _str,
        "Dynasty": _str,
        "Exhibitions": pl.List(
            pl.Struct(
                {
                    "ExhTitle": _str,
                    "ExhibBeginDate": _str,
                    "ExhibBeginYear": _int,
                    "ExhibDisplayDate": _str,
                    "ExhibEndDate": _str,
                    "ExhibEndYear": _int,
                    "ExhibitionID": _int,
                    "LocationID": _int,
                    "NonWAMExhibition": pl.Boolean,
                    "Textblock": _str,
                }
            )
        ),
        "Geographies": pl.List(
            pl.Struct(
                {
                    "GeoHierarchy": _str,
                    "GeoType": _str,
                    "GeographyID": _int,
                    "GeographyTerm": _str,
                    "Latitude": _str,
                    "LatitudeDirection": _str,
                    "LatitudeNumber": _float,
                    "Longitude": _str,
                    "LongitudeDirection": _str,
                    "LongitudeNumber": _float,
                }
            )
        ),
        "Images": pl.List(
            pl.Struct(
                {
                    "ID": _int,
                    "ImageURLs": pl.Struct(
                        {"Large": _str, "Medium": _str, "Raw": _str, "Small": _str, "Tiny": _str}
                    ),
                    "IsPrimary": pl.Boolean,
                    "Rank": _int,
                }
            )
        ),
        "Inscriptions": _str,
        "Keywords": _str,
        "Medium": _str,
        "MuseumLocation": pl.Struct(
            {"DisplayCurrentLocation": _str, "LocationID": _int, "LocationString": _str}
        ),
        "ObjectID": _int,
        "ObjectName": _str,
        "ObjectNumber": _str,
        "OnView": _int,
        "Period": _str,
        "Provenance": _str,
        "PublicAccessDate": _str,
        "Reign": _str,
        "RelatedObjects": pl.List(pl.Struct({"ObjectID": _int, "RelationType": _str})),
        "ResourceURL": _str,
        "SortNumber": _str,
        "Style": _str,
        "Title": _str,
    }
)

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

# Provenance columns added to every raw record; everything else is as received.
PROVENANCE_SCHEMA = pl.Schema({"source": _str, "page": pl.Int32, "harvested_at": pl.Datetime("us", "UTC")})
