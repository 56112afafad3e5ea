"""The harvest: objects and agents from the museum's paged JSON API (harvest.api_assets), at the
base URL its location setting holds, else from the embedded replay of the sample in data/."""

from harvest.api_assets import json_api_museum
from harvest.pagination import PageNumbers

from . import MUSEUM, SHIPPED_SAMPLE, schemas

# The API's two lists (harvest.pagination.PageNumbers): the path under the base URL, the field
# holding a page's records, the page number and page size parameters, and the field saying another
# page follows (None: a page shorter than asked is the last).
OBJECTS = PageNumbers("/objects", records="data", page="page", size="limit", more=None)
AGENTS = PageNumbers("/agents", records="data", page="page", size="limit", more=None)

assets = json_api_museum(
    MUSEUM,
    SHIPPED_SAMPLE,
    objects=(OBJECTS, schemas.OBJECT_SCHEMA, schemas.ObjectsRaw, "number"),
    agents=(AGENTS, schemas.AGENT_SCHEMA, schemas.AgentsRaw, "name"),
)
