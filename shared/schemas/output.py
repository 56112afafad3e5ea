"""The output boundary: the tables of the analytics database, checked before it is built.

Field descriptions here become the database's column comments.
"""

import pandera.polars as pa
import polars as pl
from pandera.polars import PolarsData

from shared.schemas.common import SOURCES, key_field, start_not_after_end, year_field


class Objects(pa.DataFrameModel):
    """One row per object across sources."""

    object_key: str = key_field("`<source>:<source_id>`, e.g. `walters:7`, `artic:11`")
    source: str = pa.Field(isin=SOURCES, description="`walters` or `artic`")
    source_id: str = pa.Field(description="The museum's own id of the object")
    object_number: str = pa.Field(nullable=True, description="Accession number")
    title: str = pa.Field(
        str_length={"min_value": 1}, description="Title; never empty (see title_is_fallback)"
    )
    title_is_fallback: bool = pa.Field(
        description="True where the source had no title and object name or number stands in"
    )
    classification: str = pa.Field(
        nullable=True, description="The museum's broad category (e.g. Metal, painting)"
    )
    department: str = pa.Field(nullable=True, description="Curatorial department or collection")
    date_text: str = pa.Field(nullable=True, description="The date as the museum wrote it")
    date_start_year: pl.Int32 = year_field("First year, negative for BCE; null when unknown")
    date_end_year: pl.Int32 = year_field(
        "Last year, negative for BCE; null when unknown; never before the start"
    )
    date_precision: str = pa.Field(
        nullable=True, description="How fine the date is: year, decade, century, millennium, range"
    )
    date_uncertain: bool = pa.Field(nullable=True, description="The date is approximate (ca., ?, or)")
    date_source: str = pa.Field(
        nullable=True, description="structured (the museum's year fields) or text (parsed from date_text)"
    )
    height_cm: float = pa.Field(
        nullable=True, ge=0, description="Height in centimetres, from the dimensions text"
    )
    width_cm: float = pa.Field(nullable=True, ge=0, description="Width in centimetres")
    depth_cm: float = pa.Field(nullable=True, ge=0, description="Depth in centimetres")
    diameter_cm: float = pa.Field(nullable=True, ge=0, description="Diameter in centimetres")
    length_cm: float = pa.Field(
        nullable=True, ge=0, description="Length (long side of a lying object) in centimetres"
    )
    on_view: bool = pa.Field(nullable=True, description="On view in the galleries at harvest time")

    class Config:
        strict = False

    @pa.dataframe_check(description="date_start_year <= date_end_year")
    def date_start_not_after_end(cls, data: PolarsData) -> pl.LazyFrame:
        return start_not_after_end(data, "date_start_year", "date_end_year")


class Agents(pa.DataFrameModel):
    """One row per agent (creator, workshop, culture) across sources."""

    agent_key: str = key_field("`<source>:<source_id>`, e.g. `walters:6741`")
    source: str = pa.Field(isin=SOURCES, description="`walters` or `artic`")
    source_id: str = pa.Field(description="The museum's own id (Walters: CreatorID)")
    name: str = pa.Field(str_length={"min_value": 1}, description="Display name")
    nationality: str = pa.Field(nullable=True, description="Nationality or culture, from the display string")
    birth_year: pl.Int32 = year_field("Year of birth, negative for BCE")
    death_year: pl.Int32 = year_field("Year of death, negative for BCE")
    in_source_export: bool = pa.Field(
        description="False where the source's agent list lacks it and it was built from an object record"
    )

    class Config:
        strict = False


class ObjectAgents(pa.DataFrameModel):
    """One row per (object, agent, role)."""

    object_key: str = key_field("The object", unique=False)
    agent_key: str = key_field("The agent", unique=False)
    role: str = pa.Field(description="What the agent did: Artist, Author, Scribe, Workshop...")

    class Config:
        strict = False
        unique = ["object_key", "agent_key", "role"]  # noqa: RUF012 (Pandera reads a plain list)
