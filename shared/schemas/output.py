"""The output boundary: the tables of the analytics database, checked before it is built.

``TABLES`` declares each table once: its name (the lake asset it is loaded from), key and model.
The output models extend the clean/enrich ones (same keys, titles, years, start <= end) with the
columns the database adds. Field descriptions here become the database's column comments.
"""

from dataclasses import dataclass

import pandera.polars as pa

from shared.issues import DROPPED, KEPT, NULLED, REPLACED, RULES
from shared.schemas.clean import CleanObjects, CollectionAgents
from shared.schemas.common import key_field, source_field


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
