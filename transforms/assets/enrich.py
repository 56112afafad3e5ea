"""The enrich stage: the museums' clean tables as one collection, references resolved across
sources."""

import dagster as dg
import polars as pl

from shared.checks import model_check
from shared.schemas.clean import CollectionAgents
from shared.stages import checked_asset, lake_asset
from transforms import model
from transforms.assets.inputs import Collection, inputs, latest_year, union


def enrich_assets(collection: Collection) -> list[dg.AssetsDefinition]:
    """``collection_agents`` and ``collection_exhibitions`` over the museums of ``collection``."""

    @checked_asset(
        stage="enrich",
        model=CollectionAgents,
        checks=[model_check(CollectionAgents, description="Agent keys unique, every agent named")],
        ins={**collection.objects_in, **inputs(collection.agents)},
    )
    def collection_agents(**frames: pl.LazyFrame) -> pl.LazyFrame:
        """Agents of every source, plus an agent built from the object record (flagged) for every
        creator an object names that its source's agent list lacks: no creator is dropped."""
        agents = union(frames, collection.agents, model.AGENT_SCHEMA)
        return model.complete_agents(agents, collection.objects_of(frames), latest_year=latest_year())

    @lake_asset(stage="enrich", ins=inputs(collection.exhibitions))
    def collection_exhibitions(**exhibitions: pl.LazyFrame) -> pl.LazyFrame:
        """Exhibitions of every museum that sends them (the Walters' exports; the Art Institute's API
        has none to harvest yet)."""
        return union(exhibitions, collection.exhibitions, model.EXHIBITION_SCHEMA)

    return [collection_agents, collection_exhibitions]
