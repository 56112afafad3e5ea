"""The tables of the analytics database: lake asset, primary key and Pandera model of each."""

from dataclasses import dataclass

import pandera.polars as pa

from shared.schemas.output import Agents, ObjectAgents, Objects, RecordIssues


@dataclass(frozen=True)
class Table:
    name: str  # the table's name, which is also the lake asset it is loaded from
    primary_key: tuple[str, ...]
    model: type[pa.DataFrameModel] | None = None


TABLES = (
    Table("objects", ("object_key",), Objects),
    Table("agents", ("agent_key",), Agents),
    Table("object_agents", ("object_key", "agent_key", "role"), ObjectAgents),
    Table("record_issues", ("record_key", "field", "rule"), RecordIssues),
    Table("places", ("place_key",)),
    Table("object_places", ("object_key", "place_key", "place_type")),
    Table("images", ("object_key", "image_key")),
    Table("exhibitions", ("exhibition_key",)),
    Table("object_exhibitions", ("object_key", "exhibition_key")),
    Table("related_objects", ("object_key", "related_object_key", "relation")),
    Table("classifications", ("source", "classification")),
    Table("departments", ("source", "department")),
)
