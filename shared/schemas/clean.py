"""The clean and enrich boundaries: every source's objects and agents in the collection model."""

import pandera.polars as pa
import polars as pl
from pandera.polars import PolarsData

from shared.schemas.common import (
    AGENT_TYPES,
    key_field,
    not_after_this_year,
    source_field,
    start_not_after_end,
    year_field,
)


class CleanObjects(pa.DataFrameModel):
    """One row per object, conformed; nested creators, places and images kept."""

    object_key: str = key_field("`<source>:<source_id>`, e.g. `walters:7`, `artic:11`; unique across sources")
    source: str = source_field()
    source_id: str = pa.Field(description="The museum's own id of the object")
    title: str = pa.Field(str_length={"min_value": 1}, description="Title; never empty")
    title_is_fallback: bool = pa.Field(description="True where the title came from object name or number")
    date_start_year: pl.Int32 = year_field("First year of the date range, negative for BCE")
    date_end_year: pl.Int32 = year_field("Last year of the date range, negative for BCE")
    date_uncertain: bool = pa.Field(nullable=True, description="The date is approximate (ca., ?, or)")

    class Config:
        strict = False

    @pa.dataframe_check(description="date_start_year <= date_end_year")
    def date_start_not_after_end(cls, data: PolarsData) -> pl.LazyFrame:
        return start_not_after_end(data, "date_start_year", "date_end_year")

    @pa.check("date_start_year", "date_end_year", name="not_after_this_year")
    def years_not_after_this_year(cls, data: PolarsData) -> pl.LazyFrame:
        return not_after_this_year(data)


class CleanAgents(pa.DataFrameModel):
    """One row per agent (person, workshop, culture) of one source."""

    agent_key: str = key_field("`<source>:<source_id>`, unique across sources")
    source: str = source_field()
    source_id: str = pa.Field(description="The museum's own id (Walters: CreatorID)")
    name: str = pa.Field(nullable=True, description="Display name")
    agent_type: str = pa.Field(
        isin=list(AGENT_TYPES),
        description="person (also a notname), group (workshop, school of a master, family, firm), "
        "culture (a culture, nationality or regional school) or anonymous (a placeholder)",
    )
    birth_year: pl.Int32 = year_field("Year of birth, negative for BCE")
    death_year: pl.Int32 = year_field("Year of death, negative for BCE")
    in_source_export: bool = pa.Field(
        description="False where built from an object record because the source's agent list lacks it"
    )

    class Config:
        strict = False

    @pa.check("birth_year", "death_year", name="not_after_this_year")
    def years_not_after_this_year(cls, data: PolarsData) -> pl.LazyFrame:
        return not_after_this_year(data)


class CollectionAgents(CleanAgents):
    """Agents of all sources: every agent an object names has a row with a name."""

    name: str = pa.Field(description="Display name")
