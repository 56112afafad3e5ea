"""The Walters Art Museum (Baltimore): objects from its v1 API (api.py, replayed offline by
replay.py), creators, exhibitions and relationships from its CSV exports (exports.py); the raw
assets in harvest.py, conformed by clean.py; the sample in data/."""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from harvest.walters import clean
from shared.museum import Frame, Museum

if TYPE_CHECKING:
    import dagster as dg

    from shared.resources import Settings


# The embedded replay (WALTERS_API_URL unset) accepts any non-empty key.
DEFAULT_API_KEY = "offline"


def _harvest() -> Sequence["dg.AssetsDefinition"]:
    from harvest.walters import harvest  # Dagster, loaded only when the definitions are built

    return harvest.assets


def _resources(settings: "Settings") -> Mapping[str, object]:
    from harvest.walters.api import WaltersApi
    from harvest.walters.exports import WaltersExports

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
    harvest=_harvest,
    resources=_resources,
    locations=("WALTERS_API_URL", "WALTERS_EXPORTS_URL"),
    secrets=("WALTERS_API_KEY",),
)
