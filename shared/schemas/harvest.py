"""The harvest boundary: raw records as received, before anything downstream may read them.

Only what the pipeline relies on is required; other fields may be null. A field the source adds
that the raw schema does not know is not an error here but a warning (see ``harvest.raw``).
"""

import pandera.polars as pa
import polars as pl
from pandera.engines.polars_engine import DateTime

PROVENANCE = {
    "source": "Which source served the record",
    "page": "The page (or cursor step) that served it",
    "harvested_at": (
        "When the harvest first received the record in its current form (UTC): a record unchanged "
        "since the previous snapshot keeps its previous harvested_at"
    ),
}


class _Provenance(pa.DataFrameModel):
    source: str = pa.Field(description=PROVENANCE["source"])
    page: pl.Int32 = pa.Field(ge=1, description=PROVENANCE["page"])
    harvested_at: DateTime = pa.Field(
        dtype_kwargs={"time_unit": "us", "time_zone": "UTC"}, description=PROVENANCE["harvested_at"]
    )

    class Config:
        strict = False


class WaltersObjectsRaw(_Provenance):
    """Walters v1 object records, one per ObjectID."""

    ObjectID: int = pa.Field(unique=True, description="The Walters' object id")
    ObjectNumber: str = pa.Field(description="Accession number")
    DateBeginYear: int = pa.Field(nullable=True, description="Structured start year (0/0 = no date)")
    DateEndYear: int = pa.Field(nullable=True, description="Structured end year")


class ArticArtworksRaw(_Provenance):
    """Art Institute artworks, one per id."""

    id: int = pa.Field(unique=True, description="The Art Institute's artwork id")
    updated_at: str = pa.Field(description="When the Art Institute last changed the record (ISO 8601)")


class ArticAgentsRaw(_Provenance):
    """Art Institute agents, one per id."""

    id: int = pa.Field(unique=True, description="The Art Institute's agent id")
    updated_at: str = pa.Field(description="When the Art Institute last changed the record (ISO 8601)")


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
