"""Asset checks built from Pandera models and keys: one kind of check (``TableCheck``) for every
boundary, each evaluating a table lazily to ``(passed, metadata, summary)``.

Blocking checks run inside their asset, on the table it has just written beside its lake file, and
the table replaces the lake's file only when every one passed (``shared.stages.checked_asset``): the
lake never holds a table whose blocking check failed, so no later run, whole or partial (the
database alone), can read one. Warning checks, which must not stop anything, run as checks of their
own on the lake's table (``lake_check``).

Model checks validate data too (``SCHEMA_AND_DATA``: on a LazyFrame Pandera checks only columns and
dtypes by default). Failure cases go into the check's metadata, so the UI shows which records broke
which rule; a blocking check that fails also says so in the run's error and log (which check, how
many failures, the first cases), where people look first.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import dagster as dg
import pandera.polars as pa
import polars as pl
from pandera.config import ValidationDepth, config_context
from pandera.errors import SchemaError, SchemaErrors

from shared.issues import count_by_rule, issue_rows
from shared.metadata import issue_metadata, markdown_table
from shared.schemas.output import Table

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
# Scans the lake table of an asset, by name: what a check compares its table against.
Reader = Callable[[str], pl.LazyFrame]


@dataclass(frozen=True)
class TableCheck:
    """A check of one table: ``evaluate(table, read)``, where ``read`` scans the other lake tables
    it needs (``reads``, built before the table's asset). Blocking, or a warning where bad data may
    pass."""

    name: str
    description: str
    evaluate: Callable[[pl.LazyFrame, Reader], Evaluation]
    blocking: bool = True
    reads: tuple[str, ...] = ()

    def spec(self, asset: str) -> dg.AssetCheckSpec:
        return dg.AssetCheckSpec(self.name, asset=asset, blocking=self.blocking, description=self.description)

    def run(self, asset: str, table: pl.LazyFrame, read: Reader) -> dg.AssetCheckResult:
        """The check's result on ``table``, the asset ``asset``'s."""
        passed, metadata, summary = self.evaluate(table, read)
        return dg.AssetCheckResult(
            asset_key=asset,
            check_name=self.name,
            passed=passed,
            severity=dg.AssetCheckSeverity.ERROR if self.blocking else dg.AssetCheckSeverity.WARN,
            metadata=metadata,
            description=summary if not passed else None,
        )


def refusal(
    asset: str, checks: Sequence[TableCheck], results: Sequence[dg.AssetCheckResult]
) -> dg.Failure | None:
    """The failure naming every blocking check of ``checks`` that failed (their ``results``, in the
    same order) and why, or None when all passed. The data will not change on a retry: it fails once."""
    failed = [r for c, r in zip(checks, results, strict=True) if c.blocking and not r.passed]
    if not failed:
        return None
    reasons = "; ".join(f"Blocking check {r.check_name} on {asset} failed: {r.description}" for r in failed)
    return dg.Failure(
        description=f"{reasons}. The lake's {asset} was left as it was.",
        metadata={f"{r.check_name}/{key}": value for r in failed for key, value in r.metadata.items()},
        allow_retries=False,
    )


def lake_check(asset: str, check: TableCheck) -> dg.AssetChecksDefinition:
    """``check`` as a check of its own on the lake's ``asset`` (loaded lazily). Warnings only: a
    blocking check belongs in its asset (``shared.stages.checked_asset``), where it runs before the
    lake holds the table."""
    if check.blocking or check.reads:
        raise ValueError(
            f"{check.name} on {asset}: run blocking checks and checks of several tables in the asset"
        )

    # The input is annotated LazyFrame so the IO manager scans it lazily instead of loading it.
    @dg.multi_asset_check(
        name=f"{asset}__{check.name}", specs=[check.spec(asset)], ins={"frame": dg.AssetIn(asset)}
    )
    def _check(frame: pl.LazyFrame) -> Iterable[dg.AssetCheckResult]:
        yield check.run(asset, frame, _reads_nothing)

    return _check


def _reads_nothing(name: str) -> pl.LazyFrame:
    raise KeyError(f"this check reads no other table ({name})")


def model_check(model: type[pa.DataFrameModel], *, description: str, blocking: bool = True) -> TableCheck:
    """``conforms_to_<model>``: the table validates against ``model``, data checks included."""

    def evaluate(frame: pl.LazyFrame, read: Reader) -> Evaluation:
        failures = validate_frame(model, frame)
        metadata: dict[str, Any] = {"model": model.__name__}
        if failures is None:
            return True, metadata, None
        metadata.update(failure_metadata(failures))
        return False, metadata, f"{model.__name__}: {failure_summary(failures)}"

    return TableCheck(f"conforms_to_{model.__name__}", description, evaluate, blocking=blocking)


def references_check(column: str, *, target: str, target_column: str) -> TableCheck:
    """``<column>_references_<target>``: every ``column`` value exists in the lake's
    ``target.target_column``."""

    def evaluate(frame: pl.LazyFrame, read: Reader) -> Evaluation:
        dangling = (
            frame.select(column)
            .drop_nulls()
            .unique()
            .join(read(target).select(pl.col(target_column).alias(column)), on=column, how="anti")
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

    return TableCheck(
        f"{column}_references_{target}",
        f"Every {column} points at an existing {target}.{target_column}",
        evaluate,
        reads=(target,),
    )


def key_check(key: tuple[str, ...]) -> TableCheck:
    """``primary_key_unique``: ``key`` is non-null and unique in the table."""

    def evaluate(frame: pl.LazyFrame, read: Reader) -> Evaluation:
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

    return TableCheck("primary_key_unique", f"({', '.join(key)}) is non-null and unique", evaluate)


def table_checks(table: Table, *, description: str) -> list[TableCheck]:
    """The blocking check of a database table (``shared.schemas.output.TABLES``): its model
    (``description``: what it asserts), or where it has none its key."""
    if table.model is not None:
        return [model_check(table.model, description=description)]
    return [key_check(table.primary_key)]


def issues_check(*, key: str, number: str | None = None) -> TableCheck:
    """A warning ``record_issues_within_thresholds`` for a clean table: the records each rule
    handled (``shared.issues``), their share against the rule's threshold, the first issues.
    Not blocking: the harvest already refused a snapshot where a rule fired too often."""

    def evaluate(frame: pl.LazyFrame, read: Reader) -> Evaluation:
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

    return TableCheck(
        "record_issues_within_thresholds",
        "Each record-level rule fired on no more than its declared share of the records",
        evaluate,
        blocking=False,
    )
