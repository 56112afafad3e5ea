"""A harvest in bounded memory: records written as Parquet part files a batch of pages at a time,
then put in key order, each key once, without ever holding the whole harvest.

1. ``write_parts``: each batch of pages (``harvest.pagination.PageStream.batches``, or a dump's
   records) is checked (``check_keys`` names the record and its page), read into a frame
   (``records_to_frame``: type drift) and written, sorted by key, as a part file into a staging
   folder beside the lake's file (``staging_folder``: on local disk or object storage, cleared
   before a run and removed after it, so a killed run leaves nothing a fresh one reads). Each row
   keeps its place in the order the records came in (``harvest.received.ROW``).
2. ``settle_parts``: the keys alone (small) say which keys came more than once; those copies alone
   are read to choose the one kept (``harvest.received.choose_copies``, the rule of the module).
   The sorted keys are then cut into runs of ``SORTED_ROWS``; since every part is sorted, a run's
   rows are one contiguous slice of each part, so each run is read from its slices, sorted and
   written once. The runs, scanned in order, are the raw table: each key once, in key order, the
   same table as sorting the whole harvest in memory.

Polars' own sort of a scan holds every row (6.7 GB for 1M Walters records), and merging sorted
scans holds a row group of every input; a run at a time holds one run.
"""

import datetime as dt
import shutil
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import dagster as dg
import pandera.polars as pa
import polars as pl
from upath import UPath

from harvest.raw import (
    SAMPLE_ORIGIN,
    HarvestConfig,
    check_keys,
    checked_raw,
    keep_harvested_at,
    last_snapshot,
    records_to_frame,
    refuse_shrink,
    snapshot_changes,
    staged_raw,
    unexpected_fields,
)
from harvest.received import DUPLICATE_COUNTS, ROW, choose_copies, keep_copies, unreadable_by_field
from shared.issues import issue_rows
from shared.lake import write_lake
from shared.museum import Clean, reads_records_alone
from shared.resources import Lakehouse
from shared.storage import forget_listings, is_local

# Records a part holds (a batch of whole pages, at least this many): building a frame from nested
# Python dicts costs far more than the frame (docs/performance.md), so it is done this many at a time.
BATCH_RECORDS = 2_000
# A part's row groups: a run reads whole row groups of each part it slices, so small ones waste little.
PART_ROW_GROUP_ROWS = 1_000
# Rows of the sorted table written at a time.
SORTED_ROWS = 20_000
# Records whose issues are found at a time, where the clean reads each record alone. Measured on
# 1M Walters objects alone: whole, 685 MB and 4.8 s; slices of 200,000, 437 MB and 5.2 s; of 50,000,
# 442 MB and 8.3 s. Whole, it was the harvest's largest phase (docs/performance.md).
ISSUE_SLICE_RECORDS = 200_000


@dataclass(frozen=True)
class Parts:
    """Part files in the order their records came in, each sorted by key, their row counts, and
    the fields the records carried that the schema does not name (sorted)."""

    files: tuple[str, ...]
    rows: tuple[int, ...]
    new_fields: list[str]

    def scan(self) -> pl.LazyFrame:
        return pl.scan_parquet(list(self.files))


def _remove(folder: UPath) -> None:
    if is_local(folder):
        shutil.rmtree(str(folder), ignore_errors=True)
        return
    forget_listings(folder / "part")
    if folder.exists():
        folder.fs.rm(folder.path, recursive=True)


@contextmanager
def staging_folder(target: UPath) -> Generator[UPath]:
    """An empty folder beside the lake file ``target`` for its parts, removed when the block ends.
    One per table: what a killed run left there is removed before a fresh run writes."""
    folder = target.with_name(f".{target.name}.parts")
    _remove(folder)
    if is_local(folder):
        folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        _remove(folder)


