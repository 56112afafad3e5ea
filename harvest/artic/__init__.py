"""The Art Institute of Chicago: artworks and agents from its public API, incrementally (api.py,
its search cursor; replayed offline by replay.py over the fixtures in data/, its searches by
replay_search.py); the raw assets in harvest.py, conformed by clean.py."""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import polars as pl

from harvest.artic import clean
from shared.museum import Frame, Museum

if TYPE_CHECKING:
    import dagster as dg

    from shared.resources import Settings


def clean_artworks(raw: pl.LazyFrame, *, latest_year: int) -> pl.LazyFrame:
    """The artworks with images on the IIIF server the API named in its config block, else on the
    museum's default one (a harvest whose API sent no config block has no ``iiif_url`` column)."""
    iiif_url = None
    if "iiif_url" in raw.collect_schema():
        iiif_url = raw.select(pl.col("iiif_url").drop_nulls().first()).collect().item()
    return clean.clean_artic_artworks(
        raw, iiif_url=iiif_url or clean.DEFAULT_IIIF_URL, latest_year=latest_year
    )


def _harvest() -> Sequence["dg.AssetsDefinition"]:
    from harvest.artic import harvest  # Dagster, loaded only when the definitions are built

    return harvest.assets


def _resources(settings: "Settings") -> Mapping[str, object]:
    from harvest.artic.api import ArticApi

    return {"artic_api": ArticApi(base_url=settings.museum_value("ARTIC_API_URL"))}


MUSEUM = Museum(
    name="artic",
    title="The Art Institute of Chicago",
    objects=Frame(
        "artworks", clean_artworks, "Art Institute artworks in the collection model, images as IIIF URLs."
    ),
    agents=Frame(
        "agents",
        clean.clean_artic_agents,
        "Art Institute agents in the collection model.",
    ),
    harvest=_harvest,
    resources=_resources,
    locations=("ARTIC_API_URL",),
    incremental=True,
)
