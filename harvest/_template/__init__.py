"""A museum from a dump of JSON records, one file a record, or from a paged JSON API: the template
of a new museum.

Copy it with ``harvest.scaffold`` (docs/adding-a-museum.md), which names the copy's museum and
picks its kind: a dump (harvest.py, ``harvest.dump_assets``) or, with ``--api``, a paged JSON API
(harvest_api.py becomes harvest.py, ``harvest.api_assets``; its location becomes the API's base
URL, and the sample is served by the embedded replay). Then fit schemas.py and clean.py to the
museum's records, replace data/ with its sample and add the copy's ``MUSEUM`` to
harvest/museums.py. The modules import each other relatively, so the folder works wherever it is
(the new-museum tests run copies from a temporary folder).
"""

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from harvest.resources import dump_resources
from shared.museum import Frame, Museum

from . import clean

if TYPE_CHECKING:
    import dagster as dg

NAME = "template"  # the source name: the prefix of keys and asset names
TITLE = "The Template Museum"  # as the Linked Art exports name the museum
SHIPPED_SAMPLE = Path(__file__).parent / "data"  # a folder (or an archive) of JSON records
# Where the records are: this environment variable (unset: the shipped sample).
LOCATION = f"{NAME.upper()}_COLLECTION_URL"


def _harvest() -> Sequence["dg.AssetsDefinition"]:
    from . import harvest  # Dagster, loaded only when the definitions are built

    return harvest.assets


MUSEUM = Museum(
    name=NAME,
    title=TITLE,
    objects=Frame(
        "objects",
        partial(clean.clean_objects, source=NAME),
        f"{TITLE}: objects in the collection model, one row per object, dates parsed, makers linked.",
    ),
    agents=Frame(
        "agents",
        partial(clean.clean_agents, source=NAME),
        f"{TITLE}: agents in the collection model, one row per agent, with birth and death years.",
    ),
    harvest=_harvest,
    resources=dump_resources(NAME, LOCATION),
    locations=(LOCATION,),
)
