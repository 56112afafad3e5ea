"""Asset checks built from Pandera models: one factory for every boundary.

A check reads the asset as written to the lake (lazily) and validates it with data-level checks
(``SCHEMA_AND_DATA``: on a LazyFrame Pandera checks only columns and dtypes by default). Blocking
checks stop everything downstream, so the database and the export keep the last good run's data.
Failure cases go into the check's metadata, so the UI shows which records broke which rule.
"""

from collections.abc import Iterable
from typing import Any

import dagster as dg
import pandera.polars as pa
import polars as pl
from pandera.config import ValidationDepth, config_context
from pandera.errors import SchemaError, SchemaErrors

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
    with pl.Config(
        tbl_formatting="MARKDOWN", tbl_hide_column_data_types=True, tbl_hide_dataframe_shape=True, tbl_rows=-1
    ):
        return {
            "failures": dg.MetadataValue.int(failure_cases.height),
            "failures_by_check": dg.MetadataValue.md(str(by_check)),
            "failure_cases": dg.MetadataValue.md(str(shown)),
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


def model_check(
    asset: str,
    model: type[pa.DataFrameModel],
    *,
    blocking: bool,
    description: str,
) -> dg.AssetChecksDefinition:
    """An asset check ``<model>`` on ``asset``: blocking, or a warning where bad data may pass."""
    severity = dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN
    check_name = f"conforms_to_{model.__name__}"

    @dg.multi_asset_check(
        name=f"{asset}__{check_name}",
        specs=[dg.AssetCheckSpec(check_name, asset=asset, blocking=blocking, description=description)],
        ins={"frame": dg.AssetIn(asset)},
    )
    def _check(frame: pl.LazyFrame) -> Iterable[dg.AssetCheckResult]:
        failures = validate_frame(model, frame)
        metadata: dict[str, Any] = {"model": model.__name__}
        if failures is not None:
            metadata.update(failure_metadata(failures))
        yield dg.AssetCheckResult(
            asset_key=asset,
            check_name=check_name,
            passed=failures is None,
            severity=severity,
            metadata=metadata,
        )

    return _check


def references_check(asset: str, column: str, *, target: str, target_column: str) -> dg.AssetChecksDefinition:
    """A blocking check that every ``asset.column`` value exists in ``target.target_column``."""
    check_name = f"{column}_references_{target}"

    @dg.multi_asset_check(
        name=f"{asset}__{check_name}",
        specs=[
            dg.AssetCheckSpec(
                check_name,
                asset=asset,
                blocking=True,
                additional_deps=[target],
                description=f"Every {column} points at an existing {target}.{target_column}",
            )
        ],
        ins={
            "frame": dg.AssetIn(asset),
            "targets": dg.AssetIn(target),
        },
    )
    def _check(frame: pl.LazyFrame, targets: pl.LazyFrame) -> Iterable[dg.AssetCheckResult]:
        dangling = (
            frame.select(column)
            .drop_nulls()
            .unique()
            .join(targets.select(pl.col(target_column).alias(column)), on=column, how="anti")
            .sort(column)
            .collect()
        )
        yield dg.AssetCheckResult(
            asset_key=asset,
            check_name=check_name,
            passed=dangling.is_empty(),
            metadata={
                "dangling": dg.MetadataValue.int(dangling.height),
                "dangling_examples": dg.MetadataValue.json(
                    dangling[column].head(FAILURE_CASES_SHOWN).to_list()
                ),
            },
        )

    return _check


def key_check(asset: str, key: tuple[str, ...]) -> dg.AssetChecksDefinition:
    """A blocking check that ``key`` is non-null and unique in ``asset`` (its primary key)."""
    check_name = "primary_key_unique"

    @dg.multi_asset_check(
        name=f"{asset}__{check_name}",
        specs=[
            dg.AssetCheckSpec(
                check_name,
                asset=asset,
                blocking=True,
                description=f"({', '.join(key)}) is non-null and unique",
            )
        ],
        ins={"frame": dg.AssetIn(asset)},
    )
    def _check(frame: pl.LazyFrame) -> Iterable[dg.AssetCheckResult]:
        keys = frame.select(key)
        nulls = keys.filter(pl.any_horizontal(pl.col(key).is_null()))
        duplicated = keys.group_by(key).len().filter(pl.col("len") > 1).drop("len")
        bad = pl.concat([nulls, duplicated]).unique().sort(key, nulls_last=True).collect()
        yield dg.AssetCheckResult(
            asset_key=asset,
            check_name=check_name,
            passed=bad.is_empty(),
            metadata={
                "bad_keys": dg.MetadataValue.int(bad.height),
                "bad_key_examples": dg.MetadataValue.json(bad.head(FAILURE_CASES_SHOWN).rows()),
            },
        )

    return _check
