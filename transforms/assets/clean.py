"""The clean stage: each museum's frames conformed to the collection model, one asset a frame."""

import dagster as dg
import pandera.polars as pa
import polars as pl

from shared.checks import issues_check, lake_check, model_check
from shared.io_manager import SCANNED
from shared.museum import Frame, Museum
from shared.schemas.clean import CleanAgents, CleanObjects
from shared.schemas.common import of_source
from shared.stages import checked_asset, lake_asset
from transforms.assets.inputs import latest_year


def _clean_asset(
    museum: Museum, frame: Frame, model: type[pa.DataFrameModel] | None, check: str = ""
) -> dg.AssetsDefinition:
    """The clean asset of ``frame``; with a ``model``, checked against it (``check``: what that
    asserts) before the lake holds it."""
    name, ins = frame.cleaned(museum.name), {"raw": dg.AssetIn(frame.raw(museum.name), dagster_type=SCANNED)}
    decorate = (
        checked_asset(
            checks=[model_check(model, description=check)],
            stage="clean",
            model=model,
            name=name,
            description=frame.description,
            ins=ins,
        )
        if model
        else lake_asset(stage="clean", name=name, description=frame.description, ins=ins)
    )

    @decorate
    def _asset(raw: pl.LazyFrame) -> pl.LazyFrame:
        return frame.clean(raw, latest_year=latest_year())

    return _asset


def clean_assets(museum: Museum) -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    """The museum's clean assets, one per frame it declares, and their checks: objects and agents
    conform to the model narrowed to the museum (blocking, in the asset) and stay within the
    record-level rules' thresholds (warning)."""
    objects, agents = museum.objects.cleaned(museum.name), museum.agents.cleaned(museum.name)
    object_model, agent_model = of_source(CleanObjects, museum.name), of_source(CleanAgents, museum.name)
    assets = [
        _clean_asset(museum, museum.objects, object_model, f"{museum.title}: objects conform to the model"),
        _clean_asset(museum, museum.agents, agent_model, f"{museum.title}: agents conform to the model"),
        *(_clean_asset(museum, f, None) for f in (museum.exhibitions, museum.relationships) if f),
    ]
    checks = [
        lake_check(objects, issues_check(key="object_key", number="object_number")),
        lake_check(agents, issues_check(key="agent_key")),
    ]
    return assets, checks
