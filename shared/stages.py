"""How an asset of the lake is declared: one decorator for every stage.

Every asset gets its stage as group, kinds, a code version, an owner and the column descriptions
of the Pandera model at its boundary (shown in the UI and kept by the IO manager's metadata).
"""

from collections.abc import Callable, Sequence
from typing import Any

import dagster as dg
import pandera.polars as pa

from shared.checks import model_check
from shared.schemas import column_descriptions

OWNERS = ["team:collections-data"]
STAGES = ("harvest", "clean", "enrich", "reshape", "output")


def lake_asset(
    *,
    stage: str,
    kinds: Sequence[str] = ("polars", "parquet"),
    model: type[pa.DataFrameModel] | None = None,
    code_version: str = "1",
    metadata: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Callable[[Callable[..., Any]], dg.AssetsDefinition]:
    """``@dg.asset`` with the house defaults; the function's docstring is the description."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; stages are {STAGES}")
    described = {"column_descriptions": column_descriptions(model)} if model else {}
    return dg.asset(
        group_name=stage,
        kinds=set(kinds),
        code_version=code_version,
        owners=OWNERS,
        metadata={**described, **(metadata or {})},
        **kwargs,
    )


class ModelChecked:
    """Lake assets whose Pandera model, named once, gives both the column descriptions and a
    blocking ``conforms_to_<model>`` check (collected in ``checks``)."""

    def __init__(self) -> None:
        self.checks: list[dg.AssetChecksDefinition] = []

    def asset(
        self, *, model: type[pa.DataFrameModel], check: str, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], dg.AssetsDefinition]:
        """``lake_asset(model=model, ...)`` whose model check (``check``: what it asserts) joins ``checks``."""

        def decorate(fn: Callable[..., Any]) -> dg.AssetsDefinition:
            asset = lake_asset(model=model, **kwargs)(fn)
            self.checks.append(
                model_check(asset.key.to_user_string(), model, blocking=True, description=check)
            )
            return asset

        return decorate
