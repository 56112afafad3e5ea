"""The Walters Art Museum (Baltimore): objects from its v1 API, creators, exhibitions and
relationships from its CSV exports (harvest.py), conformed by clean.py."""

from collections.abc import Mapping
from typing import TYPE_CHECKING

from harvest.exports import SHIPPED_EXPORTS
from harvest.museum import Frame, Museum
from harvest.walters import clean

if TYPE_CHECKING:
    from shared.resources import Settings


# The embedded replay (WALTERS_API_URL unset) accepts any non-empty key.
DEFAULT_API_KEY = "offline"


def _resources(settings: "Settings") -> Mapping[str, object]:
    from harvest.sources import WaltersApi, WaltersExports

    return {
        "walters_api": WaltersApi(
            base_url=settings.museum_value("WALTERS_API_URL"),
            api_key=settings.museum_value("WALTERS_API_KEY", DEFAULT_API_KEY),
        ),
        "walters_exports": WaltersExports(location=settings.museum_value("WALTERS_EXPORTS_URL")),
    }


MUSEUM = Museum(
    name="walters",
    title="The Walters Art Museum",
    objects=Frame(
        "objects",
        clean.clean_walters_objects,
        "Walters objects in the collection model: one row per object, text cleaned, dates and "
        "dimensions parsed, creators, places and images nested.",
    ),
    agents=Frame(
        "creators",
        clean.clean_walters_creators,
        "Walters creators export in the collection model: one row per CreatorID, life dates parsed.",
    ),
    exhibitions=Frame(
        "exhibitions",
        lambda raw, *, latest_year: clean.clean_walters_exhibitions(raw),
        "Walters exhibitions export: one row per exhibition with the objects it showed.",
    ),
    relationships=Frame(
        "relationships",
        lambda raw, *, latest_year: clean.clean_walters_relationships(raw),
        "Walters relationships export as directed links between objects.",
    ),
    harvest=f"{__name__}.harvest",
    resources=_resources,
    sample=f"{SHIPPED_EXPORTS.name}/ (API sample and CSV exports, in this folder)",
    locations=("WALTERS_API_URL", "WALTERS_EXPORTS_URL"),
    secrets=("WALTERS_API_KEY",),
)
