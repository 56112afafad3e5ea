"""Raw records to a frame for the lake, and the harvest boundary's checks, shared by every source.

Raw means as received: the sources' field names, values and nesting, parsed with an explicit
schema (``harvest.schemas``), plus the provenance columns ``source``, ``page``, ``harvested_at`` and
``harvest_issues`` (values of another type read, unreadable ones nulled, copies of a repeated key
dropped: ``harvest.received``).
The table is written beside the lake's file (``staged_raw``) and checked there: a record that breaks
the boundary's Pandera model fails the asset before the lake's file is replaced, so the previous raw
snapshot stays in the lake and nothing downstream runs. So does a snapshot on which
a record-level rule of the clean stage (``shared.issues``) fires on more than its declared share
of the records: the source has changed, and the last good snapshot, database and exports stay.

``harvested_at`` is when the harvest first received a record in its current form: a record whose
content is unchanged since the previous snapshot keeps its previous ``harvested_at``, so a re-run
over unchanged data writes the same tables.
"""

import datetime as dt
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import dagster as dg
import pandera.polars as pa
import polars as pl
from upath import UPath

from harvest.http import HarvestError
from harvest.pagination import HarvestStats
from harvest.received import read_records, reads_as
from harvest.schemas import PROVENANCE_SCHEMA
from shared.checks import failure_metadata, validate_frame
from shared.io_manager import STAGED, Staged
from shared.issues import RECEIVED_ISSUES, count_by_rule
from shared.lake import sink_lake
from shared.metadata import issue_metadata
from shared.redaction import public_url
from shared.resources import Lakehouse
from shared.stages import lake_asset
from shared.storage import discard, staging_path

# How many records of each blocking rule a failure names.
EXAMPLES_SHOWN = 5
# The ``origin`` of records harvested from the data shipped in the repository.
SAMPLE_ORIGIN = "shipped sample"
# A harvest holding fewer than this share of the last good snapshot's records is refused: a
# source that suddenly serves much less is broken (a failing query, a truncated dump), not
# smaller. A deliberate drop is accepted for one run with ``accept_shrink`` (HarvestConfig).
MIN_RETAINED_SHARE = 0.9


class HarvestConfig(dg.Config):
    """Run config of every harvest asset."""

    accept_shrink: bool = False  # accept a harvest smaller than MIN_RETAINED_SHARE of the last one
    min_retained_share: float = MIN_RETAINED_SHARE


CONFORMS = "conforms_to_raw_model"
NO_NEW_FIELDS = "no_unexpected_fields"


def raw_check_specs(asset: str) -> list[dg.AssetCheckSpec]:
    """The checks every harvest asset reports: the model (blocking) and unknown fields (warning)."""
    return [
        dg.AssetCheckSpec(
            CONFORMS, asset=asset, blocking=True, description="Required fields present and typed"
        ),
        dg.AssetCheckSpec(
            NO_NEW_FIELDS, asset=asset, description="The source sent no fields the raw schema does not know"
        ),
    ]


def raw_asset(
    name: str, model: type[pa.DataFrameModel], *, kinds: Sequence[str] = ("python", "parquet"), **kwargs: Any
) -> Callable[[Callable[..., Any]], dg.AssetsDefinition]:
    """A harvest asset ``name``: ``lake_asset`` in the harvest stage with the checks every harvest
    reports (``raw_check_specs``), its table written beside the lake's file and put in place by the
    IO manager (``STAGED``: ``staged_raw``, ``checked_raw``); ``kwargs`` as ``dg.asset``'s."""
    return lake_asset(
        stage="harvest",
        kinds=kinds,
        model=model,
        name=name,
        check_specs=raw_check_specs(name),
        dagster_type=STAGED,
        **kwargs,
    )


def records_to_frame(
    records: Sequence[dict[str, Any]],
    pages: Sequence[int],
    schema: pl.Schema,
    *,
    source: str,
    harvested_at: dt.datetime,
    origin: str = SAMPLE_ORIGIN,
) -> pl.DataFrame:
    """Records as a frame of ``schema`` plus provenance. A value sent in another representation of
    its field's type is read as that value; one that cannot be read is nulled and listed in the
    record's ``harvest_issues`` (``harvest.received.read_records``), for the rules to count."""
    frame = read_records(records, schema)
    return frame.select(
        pl.exclude(RECEIVED_ISSUES),
        source=pl.lit(source, PROVENANCE_SCHEMA["source"]),
        page=pl.Series(pages, dtype=PROVENANCE_SCHEMA["page"]),
        harvested_at=pl.lit(harvested_at, PROVENANCE_SCHEMA["harvested_at"]),
        origin=pl.lit(origin, PROVENANCE_SCHEMA["origin"]),
        **{RECEIVED_ISSUES: pl.col(RECEIVED_ISSUES)},
    )