def write_parts(
    asset: str,
    batches: Iterable[tuple[list[dict[str, Any]], list[int]]],
    folder: UPath,
    schema: pl.Schema,
    *,
    key: str,
    kind: type = int,
    label: str | None = None,
    source: str,
    harvested_at: dt.datetime,
    origin: str = SAMPLE_ORIGIN,
) -> Parts:
    """Each batch of (records, pages) checked, read as ``schema`` with provenance and written as
    a part file sorted by ``key`` (see the module). Fails naming the records whose key is missing
    or unreadable (``check_keys``) before their batch is written."""
    files: list[str] = []
    rows: list[int] = []
    fields: set[str] = set()
    for records, pages in batches:
        check_keys(asset, records, pages, key=key, kind=kind, label=label)
        fields.update(unexpected_fields(records, schema))
        frame = records_to_frame(
            records, pages, schema, source=source, harvested_at=harvested_at, origin=origin
        )
        _write_part(folder, frame.with_row_index(ROW, offset=sum(rows)).sort(key, ROW), files, rows)
    if not files:  # nothing served: one empty part, so the table still has its columns
        empty = records_to_frame([], [], schema, source=source, harvested_at=harvested_at, origin=origin)
        _write_part(folder, empty.with_row_index(ROW), files, rows)
    return Parts(tuple(files), tuple(rows), sorted(fields))


def _write_part(folder: UPath, frame: pl.DataFrame, files: list[str], rows: list[int]) -> None:
    path = str(folder / f"part-{len(files) + 1:06d}.parquet")
    frame.write_parquet(path, compression="zstd", statistics=False, row_group_size=PART_ROW_GROUP_ROWS)
    files.append(path)
    rows.append(frame.height)


def settle_parts(
    parts: Parts, folder: UPath, *, key: str, version: str | None = None
) -> tuple[pl.LazyFrame, dict[str, int]]:
    """The parts as one table, each non-null ``key`` once (``harvest.received``'s rule, whatever
    batches the copies came in), in key order; and the counts of ``resolve_duplicates``. Written as
    sorted runs into ``folder`` (see the module) and scanned from there."""
    # Part by part: a scan of every part at once holds far more than the keys.
    keys = pl.concat([pl.read_parquet(file, columns=[key, ROW]) for file in parts.files]).with_row_index(
        "__at"
    )
    repeated = keys.filter(pl.col(key).is_duplicated() & pl.col(key).is_not_null())[key].unique()
    counts = dict.fromkeys(DUPLICATE_COUNTS, 0)
    kept = None
    if not repeated.is_empty():
        wanted = pl.col(key).is_in(repeated.implode())
        copies = pl.concat([pl.scan_parquet(file).filter(wanted).collect() for file in parts.files])
        kept, counts = choose_copies(copies, key=key, version=version)
        keys = keys.filter(~pl.col(key).is_in(repeated.implode()) | pl.col(ROW).is_in(kept[ROW].implode()))
    starts = [0, *accumulate(parts.rows)]
    ordered = keys.sort(key, ROW, nulls_last=True)
    runs = []
    for first in range(0, max(ordered.height, 1), SORTED_ROWS):
        run = ordered.slice(first, SORTED_ROWS)
        runs.append(str(folder / f"sorted-{len(runs) + 1:06d}.parquet"))
        write_lake(_read_run(parts, starts, run, kept, key=key), runs[-1])
    return pl.scan_parquet(runs), counts


def _read_run(
    parts: Parts, starts: list[int], run: pl.DataFrame, kept: pl.DataFrame | None, *, key: str
) -> pl.DataFrame:
    """The rows of ``run`` (keys with their place ``__at`` in the parts), read from each part's
    slice that holds them, the copies left out dropped, in key order."""
    held = (
        run.select("__at", part=pl.Series(starts).search_sorted(run["__at"], side="right") - 1)
        .group_by("part")
        .agg(first=pl.col("__at").min(), last=pl.col("__at").max())
        .sort("part")
    )
    slices = [
        pl.scan_parquet(parts.files[part]).slice(first - starts[part], last - first + 1)
        for part, first, last in held.iter_rows()
    ]
    rows = pl.concat(slices) if slices else parts.scan().head(0)
    if kept is not None:
        return keep_copies(rows, kept, key=key).sort(key).collect()
    return rows.drop(ROW).sort(key).collect()


@dataclass(frozen=True)
class RawTable:
    """What a harvest read whole writes: the raw ``asset`` of ``source``, its records' ``schema``
    and ``key`` (``label``: the field that names a record in an error, e.g. the accession number),
    the raw ``model``, and the museum's ``clean`` function whose record-level rules it must pass
    (``record_key``/``number``: the clean records' key and accession number columns)."""

    asset: str
    source: str
    schema: pl.Schema
    model: type[pa.DataFrameModel]
    clean: Clean
    record_key: str
    number: str | None = None
    key: str = "id"
    label: str | None = None


