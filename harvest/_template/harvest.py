"""The harvest: objects and agents from the museum's dump (harvest.dump_assets)."""

from harvest.dump_assets import json_dump_museum

from . import MUSEUM, SHIPPED_SAMPLE, schemas

assets = json_dump_museum(
    MUSEUM,
    SHIPPED_SAMPLE,
    objects=(schemas.OBJECT_SCHEMA, schemas.ObjectsRaw, "number"),
    agents=(schemas.AGENT_SCHEMA, schemas.AgentsRaw, "name"),
)