def check_keys(
    asset: str,
    records: Sequence[dict[str, Any]],
    pages: Sequence[int],
    *,
    key: str,
    kind: type = int,
    label: str | None = None,
) -> None:
    """Fail naming the records whose ``key`` is missing or cannot be read as a ``kind``, before
    any frame is built. A key sent as text that reads as a ``kind`` (an int as "12") is fine: the
    frame reads it (``harvest.received``).

    Parsing makes a value of the wrong type null, and a record without its key cannot be named by
    it afterwards; here it is named by the value it came with, its page and ``label`` (e.g. the
    accession number)."""
    bad = [
        (record, page)
        for record, page in zip(records, pages, strict=True)
        if not reads_as(record.get(key), kind)
    ]
    if not bad:
        return
    named = [
        f"{key}={record.get(key)!r} (page {page}"
        + (f", {label}={record.get(label)!r}" if label else "")
        + ")"
        for record, page in bad[:10]
    ]
    raise dg.Failure(
        description=(
            f"{asset}: {len(bad)} record(s) whose {key} is missing or not {kind.__name__}: "
            f"{'; '.join(named)}. Nothing was written: the previous raw snapshot stays in place."
        ),
        metadata={"bad_records": dg.MetadataValue.int(len(bad))},
        allow_retries=False,  # the same records come back on a retry
    )


@contextmanager
def failing_cleanly() -> Generator[None]:
    """Turn a harvest that could not complete into a Dagster failure whose message names the
    source, the URL (secrets shown as ***), the attempts and the last status; nothing is written.
    The step's retry policy runs it again only when the failure was transient (no response, 408,
    429, 5xx, a broken body): a 401, 403 or 404 says the same on every try."""
    try:
        yield
    except HarvestError as error:
        metadata: dict[str, Any] = {}
        for name in ("source", "url", "attempts", "status", "reason"):
            value = getattr(error, name, None)
            if value is not None:
                metadata[name] = value
        raise dg.Failure(
            description=f"{error}. Nothing was written: the previous raw snapshot stays in place.",
            metadata=metadata,
            allow_retries=error.transient,
        ) from None


def unexpected_fields(records: Sequence[dict[str, Any]], schema: pl.Schema) -> list[str]:
    """Fields the records carry that ``schema`` does not name: the source has changed."""
    seen: set[str] = set()
    for record in records:
        seen.update(record)
    return sorted(seen - set(schema.names()))


@contextmanager
def staged_raw(lakehouse: Lakehouse, asset: str, frame: pl.LazyFrame) -> Generator[UPath]:
    """``frame`` written (streaming) beside the asset's lake file, for the checks to read and the
    IO manager to put in place (``checked_raw``); removed if the block fails, so the lake's file
    stays as it was."""
    staged = staging_path(lakehouse.table_path(asset))
    try:
        sink_lake(frame, str(staged))
        yield staged
    except BaseException:
        discard(staged)
        raise


