"""Asset checks built from Pandera models: one factory for every boundary.

A check reads the asset as written to the lake (lazily) and validates it with data-level checks
(``SCHEMA_AND_DATA``: on a LazyFrame Pandera checks only columns and dtypes by default). Blocking
checks stop everything downstream, so the database and the export keep the last good run's data.
Failure cases go into the check's metadata, so the UI shows which records broke which rule.
"""

from collections.abc import Callable, Iterable
from typing import Any

import dagster as dg
import pandera.polars as pa
import polars as pl
from pandera.config import ValidationDepth, config_context
from pandera.errors import SchemaError, SchemaErrors

from shared.metadata import markdown_table

FAILURE_CASES_SHOWN = 20


def failure_metadata(failure_cases: pl.DataFrame) -> dict[str, Any]:
    by_check = (
        failure_cases.group_by("column", "check")
        .len("failures")
        .sort("failures", "column", "check", descending=[True, False, False])
    )
    shown = failure_cases.head(FAILURE_CASES_SHOWN).select(
        pl.col("column", "check").cast(pl.String),
        pl.col("failure_case").cast(pl.String),
        pl.col("index").cast(pl.String),
    )
    return {
        "failures": dg.MetadataValue.int(failure_cases.height),
        "failures_by_check": dg.MetadataValue.md(markdown_table(by_check)),
        "failure_cases": dg.MetadataValue.md(markdown_table(shown)),
    }


def validate_frame(model: type[pa.DataFrameModel], frame: pl.LazyFrame | pl.DataFrame) -> pl.DataFrame | None:
    """Failure cases of ``frame`` against ``model`` (all at once), or None when it is valid."""
    with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        try:
            model.validate(frame, lazy=True)
        except SchemaErrors as errors:
            return pl.DataFrame(errors.failure_cases)
        except SchemaError as error:  # raised without lazy collection for some frame-level errors
            return pl.DataFrame(
                {
                    "failure_case": [str(error)],
                    "column": [None],
                    "check": [str(error.check)],
                    "index": [None],
                },
                schema={
                    "failure_case": pl.String,
                    "column": pl.String,
                    "check": pl.String,
                    "index": pl.Int64,
                },
            )
    return None


Evaluation = tuple[bool, dict[str, Any]]


def _lake_check(
    asset: str,
    check_name: str,
    *,
    description: str,
    blocking: bool,
    evaluate: Callable[..., Evaluation],
    other: str | None = None,
) -> dg.AssetChecksDefinition:
    """An asset check that loads ``asset`` (and ``other``, if named) lazily from the lake and
    reports ``evaluate(frame[, targets]) -> (passed, metadata)``. One builder for every check."""
    ins = {"frame": dg.AssetIn(asset), **({"targets": dg.AssetIn(other)} if other else {})}
    spec = dg.AssetCheckSpec(
        check_name,
        asset=asset,
        blocking=blocking,
        description=description,
        additional_deps=[other] if other else None,
    )
    severity = dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN

    def result(passed: bool, metadata: dict[str, Any]) -> dg.AssetCheckResult:
        return dg.AssetCheckResult(
            asset_key=asset, check_name=check_name, passed=passed, severity=severity, metadata=metadata
        )

    decorate = dg.multi_asset_check(name=f"{asset}__{check_name}", specs=[spec], ins=ins)
    # Inputs are annotated LazyFrame so the IO manager scans them lazily instead of loading them.
    if other:

        @decorate
        def _compare(frame: pl.LazyFrame, targets: pl.LazyFrame) -> Iterable[dg.AssetCheckResult]:
            yield result(*evaluate(frame, targets))

        return _compare

    @decorate
    def _check(frame: pl.LazyFrame) -> Iterable[dg.AssetCheckResult]:
        yield result(*evaluate(frame))

    return _check


def model_check(
    asset: str,
    model: type[pa.DataFrameModel],
    *,
    blocking: bool,
    description: str,
) -> dg.AssetChecksDefinition:
    """An asset check ``conforms_to_<model>`` on ``asset``: blocking, or a warning where bad data may pass."""

    def evaluate(frame: pl.LazyFrame) -> Evaluation:
        failures = validate_frame(model, frame)
        metadata: dict[str, Any] = {"model": model.__name__}
        if failures is not None:
            metadata.update(failure_metadata(failures))
        return failures is None, metadata

    return _lake_check(
        asset, f"conforms_to_{model.__name__}", description=description, blocking=blocking, evaluate=evaluate
    )


def references_check(asset: str, column: str, *, target: str, target_column: str) -> dg.AssetChecksDefinition:
    """A blocking check that every ``asset.column`` value exists in ``target.target_column``."""

    def evaluate(frame: pl.LazyFrame, targets: pl.LazyFrame) -> Evaluation:
        dangling = (
            frame.select(column)
            .drop_nulls()
            .unique()
            .join(targets.select(pl.col(target_column).alias(column)), on=column, how="anti")
            .sort(column)
            .collect()
        )
        return dangling.is_empty(), {
            "dangling": dg.MetadataValue.int(dangling.height),
            "dangling_examples": dg.MetadataValue.json(dangling[column].head(FAILURE_CASES_SHOWN).to_list()),
        }

    return _lake_check(
        asset,
        f"{column}_references_{target}",
        description=f"Every {column} points at an existing {target}.{target_column}",
        blocking=True,
        evaluate=evaluate,
        other=target,
    )


def key_check(asset: str, key: tuple[str, ...]) -> dg.AssetChecksDefinition:
    """A blocking check that ``key`` is non-null and unique in ``asset`` (its primary key)."""

    def evaluate(frame: pl.LazyFrame) -> Evaluation:
        keys = frame.select(key)
        nulls = keys.filter(pl.any_horizontal(pl.col(key).is_null()))
        duplicated = keys.group_by(key).len().filter(pl.col("len") > 1).drop("len")
        bad = pl.concat([nulls, duplicated]).unique().sort(key, nulls_last=True).collect()
        return bad.is_empty(), {
            "bad_keys": dg.MetadataValue.int(bad.height),
            "bad_key_examples": dg.MetadataValue.json(bad.head(FAILURE_CASES_SHOWN).rows()),
        }

    return _lake_check(
        asset,
        "primary_key_unique",
        description=f"({', '.join(key)}) is non-null and unique",
        blocking=True,
        evaluate=evaluate,
    )
