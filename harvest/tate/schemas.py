"""The Tate's raw records: Polars schemas of the files as received, and the harvest boundary's models.

Every field of the repository's records is named and typed, nested ones too (``subjects`` to the
depth the repository uses), so a missing field is a typed null and a new one is reported.
"""

from typing import Any

import pandera.polars as pa
import polars as pl

from shared.schemas.harvest import _Provenance


def _s(*names: str) -> dict[str, Any]:
    return dict.fromkeys(names, pl.String)


def _i(*names: str) -> dict[str, Any]:
    return dict.fromkeys(names, pl.Int64)


_named = _i("id") | _s("name")
_place = pl.Struct(_s("name", "placeName", "placeType"))
_event = pl.Struct({"place": _place, "time": pl.Struct(_i("startYear"))})
_movements = pl.List(pl.Struct({**_named, "era": pl.Struct(_named)}))
_subjects = pl.Struct(_named)
for _ in range(3):  # root, category, group, subject
    _subjects = pl.Struct({**_named, "children": pl.List(_subjects)})
_contributor = pl.Struct(_i("id", "birthYear", "displayOrder") | _s("fc", "mda", "role", "gender", "date"))
_size = _s("caption", "file", "size") | _i("width", "height", "resolution") | {"cleared": pl.Boolean}
_image = pl.Struct(_s("copyright", "creativeCommons", "filenameBase") | {"sizes": pl.List(pl.Struct(_size))})
_catalogue = pl.Struct(
    _i("id") | _s("accessionRanges", "completeStatus", "finbergNumber", "groupType", "shortTitle")
)

TATE_ARTWORK_SCHEMA = pl.Schema(
    _i("id")
    | _s("acno", "title", "foreignTitle", "groupTitle", "dateText", "medium", "dimensions")
    | {"dateRange": pl.Struct(_i("startYear", "endYear") | _s("text"))}
    | _s("width", "height", "depth", "units", "classification", "creditLine", "inscription", "all_artists")
    | _s("thumbnailUrl", "thumbnailCopyright", "finberg", "url")
    | _i("acquisitionYear", "contributorCount", "movementCount", "subjectCount", "pageNumber", "catTextResId")
    | {
        "contributors": pl.List(_contributor),
        "additionalImages": pl.List(_image),
        "catalogueGroup": _catalogue,
    }
    | {"artistRooms": pl.Boolean, "movements": _movements, "subjects": _subjects}
)

TATE_ARTIST_SCHEMA = pl.Schema(
    _i("id")
    | _s("fc", "mda", "gender", "date", "startLetter", "url")
    | _i("birthYear", "activePlaceCount", "totalWorks")
    | {"birth": _event, "death": _event, "activePlaces": pl.List(_place), "movements": _movements}
)


class TateArtworksRaw(_Provenance):
    """Tate artwork records, one per id; ``page`` is the file's place in the dump, in path order."""

    id: int = pa.Field(unique=True, description="The Tate's artwork id")
    acno: str = pa.Field(description="Accession number")


class TateArtistsRaw(_Provenance):
    """Tate artist records, one per id; ``page`` as for artworks."""

    id: int = pa.Field(unique=True, description="The Tate's artist id")
    fc: str = pa.Field(description="Name as displayed")