def checked_raw(
    asset: str,
    staged: UPath,
    model: type[pa.DataFrameModel],
    *,
    key: str,
    new_fields: list[str],
    metadata: Mapping[str, Any],
    record_issues: pl.LazyFrame | None = None,
) -> Iterator[dg.Output | dg.AssetCheckResult]:
    """Yield the table written at ``staged`` (``staged_raw``) for the IO manager to put in place,
    and its check results, or fail naming the bad records.

    ``record_issues`` (rows of ``shared.issues.issue_rows``, computed lazily from the table by
    the source's clean function) is read only once the table is valid; a rule firing on more than
    its share of the records fails the asset too (``refuse_changed_source``)."""
    frame = pl.scan_parquet(str(staged))
    failures = validate_frame(model, frame)
    if failures is not None:
        rows = failures["index"].drop_nulls().unique().sort().head(10).to_list()
        keys = frame.select(pl.col(key).gather(rows)).collect()[key].to_list() if rows else []
        problems = (
            failures.select(pl.concat_str("column", pl.lit(": "), "check"))
            .unique()
            .to_series()
            .sort()
            .to_list()
        )
        raise dg.Failure(
            description=(
                f"{asset}: {failures.height} violation(s) of {model.__name__} "
                f"({'; '.join(problems[:10])}) in records with {key} {keys}. "
                "Nothing was written: the previous raw snapshot stays in place."
            ),
            metadata=failure_metadata(failures),
            allow_retries=False,  # the same records come back on a retry
        )
    if record_issues is not None:
        records = frame.select(pl.len()).collect().item()
        metadata = {**metadata, **refuse_changed_source(asset, record_issues, records=records)}
    yield dg.Output(Staged(staged), metadata=metadata)
    yield dg.AssetCheckResult(
        asset_key=asset, check_name=CONFORMS, passed=True, metadata={"model": model.__name__}
    )
    yield dg.AssetCheckResult(
        asset_key=asset,
        check_name=NO_NEW_FIELDS,
        passed=not new_fields,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"unexpected_fields": dg.MetadataValue.json(new_fields)},
        description=f"New fields from the source: {', '.join(new_fields)}" if new_fields else None,
    )


def refuse_changed_source(asset: str, record_issues: pl.LazyFrame, *, records: int) -> dict[str, Any]:
    """Metadata counting the records each rule handled; fails, before anything is written, when a
    rule fired on more than its declared share of the ``records`` (the source has changed), naming
    the rule, the count, the share against the threshold and the first records."""
    rows = record_issues.collect()  # the clean runs once; its issues are few
    counts = count_by_rule(rows.lazy(), records=records).collect()
    metadata = issue_metadata(counts, rows.head(EXAMPLES_SHOWN))
    over = counts.filter("blocks")
    if over.is_empty():
        return metadata
    reasons = []
    for row in over.iter_rows(named=True):
        first = rows.filter(pl.col("rule") == row["rule"]).head(EXAMPLES_SHOWN)
        named = "; ".join(
            f"{r['record_key']} ({r['object_number'] or 'no accession number'}) {r['field']}={r['raw_value']!r}"
            for r in first.iter_rows(named=True)
        )
        reasons.append(
            f"rule {row['rule']} fired on {row['records']} of {records} records "
            f"({row['share']:.1%}, threshold {row['max_share']:.1%}); first: {named}"
        )
    raise dg.Failure(
        description=(
            f"{asset}: the source looks changed: {' | '.join(reasons)}. "
            "Nothing was written: the previous raw snapshot stays in place."
        ),
        metadata=metadata,
        allow_retries=False,  # the source will say the same on a retry
    )


def origin_of(location: str | None) -> str:
    """Where records came from, as snapshots, metadata and run tags say it: the location without
    credentials or query (``shared.redaction.public_url``), or the shipped sample."""
    return public_url(location) if location else SAMPLE_ORIGIN


def last_snapshot(
    context: dg.AssetExecutionContext, lakehouse: Lakehouse, asset: str, *, origin: str
) -> pl.LazyFrame | None:
    """The asset's last good snapshot, if it was harvested from ``origin``: a snapshot of another
    origin (the shipped sample before a deployment went live, another server) is not this
    source's past, so its records are neither kept, compared nor merged (None, logged)."""
    snapshot = lakehouse.snapshot(asset)
    if snapshot is None:
        return None
    names = snapshot.collect_schema().names()
    before = snapshot.select(pl.col("origin").first()).collect().item() if "origin" in names else None
    if before == origin:
        return snapshot
    context.log.info(
        f"{asset}: the last snapshot came from {before or 'an unrecorded origin'}, this harvest "
        f"from {origin}: harvested as a first harvest"
    )
    return None


