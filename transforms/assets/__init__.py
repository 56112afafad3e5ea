"""The clean, enrich and reshape stages as assets: each one wires a pure transform to the lake.

One module a stage (``clean``, ``enrich``, ``reshape``); ``inputs`` names what they read. LazyFrames
in and out: the IO manager scans inputs lazily and outputs are sunk with Polars' streaming engine,
so no stage holds a whole table in memory. Each table with a blocking check is checked before the
lake holds it (``shared.stages.checked_asset``, ``table_asset``).
"""

from collections.abc import Sequence

import dagster as dg

from shared.museum import Museum
from transforms.assets.clean import clean_assets
from transforms.assets.enrich import enrich_assets
from transforms.assets.inputs import Collection
from transforms.assets.reshape import reshape_assets

__all__ = ["clean_assets", "collection_assets"]


def collection_assets(
    museums: Sequence[Museum],
) -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    """The enrich and reshape assets over ``museums``, and their checks apart (none: each checked
    table's checks are its asset's own)."""
    collection = Collection.of(museums)
    return [*enrich_assets(collection), *reshape_assets(collection)], []
