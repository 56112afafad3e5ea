"""Asset checks built from Pandera models: one factory for every boundary.

A check reads the asset as written to the lake (lazily) and validates it with data-level checks
(``SCHEMA_AND_DATA``: on a LazyFrame Pandera checks only columns and dtypes by default). Blocking
checks stop everything downstream, so the database and the export keep the last good run's data.
Failure cases go into the check's metadata, so the UI shows which records broke which rule; a
blocking check that fails also says so in the run's error and log (which check, how many failures,
the first cases), where people look first: Dagster's own message names only the check.
"""

from collections.abc import Callable, Iterable
from typing import Any

import dagster as dg
import pandera.polars as pa
import polars as pl
from pandera.config import ValidationDepth, config_context
from pandera.errors import SchemaError, SchemaErrors

from shared.issues import count_by_rule, issue_rows
from shared.metadata import issue_metadata, markdown_table

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


def failure_summary(failure_cases: pl.DataFrame, *, shown: int = 5) -> str:
    """One line for a log or an error: failures per (column, check), then the first cases."""
    by_check = failure_cases.group_by("column", "check").len("failures").sort("failures", descending=True)
    checks = "; ".join(
        f"{r['column']} {r['check']}: {r['failures']}" for r in by_check.head(shown).iter_rows(named=True)
    )
    cases = ", ".join(
        f"{r['column']}={r['failure_case']} (row {r['index']})"
        for r in failure_cases.head(shown).iter_rows(named=True)
    )
    return f"{failure_cases.height} failure(s) ({checks}); first cases: {cases}"


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


# (passed, metadata, summary): the summary says in one line what failed (None when it passed).
Evaluation = tuple[bool, dict[str, Any], str | None]


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
    reports ``evaluate(frame[, targets]) -> (passed, metadata, summary)``. One builder for every
    check. A blocking check that fails logs its summary as an error and fails its step with it, so
    the run's error names the failures, not only the check."""
    ins = {"frame": dg.AssetIn(asset), **({"targets": dg.AssetIn(other)} if other else {})}
    spec = dg.AssetCheckSpec(
        check_name,
        asset=asset,
        blocking=blocking,
        description=description,
        additional_deps=[other] if other else None,
    )
    severity = dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN

    def results(
        context: dg.AssetCheckExecutionContext, passed: bool, metadata: dict[str, Any], summary: str | None
    ) -> Iterable[dg.AssetCheckResult]:
        yield dg.AssetCheckResult(
            asset_key=asset,
            check_name=check_name,
            passed=passed,
            severity=severity,
            metadata=metadata,
            description=summary if not passed else None,
        )
        if not passed and blocking:
            message = f"Blocking check {check_name} on {asset} failed: {summary}"
            context.log.error(message)
            # The data will not change on a retry: fail once.
            raise dg.Failure(description=message, metadata=metadata, allow_retries=False)

    decorate = dg.multi_asset_check(name=f"{asset}__{check_name}", specs=[spec], ins=ins)
    # Inputs are annotated LazyFrame so the IO manager scans them lazily instead of loading them.
    if other:

        @decorate
        def _compare(
            context: dg.AssetCheckExecutionContext, frame: pl.LazyFrame, targets: pl.LazyFrame
        ) -> Iterable[dg.AssetCheckResult]:
            yield from results(context, *evaluate(frame, targets))

        return _compare

    @decorate
    def _check(context: dg.AssetCheckExecutionContext, frame: pl.LazyFrame) -> Iterable[dg.AssetCheckResult]:
        yield from results(context, *evaluate(frame))

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
        if failures is None:
            return True, metadata, None
        metadata.update(failure_metadata(failures))
        return False, metadata, f"{model.__name__}: {failure_summary(failures)}"

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
        examples = dangling[column].head(FAILURE_CASES_SHOWN).to_list()
        return (
            dangling.is_empty(),
            {
                "dangling": dg.MetadataValue.int(dangling.height),
                "dangling_examples": dg.MetadataValue.json(examples),
            },
            f"{dangling.height} {column} value(s) not in {target}.{target_column}, e.g. {examples[:5]}",
        )

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
        examples = bad.head(FAILURE_CASES_SHOWN).rows()
        return (
            bad.is_empty(),
            {
                "bad_keys": dg.MetadataValue.int(bad.height),
                "bad_key_examples": dg.MetadataValue.json(examples),
            },
            f"{bad.height} null or duplicated key(s) ({', '.join(key)}), e.g. {examples[:5]}",
        )

    return _lake_check(
        asset,
        "primary_key_unique",
        description=f"({', '.join(key)}) is non-null and unique",
        blocking=True,
        evaluate=evaluate,
    )


def issues_check(asset: str, *, key: str, number: str | None = None) -> dg.AssetChecksDefinition:
    """A warning check ``record_issues_within_thresholds`` on a clean asset: the records each rule
    handled (``shared.issues``), their share against the rule's threshold, the first issues.
    Not blocking: the harvest already refused a snapshot where a rule fired too often."""

    def evaluate(frame: pl.LazyFrame) -> Evaluation:
        rows = issue_rows(frame, key=key, number=number)
        records = frame.select(pl.len()).collect(engine="streaming").item()
        counts = count_by_rule(rows, records=records).collect(engine="streaming")
        over = counts.filter("blocks")
        summary = "; ".join(
            f"{r['rule']} on {r['records']} records ({r['share']:.1%} > {r['max_share']:.1%})"
            for r in over.iter_rows(named=True)
        )
        return (
            over.is_empty(),
            issue_metadata(counts, rows.head(FAILURE_CASES_SHOWN).collect()),
            summary or None,
        )

    return _lake_check(
        asset,
        "record_issues_within_thresholds",
        description="Each record-level rule fired on no more than its declared share of the records",
        blocking=False,
        evaluate=evaluate,
    )
