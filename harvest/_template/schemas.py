"""The raw records as received: their Polars schemas and the harvest boundary's Pandera models."""

import pandera.polars as pa
import polars as pl

from shared.schemas.harvest import _Provenance

OBJECT_SCHEMA = pl.Schema(
    {
        "id": pl.Int64,
        "number": pl.String,
        "title": pl.String,
        "date": pl.String,
        "year_from": pl.Int64,
        "year_to": pl.Int64,
        "makers": pl.List(pl.Struct({"id": pl.Int64, "role": pl.String})),
    }
)
AGENT_SCHEMA = pl.Schema({"id": pl.Int64, "name": pl.String, "born": pl.Int64, "died": pl.Int64})


class ObjectsRaw(_Provenance):
    """Object records, one per id; ``page`` is the file's place in the dump, or the API's page."""

    id: int = pa.Field(unique=True, description="The museum's object id")
    number: str = pa.Field(description="Accession number")


class AgentsRaw(_Provenance):
    """Agent records, one per id."""

    id: int = pa.Field(unique=True, description="The museum's agent id")
    name: str = pa.Field(description="Name as displayed")