def refuse_shrink(asset: str, previous: pl.LazyFrame | None, records: int, config: HarvestConfig) -> None:
    """Fail, before anything is written, when the harvest holds fewer than the configured share
    of the last good snapshot's records, naming both counts and the run config that accepts it."""
    if previous is None or config.accept_shrink:
        return
    before = previous.select(pl.len()).collect().item()
    if records >= config.min_retained_share * before:
        return
    raise dg.Failure(
        description=(
            f"{asset}: the source served {records:,} records, {records / max(before, 1):.0%} of the "
            f"{before:,} in the last good snapshot (at least {config.min_retained_share:.0%} "
            "expected): the source looks broken, not smaller. Nothing was written: the previous "
            "raw snapshot, the database and the exports stay. If the drop is deliberate, launch "
            f"once with the run config `ops: {{{asset}: {{config: {{accept_shrink: true}}}}}}`."
        ),
        metadata={"records": dg.MetadataValue.int(records), "last_snapshot": dg.MetadataValue.int(before)},
        allow_retries=False,  # the source will serve the same on a retry
    )


def _content_columns(previous: pl.LazyFrame, current: pl.LazyFrame) -> list[str]:
    """The fields both snapshots have, provenance left out: a field the source adds is not a change
    to every record."""
    shared = set(previous.collect_schema().names())
    return [c for c in current.collect_schema().names() if c not in PROVENANCE_SCHEMA and c in shared]


def _fingerprints(frame: pl.LazyFrame, *, key: str, content: list[str]) -> pl.LazyFrame:
    return frame.select(key, fingerprint=pl.struct(content).hash(seed=0))


def keep_harvested_at(previous: pl.LazyFrame | None, current: pl.LazyFrame, *, key: str) -> pl.LazyFrame:
    """``current`` with the previous snapshot's ``harvested_at`` on every record whose content is
    unchanged: harvested_at is when the harvest first received the record in its current form.
    Lazy: only the previous snapshot's keys, fingerprints and times are held."""
    if previous is None:
        return current
    content = _content_columns(previous, current)
    fingerprint = pl.struct(content).hash(seed=0)
    before = previous.select(
        key, __fingerprint_before=fingerprint, __harvested_at_before=pl.col("harvested_at")
    ).collect()
    unchanged = pl.col("__fingerprint_before") == fingerprint
    return (
        current.join(before.lazy(), on=key, how="left", maintain_order="left")
        .with_columns(
            harvested_at=pl.when(unchanged.fill_null(False))
            .then(pl.col("__harvested_at_before"))
            .otherwise(pl.col("harvested_at"))
        )
        .drop("__fingerprint_before", "__harvested_at_before")
    )


def snapshot_changes(previous: pl.LazyFrame | None, current: pl.LazyFrame, *, key: str) -> dict[str, object]:
    """New, changed and gone keys against the previous raw snapshot (provenance columns ignored)."""
    if previous is None:
        records = current.select(pl.len()).collect().item()
        return {"changes/new": dg.MetadataValue.int(records), "changes/first_harvest": True}
    content = _content_columns(previous, current)
    before = _fingerprints(previous, key=key, content=content).collect()
    now = _fingerprints(current, key=key, content=content).collect()
    joined = now.join(before, on=key, how="full", suffix="_before", coalesce=True)
    new = joined.filter(pl.col("fingerprint_before").is_null())[key]
    gone = joined.filter(pl.col("fingerprint").is_null())[key]
    changed = joined.filter(pl.col("fingerprint") != pl.col("fingerprint_before"))[key]
    return {
        "changes/new": dg.MetadataValue.int(new.len()),
        "changes/changed": dg.MetadataValue.int(changed.len()),
        "changes/gone": dg.MetadataValue.int(gone.len()),
        "changes/examples": dg.MetadataValue.json(
            {
                "new": new.sort().head(10).to_list(),
                "changed": changed.sort().head(10).to_list(),
                "gone": gone.sort().head(10).to_list(),
            }
        ),
    }


def harvest_metadata(stats: HarvestStats, *, origin: str) -> dict[str, object]:
    """What a harvest took: records, pages, requests, retries, duplicates dropped, speed."""
    return {
        "records": dg.MetadataValue.int(stats.records),
        "pages": dg.MetadataValue.int(stats.pages),
        "requests": dg.MetadataValue.int(stats.requests),
        "retries": dg.MetadataValue.int(stats.retries),
        "duplicates_dropped": dg.MetadataValue.int(stats.duplicates_dropped),
        "duration_s": dg.MetadataValue.float(stats.duration_s),
        "requests_per_s": dg.MetadataValue.float(stats.requests_per_s),
        "statuses": dg.MetadataValue.json(dict(stats.statuses)),
        "origin": dg.MetadataValue.text(origin),
    }
