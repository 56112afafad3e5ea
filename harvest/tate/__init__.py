"""The Tate (London), from its collection repository's dump: schemas, harvest, clean, sample (data/)."""

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harvest.museum import Frame, Museum
from harvest.tate import clean

if TYPE_CHECKING:
    from shared.resources import Settings

# A sample of github.com/tategallery/collection: 2,500 artworks and the 583 artists they name.
SHIPPED_SAMPLE = Path(__file__).parent / "data" / "collection-sample.tar.gz"


def _harvest() -> tuple[list[Any], list[Any]]:
    from harvest.tate import harvest  # Dagster, loaded only when the assets are built

    return harvest.assets, harvest.asset_checks


def _resources(settings: "Settings") -> Mapping[str, object]:
    from harvest.sources import DumpLocation

    return {"tate_dump": DumpLocation(location=settings.tate_collection_url)}


MUSEUM = Museum(
    name="tate",
    title="Tate",
    objects=Frame(
        "artworks",
        lambda raw, year: clean.clean_tate_artworks(raw, latest_year=year),
        "Tate artworks in the collection model: every contributor a creator with its role, sizes "
        "from the dimensions text, the thumbnail as image.",
    ),
    agents=Frame(
        "artists",
        lambda raw, year: clean.clean_tate_artists(raw, latest_year=year),
        "Tate artists in the collection model, with birth and death years and places.",
    ),
    harvest=_harvest,
    resources=_resources,
    sample="harvest/tate/data/collection-sample.tar.gz (2,500 artworks, 583 artists)",
)
