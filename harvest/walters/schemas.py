"""The Walters Art Museum: the records as received.

Polars schemas, explicit rather than inferred (a column null on one page must not be typed Null
there and String on the next), and the harvest boundary's Pandera models.
"""

import pandera.polars as pa
import polars as pl

from shared.schemas.harvest import _Provenance

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


class WaltersObjectsRaw(_Provenance):
    """Walters v1 object records, one per ObjectID."""

    ObjectID: int = pa.Field(unique=True, description="The Walters' object id")
    ObjectNumber: str = pa.Field(description="Accession number")
    DateBeginYear: int = pa.Field(nullable=True, description="Structured start year (0/0 = no date)")
    DateEndYear: int = pa.Field(nullable=True, description="Structured end year")


class WaltersCreatorsRaw(pa.DataFrameModel):
    """The creators export as received (every column a string)."""

    id: str = pa.Field(str_matches=r"^\s*\d+\s*$", description="CreatorID")
    name: str = pa.Field(nullable=True, description="Display name")

    class Config:
        strict = False


class WaltersExhibitionsRaw(pa.DataFrameModel):
    ExhibitionID: str = pa.Field(str_matches=r"^\s*\d+\s*$", description="Exhibition id")

    class Config:
        strict = False


class WaltersRelationshipsRaw(pa.DataFrameModel):
    art1: str = pa.Field(str_matches=r"^\s*\d+\s*$", description="ObjectID of one side")
    art2: str = pa.Field(str_matches=r"^\s*\d+\s*$", description="ObjectID of the other side")

    class Config:
        strict = False


class WaltersCollectionsRaw(pa.DataFrameModel):
    CollectionID: str = pa.Field(description="Collection id")

    class Config:
        strict = False
