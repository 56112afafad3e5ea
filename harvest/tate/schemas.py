"""The Tate's raw records: Polars schemas of the files as received, and the harvest boundary's models.

Every field the repository's records carry is named and typed, nested ones too, so a record that
lacks one gives a typed null, never a Null column, and a field the Tate adds is reported. The
``subjects`` tree is typed to the depth the repository uses (root, category, group, subject).
"""

import pandera.polars as pa
import polars as pl

from shared.schemas.harvest import _Provenance

_str, _int = pl.String, pl.Int64
_named = {"id": _int, "name": _str}
_place = pl.Struct({"name": _str, "placeName": _str, "placeType": _str})
_event = pl.Struct({"place": _place, "time": pl.Struct({"startYear": _int})})
_movements = pl.List(pl.Struct({**_named, "era": pl.Struct(_named)}))
_subjects = pl.Struct(_named)
for _ in range(3):
    _subjects = pl.Struct({**_named, "children": pl.List(_subjects)})
_contributor = {"id": _int, "fc": _str, "mda": _str, "role": _str, "gender": _str, "date": _str}
_image_size = pl.Struct(
    {"caption": _str, "cleared": pl.Boolean, "file": _str, "size": _str, "width": _int, "height": _int}
    | {"resolution": _int}
)
_catalogue = {"accessionRanges": _str, "completeStatus": _str, "finbergNumber": _str, "groupType": _str}

TATE_ARTWORK_SCHEMA = pl.Schema(
    {
        "id": _int,
        "acno": _str,
        "title": _str,
        "foreignTitle": _str,
        "groupTitle": _str,
        "dateText": _str,
        "dateRange": pl.Struct({"startYear": _int, "endYear": _int, "text": _str}),
        "medium": _str,
        "dimensions": _str,
        **dict.fromkeys(["width", "height", "depth", "units"], _str),
        "classification": _str,
        "creditLine": _str,
        "acquisitionYear": _int,
        "inscription": _str,
        "all_artists": _str,
        "contributorCount": _int,
        "contributors": pl.List(pl.Struct({**_contributor, "birthYear": _int, "displayOrder": _int})),
        "thumbnailUrl": _str,
        "thumbnailCopyright": _str,
        "additionalImages": pl.List(
            pl.Struct(
                {
                    "copyright": _str,
                    "creativeCommons": _str,
                    "filenameBase": _str,
                    "sizes": pl.List(_image_size),
                }
            )
        ),
        "catalogueGroup": pl.Struct({**_named, **_catalogue, "shortTitle": _str}),
        "finberg": _str,
        "pageNumber": _int,
        "catTextResId": _int,
        "artistRooms": pl.Boolean,
        "movementCount": _int,
        "movements": _movements,
        "subjectCount": _int,
        "subjects": _subjects,
        "url": _str,
    }
)

TATE_ARTIST_SCHEMA = pl.Schema(
    {
        "id": _int,
        "fc": _str,
        "mda": _str,
        "gender": _str,
        "date": _str,
        "birthYear": _int,
        "birth": _event,
        "death": _event,
        "activePlaceCount": _int,
        "activePlaces": pl.List(_place),
        "movements": _movements,
        "totalWorks": _int,
        "startLetter": _str,
        "url": _str,
    }
)


class TateArtworksRaw(_Provenance):
    """Tate artwork records, one per id; ``page`` is the file's place in the dump, in path order."""

    id: int = pa.Field(unique=True, description="The Tate's artwork id")
    acno: str = pa.Field(description="Accession number")


class TateArtistsRaw(_Provenance):
    """Tate artist records, one per id; ``page`` as for artworks."""

    id: int = pa.Field(unique=True, description="The Tate's artist id")
    fc: str = pa.Field(description="Name as displayed")
