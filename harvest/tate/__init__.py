"""The Tate (London), from its collection repository's dump: schemas, harvest, clean, sample (data/)."""

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from harvest.resources import dump_resources
from harvest.tate import clean
from shared.museum import Frame, Museum

if TYPE_CHECKING:
    import dagster as dg

# A sample of github.com/tategallery/collection: 2,500 artworks and the 583 artists they name.
SHIPPED_SAMPLE = Path(__file__).parent / "data" / "collection-sample.tar.gz"
LOCATION = "TATE_COLLECTION_URL"  # a folder, or an archive by path or http(s) URL


def _harvest() -> Sequence["dg.AssetsDefinition"]:
    from harvest.tate import harvest  # Dagster, loaded only when the definitions are built

    return harvest.assets


MUSEUM = Museum(
    name="tate",
    title="Tate",
    objects=Frame(
        "artworks",
        clean.clean_tate_artworks,
        "Tate artworks in the collection model: every contributor a creator with its role, sizes "
        "from the dimensions text, the thumbnail as image.",
    ),
    agents=Frame(
        "artists",
        clean.clean_tate_artists,
        "Tate artists in the collection model, with birth and death years and places.",
    ),
    harvest=_harvest,
    resources=dump_resources("tate", LOCATION),
    locations=(LOCATION,),
)
