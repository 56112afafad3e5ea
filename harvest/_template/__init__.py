"""A museum from a dump of JSON records, one file a record: the template of a new museum.

Copy it with ``harvest.scaffold`` (docs/adding-a-museum.md), which names the copy's museum,
then fit schemas.py and clean.py to the museum's records, replace data/ with its sample and add the
copy's ``MUSEUM`` to harvest/museums.py. The modules import each other relatively, so the folder
works wherever it is (the new-museum test runs a copy from a temporary folder).
"""

from functools import partial
from pathlib import Path

from harvest.museum import Frame, Museum, dump_resources

from . import clean

NAME = "template"  # the source name: the prefix of keys and asset names
TITLE = "The Template Museum"  # as the Linked Art exports name the museum
SHIPPED_SAMPLE = Path(__file__).parent / "data"  # a folder (or an archive) of JSON records
# Where the dump is: the environment variable <NAME>_COLLECTION_URL (unset: the sample).
LOCATION = f"{NAME.upper()}_COLLECTION_URL"


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
    harvest=f"{__name__}.harvest",
    resources=dump_resources(NAME, LOCATION),
    sample="data/ (JSON records: objects/*.json, agents/*.json)",
    locations=(LOCATION,),
)