def harvest_snapshot(
    context: dg.AssetExecutionContext,
    lakehouse: Lakehouse,
    table: RawTable,
    batches: Iterable[tuple[list[dict[str, Any]], list[int]]],
    *,
    config: HarvestConfig,
    origin: str,
    harvested_at: dt.datetime,
    metadata: Callable[[], Mapping[str, object]],
) -> Iterator[dg.Output | dg.AssetCheckResult]:
    """The ``batches`` of (records, pages) as ``table``'s new snapshot: written as parts, settled
    (each key once, in key order), refused if it shrank, given the last snapshot's
    ``harvested_at`` where a record is unchanged, and checked (``checked_snapshot``). ``metadata``:
    the harvest's own (read once the batches are drained), before the snapshot's."""
    asset, key = table.asset, table.key
    with staging_folder(lakehouse.table_path(asset)) as folder:
        parts = write_parts(
            asset,
            batches,
            folder,
            table.schema,
            key=key,
            label=table.label,
            source=table.source,
            harvested_at=harvested_at,
            origin=origin,
        )
        received, duplicates = settle_parts(parts, folder, key=key)
        previous = last_snapshot(context, lakehouse, asset, origin=origin)
        records = received.select(pl.len()).collect().item()
        refuse_shrink(asset, previous, records, config)
        yield from checked_snapshot(
            lakehouse,
            table,
            keep_harvested_at(previous, received, key=key),
            previous,
            harvested_at=harvested_at,
            new_fields=parts.new_fields,
            metadata={
                **metadata(),
                "records": dg.MetadataValue.int(records),
                **duplicates,
                **unreadable_by_field(received),
            },
        )


def checked_snapshot(
    lakehouse: Lakehouse,
    table: RawTable,
    snapshot: pl.LazyFrame,
    previous: pl.LazyFrame | None,
    *,
    harvested_at: dt.datetime,
    new_fields: list[str],
    metadata: Mapping[str, object],
) -> Iterator[dg.Output | dg.AssetCheckResult]:
    """``snapshot`` as ``table``'s next one: written beside the lake's file and checked there
    (``checked_raw``) against the raw model and, through the clean function, the record-level
    rules; its metadata ``metadata`` and what changed since ``previous``. Every harvest ends here."""
    with staged_raw(lakehouse, table.asset, snapshot) as staged:
        frame = pl.scan_parquet(str(staged))
        yield from checked_raw(
            table.asset,
            staged,
            table.model,
            key=table.key,
            new_fields=new_fields,
            metadata={**metadata, **snapshot_changes(previous, frame, key=table.key)},
            record_issues=record_issues(
                table.clean, frame, key=table.record_key, number=table.number, latest_year=harvested_at.year
            ),
        )


def record_issues(
    clean: Clean,
    frame: pl.LazyFrame,
    *,
    key: str,
    number: str | None,
    latest_year: int,
    slice_records: int = ISSUE_SLICE_RECORDS,
) -> pl.LazyFrame:
    """The record issues (``shared.issues.issue_rows``, ``key``/``number`` the clean records' key
    and accession number) that ``clean`` finds in the raw ``frame``; for a clean that reads each
    record alone (``shared.museum.record_by_record``), found ``slice_records`` records at a time,
    one slice after another, which gives the same rows."""

    def found(records: pl.LazyFrame) -> pl.LazyFrame:
        return issue_rows(clean(records, latest_year=latest_year), key=key, number=number)

    if not reads_records_alone(clean):
        return found(frame)

    def slice_by_slice() -> pl.DataFrame:
        total = frame.select(pl.len()).collect().item()
        # Collected one slice after another: as one lazy query (a concat of the slices), every
        # slice's intermediate results stayed until the end, 1.5 GB for 1M Walters objects.
        found_in = [
            found(frame.slice(start, slice_records)).collect() for start in range(0, total, slice_records)
        ]
        return pl.concat(found_in) if found_in else found(frame).collect()

    return pl.defer(slice_by_slice, schema=lambda: found(frame).collect_schema())
