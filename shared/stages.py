"""How an asset of the lake is declared: one decorator for every stage, one for checked tables.

Every asset gets its stage as group, kinds, a code version (a hash of the code that computes it:
``shared.code_version``), an owner and the column descriptions
of the Pandera model at its boundary (shown in the UI and kept by the IO manager's metadata). An
asset with blocking checks is a ``checked_asset``: its table is written beside the lake's file and
checked there, and replaces the lake's file only when every blocking check passed.
"""

import inspect
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import dagster as dg
import pandera.polars as pa
import polars as pl

from shared.checks import TableCheck, refusal, table_checks
from shared.code_version import code_version
from shared.io_manager import SCANNED, STAGED, Staged
from shared.lake import sink_lake, write_lake
from shared.resources import Lakehouse
from shared.schemas import column_descriptions
from shared.schemas.output import TABLES
from shared.storage import discard, staging_path

OWNERS = ["team:collections-data"]
# What a checked asset's function returns: its table, or the table with metadata.
Table = pl.LazyFrame | pl.DataFrame | dg.Output[pl.LazyFrame] | dg.Output[pl.DataFrame]
STAGES = ("harvest", "clean", "enrich", "reshape", "output")


def lake_asset(
    *,
    stage: str,
    kinds: Sequence[str] = ("polars", "parquet"),
    model: type[pa.DataFrameModel] | None = None,
    metadata: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Callable[[Callable[..., Any]], dg.AssetsDefinition]:
    """``@dg.asset`` with the house defaults; the function's docstring is the description, the
    code it runs its code version (``shared.code_version``)."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; stages are {STAGES}")
    described = {"column_descriptions": column_descriptions(model)} if model else {}

    def decorate(fn: Callable[..., Any]) -> dg.AssetsDefinition:
        return dg.asset(
            group_name=stage,
            kinds=set(kinds),
            code_version=code_version(fn),
            owners=OWNERS,
            metadata={**described, **(metadata or {})},
            **kwargs,
        )(fn)

    return decorate


def versioned_multi_asset(
    *, specs: Sequence[dg.AssetSpec], **kwargs: Any
) -> Callable[[Callable[..., Any]], dg.AssetsDefinition]:
    """``@dg.multi_asset`` (``kwargs``) whose ``specs`` take the code version of the function that
    computes them all (``shared.code_version``)."""

    def decorate(fn: Callable[..., Any]) -> dg.AssetsDefinition:
        version = code_version(fn)
        return dg.multi_asset(specs=[s.replace_attributes(code_version=version) for s in specs], **kwargs)(fn)

    return decorate


def checked_asset(
    *,
    checks: Sequence[TableCheck],
    name: str | None = None,
    ins: Mapping[str, dg.AssetIn] | None = None,
    deps: Sequence[str] = (),
    description: str | None = None,
    **kwargs: Any,
) -> Callable[[Callable[..., Table]], dg.AssetsDefinition]:
    """``lake_asset`` (``kwargs``) whose table is checked by ``checks`` before the lake holds it.

    The function returns the table, a LazyFrame (sunk streaming) or a DataFrame, or
    ``dg.Output(table, metadata=...)`` to add metadata (the asset has an output per check, so
    ``context.add_output_metadata`` would need the output's name). It takes, by name: ``context``
    (optional), resources (annotated with their class), lake tables (a named parameter is the asset
    of that name, scanned lazily) and ``**kwargs`` for ``ins``. The checks are the asset's own
    (``check_specs``); the tables they read become its deps.

    The asset writes the table beside the lake's file, runs every check on what it wrote and
    reports them; if a blocking one failed it removes the file and fails naming the failures (the
    lake's file stays as it was), else the IO manager puts the file in place (``Staged``)."""

    def decorate(fn: Callable[..., Table]) -> dg.AssetsDefinition:
        asset = name or fn.__name__  # ty: ignore[missing-attribute] (a function has one)
        params = inspect.signature(fn).parameters
        resources = {
            p
            for p, v in params.items()
            if isinstance(v.annotation, type) and issubclass(v.annotation, dg.ConfigurableResource)
        }
        tables = {
            p: dg.AssetIn(p, dagster_type=SCANNED)
            for p, v in params.items()
            if p != "context" and p not in resources and v.kind is not inspect.Parameter.VAR_KEYWORD
        }

        @lake_asset(
            name=asset,
            description=description or inspect.getdoc(fn),
            ins={**tables, **(ins or {})},
            deps=[*deps, *(read for check in checks for read in check.reads)],
            check_specs=[check.spec(asset) for check in checks],
            required_resource_keys={"lakehouse", *resources},
            dagster_type=STAGED,
            **kwargs,
        )
        def _asset(context: dg.AssetExecutionContext, **inputs: pl.LazyFrame) -> Iterator[Any]:
            given = {resource: getattr(context.resources, resource) for resource in resources}
            table = fn(**given, **inputs, **({"context": context} if "context" in params else {}))
            output = table if isinstance(table, dg.Output) else dg.Output(table)
            yield from _stage_and_check(context.resources.lakehouse, asset, output, checks, context.log)

        return _asset

    return decorate


def _stage_and_check(
    lakehouse: Lakehouse,
    asset: str,
    output: dg.Output[Any],
    checks: Sequence[TableCheck],
    log: logging.Logger | dg.DagsterLogManager,
) -> Iterator[dg.Output | dg.AssetCheckResult]:
    """Write the ``output``'s table beside the lake's file, run ``checks`` on what was written, and
    either hand the written file to the IO manager (``Staged``) or remove it and fail naming the
    failures."""
    staged = staging_path(lakehouse.table_path(asset))
    table = output.value
    try:
        if isinstance(table, pl.LazyFrame):
            sink_lake(table, str(staged))  # streaming, as the IO manager writes
        else:
            write_lake(table, str(staged))
        written = pl.scan_parquet(str(staged))
        results = [check.run(asset, written, lakehouse.scan) for check in checks]
        failure = refusal(asset, checks, results)
    except BaseException:
        discard(staged)
        raise
    if failure is not None:
        discard(staged)
        yield from results
        log.error(failure.description or "")
        raise failure
    yield dg.Output(Staged(staged), metadata=output.metadata)
    yield from results


def table_asset(
    name: str, *, check: str | None = None, checks: Sequence[TableCheck] = (), **kwargs: Any
) -> Callable[[Callable[..., Table]], dg.AssetsDefinition]:
    """A reshape asset loaded into the database as the table ``name`` (``shared.schemas.output.TABLES``):
    its model gives the column descriptions and its blocking check (``check``: what it asserts), or
    where it has none its key is checked; ``checks``: more checks, ``kwargs``: ``checked_asset``'s."""
    table = {t.name: t for t in TABLES}[name]  # KeyError: not a table of the database
    return checked_asset(
        stage="reshape",
        name=name,
        model=table.model,
        checks=[
            *table_checks(table, description=check or f"The {name} table as the database expects it"),
            *checks,
        ],
        **kwargs,
    )
