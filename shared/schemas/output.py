"""The output boundary: the tables of the analytics database, checked before it is built.

``TABLES`` declares each table once: its name (the lake asset it is loaded from), key and model.
The output models extend the clean/enrich ones (same keys, titles, years, start <= end) with the
columns the database adds. Field descriptions here become the database's column comments.
"""

from dataclasses import dataclass
from typing import Annotated

import pandera.polars as pa
import polars as pl

from shared.issues import DROPPED, KEPT, NULLED, REPLACED, RULES
from shared.schemas.clean import CleanObjects, CollectionAgents
from shared.schemas.common import AGENT_TYPES, key_field, source_field, year_field


class Objects(CleanObjects):
    """One row per object across sources."""

    object_number: str = pa.Field(nullable=True, description="Accession number")
    classification: str = pa.Field(
        nullable=True, description="The museum's broad category (e.g. Metal, painting)"
    )
    department: str = pa.Field(nullable=True, description="Curatorial department or collection")
    date_text: str = pa.Field(nullable=True, description="The date as the museum wrote it")
    date_precision: str = pa.Field(
        nullable=True, description="How fine the date is: year, decade, century, millennium, range"
    )
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


class Agents(CollectionAgents):
    """One row per agent (creator, workshop, culture) across sources."""

    name: str = pa.Field(str_length={"min_value": 1}, description="Display name")
    nationality: str = pa.Field(nullable=True, description="Nationality or culture, from the display string")
    birth_place: str = pa.Field(nullable=True, description="Where the agent was born, as the museum names it")
    death_place: str = pa.Field(nullable=True, description="Where the agent died, as the museum names it")
    identity_key: str = key_field(
        "The maker this agent is (agent_identities): shared by the agents of any museums that are the "
        "same maker; the smallest agent_key among them, stable while they are unchanged",
        unique=False,
    )


class AgentIdentities(pa.DataFrameModel):
    """One row per identity: a maker as one collection knows it, across museums."""

    identity_key: str = key_field("The smallest agent_key of the agents it gathers")
    name: str = pa.Field(description="Preferred name: that of the member credited on most objects")
    agent_type: str = pa.Field(isin=list(AGENT_TYPES), description="person, group, culture or anonymous")
    birth_year: pl.Int32 = year_field("Year of birth (of formation, for a group), negative for BCE")
    death_year: pl.Int32 = year_field("Year of death (of dissolution), negative for BCE")
    museums: Annotated[pl.List, pl.String()] = pa.Field(description="The museums holding its agents, sorted")
    museum_count: pl.Int32 = pa.Field(ge=1, description="How many museums hold it")
    agent_keys: Annotated[pl.List, pl.String()] = pa.Field(description="The agents it gathers, sorted")
    objects: pl.Int32 = pa.Field(ge=0, description="Distinct objects credited to any of its agents")

    class Config:
        strict = False


class AgentMatches(pa.DataFrameModel):
    """One row per candidate pair of agents (of one museum or two): the matcher's audit trail."""

    agent_key: str = key_field("The first agent (the smaller key)", unique=False)
    other_agent_key: str = key_field("The second agent", unique=False)
    name: str = pa.Field(nullable=True, description="The first agent's name")
    other_name: str = pa.Field(nullable=True, description="The second agent's name")
    agent_type: str = pa.Field(isin=list(AGENT_TYPES), description="The first agent's type")
    other_agent_type: str = pa.Field(isin=list(AGENT_TYPES), description="The second agent's type")
    block: str = pa.Field(
        description="The blocking key that made them candidates: s:<surname> <initial> or w:<all words>"
    )
    decision: str = pa.Field(isin=["merged", "kept_apart"], description="merged (one identity) or kept_apart")
    reason: str = pa.Field(description="Which rule decided, and the names and years it compared")

    class Config:
        strict = False
        unique = ["agent_key", "other_agent_key"]  # noqa: RUF012 (Pandera reads a plain list)


class ObjectAgents(pa.DataFrameModel):
    """One row per (object, agent, role)."""

    object_key: str = key_field("The object", unique=False)
    agent_key: str = key_field("The agent", unique=False)
    role: str = pa.Field(description="What the agent did: Artist, Author, Scribe, Workshop...")

    class Config:
        strict = False
        unique = ["object_key", "agent_key", "role"]  # noqa: RUF012 (Pandera reads a plain list)


class RecordIssues(pa.DataFrameModel):
    """One row per problem the pipeline found in a record and handled (a curator's to-do list)."""

    source: str = source_field()
    record_key: str = key_field("The record: its object_key or agent_key", unique=False)
    object_number: str = pa.Field(
        nullable=True, description="The object's accession number (null for agents)"
    )
    field: str = pa.Field(description="The source's field that held the value (e.g. DateBeginYear)")
    rule: str = pa.Field(isin=list(RULES), description="What was wrong (shared.issues)")
    raw_value: str = pa.Field(nullable=True, description="The value as received, as text")
    action: str = pa.Field(
        isin=[NULLED, REPLACED, KEPT, DROPPED],
        description=(
            "What the pipeline did: nulled, replaced (from another field), kept (flagged) or dropped "
            "(a copy of a record the source sent twice)"
        ),
    )
    message: str = pa.Field(description="The problem and what was done, worded for the collections team")

    class Config:
        strict = False
        unique = ["record_key", "field", "rule"]  # noqa: RUF012 (Pandera reads a plain list)


# --- the tables of the database, each with its lake asset, key and model -------------------------


@dataclass(frozen=True)
class Table:
    """A table of the database, loaded from the lake asset of the same name. Every table's key is
    checked non-null and unique in its asset before the lake holds it (by its Pandera model, or by
    ``shared.checks.key_check`` where it has none: ``shared.stages.table_asset``).
    ``indexed`` tables also get a PRIMARY KEY constraint in the database: the tables of things
    (objects, agents...), which are looked up by key. Tables of links and findings get none: their
    DuckDB indexes cost 5.5 s of a 14 s build at 1M objects and made the file 2.6 times larger,
    for joins that DuckDB runs as hash joins without them."""

    name: str  # the table's name, which is also the lake asset it is loaded from
    primary_key: tuple[str, ...]
    model: type[pa.DataFrameModel] | None = None
    indexed: bool = True


TABLES = (
    Table("objects", ("object_key",), Objects),
    Table("agents", ("agent_key",), Agents),
    Table("agent_identities", ("identity_key",), AgentIdentities),
    Table("agent_matches", ("agent_key", "other_agent_key"), AgentMatches, indexed=False),
    Table("object_agents", ("object_key", "agent_key", "role"), ObjectAgents, indexed=False),
    Table("record_issues", ("record_key", "field", "rule"), RecordIssues, indexed=False),
    Table("places", ("place_key",)),
    Table("object_places", ("object_key", "place_key", "place_type"), indexed=False),
    Table("images", ("object_key", "image_key"), indexed=False),
    Table("exhibitions", ("exhibition_key",)),
    Table("object_exhibitions", ("object_key", "exhibition_key"), indexed=False),
    Table("related_objects", ("object_key", "related_object_key", "relation"), indexed=False),
    Table("classifications", ("source", "classification")),
    Table("departments", ("source", "department")),
)


def output_model(name: str) -> type[pa.DataFrameModel]:
    """The Pandera model of the table ``name``: its reshape asset is checked against it, and its
    field descriptions become the database's column comments."""
    model = {table.name: table.model for table in TABLES}[name]  # KeyError: no such table
    if model is None:
        raise KeyError(f"table {name} has no model: its key is checked instead")
    return model
