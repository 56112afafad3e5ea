"""The harvest asset of a museum's dump of JSON records (``harvest.dump``), one file a record.

A dump has no change feed: each run reads it whole (a URL is downloaded once per asset), and the
metadata says what changed since the last snapshot. As for the API sources, records are checked
against the raw model before anything is written, a record without its key is named by ``label``
and its ``page``, which for a dump is the file's place in it, in path order, an unchanged record
keeps its ``harvested_at``, an id in two files is kept once (``harvest.received``: the copy left
out is listed as ``duplicate_key``), and the snapshot is refused when a record-level rule of the
source's clean function fires on more than its share of the records.
"""

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pandera.polars as pa
import polars as pl

from harvest import raw
from harvest.dump import DumpRecords, read_json_records
from harvest.parts import BATCH_RECORDS, RawTable, harvest_snapshot
from harvest.sources import DumpLocation
from shared.museum import Clean, Museum

_DESCRIPTION = (
    "The {kind} of the {source} dump as received, one file a record, each id once; nested fields kept "
    "nested; plus source, page (the file's place in the dump, in path order), harvested_at and "
    "harvest_issues."
)


def json_dump_asset(
    source: str,
    kind: str,
    shipped: Path,
    schema: pl.Schema,
    model: type[pa.DataFrameModel],
    clean: Clean,
    *,
    label: str,
    key: str,
    number: str | None = None,
    glob: str | None = None,
) -> dg.AssetsDefinition:
    """Asset ``<source>_<kind>_raw``: the records of the files matching ``glob`` (default
    ``<kind>/**/*.json``) in the dump that the resource ``<source>_dump`` (a ``DumpLocation``)
    names, else in ``shipped``; one row per ``id``, in id order, checked against ``model`` and,
    through ``clean``, against the record-level rules (``key``/``number``: the clean records' key
    and accession number columns, which name the records in the issues)."""
    name, resource, glob = f"{source}_{kind}_raw", f"{source}_dump", glob or f"{kind}/**/*.json"
    table = RawTable(name, source, schema, model, clean, record_key=key, number=number, label=label)

    @raw.raw_asset(
        name,
        model,
        kinds=("python", "json", "parquet"),
        required_resource_keys={resource, "lakehouse"},
        description=_DESCRIPTION.format(kind=kind, source=source),
    )
    def _asset(
        context: dg.AssetExecutionContext, config: raw.HarvestConfig
    ) -> Iterator[dg.Output | dg.AssetCheckResult]:
        harvested_at = dt.datetime.now(dt.UTC)
        where: DumpLocation = getattr(context.resources, resource)
        origin = raw.origin_of(where.location)
        with raw.failing_cleanly():
            dump = read_json_records(
                where.location or str(shipped), glob, source=source, http=where.http(source)
            )
        files = list(range(1, len(dump.records) + 1))
        batches = (
            (dump.records[i : i + BATCH_RECORDS], files[i : i + BATCH_RECORDS])
            for i in range(0, len(files), BATCH_RECORDS)
        )
        yield from harvest_snapshot(
            context,
            context.resources.lakehouse,
            table,
            batches,
            config=config,
            origin=origin,
            harvested_at=harvested_at,
            metadata=lambda: _metadata(dump, origin),
        )

    return _asset


def _metadata(dump: DumpRecords, origin: str) -> dict[str, object]:
    """What reading the ``dump`` took and where it came from."""
    return {
        "files": dg.MetadataValue.int(dump.stats.files),
        "archive_bytes": dg.MetadataValue.int(dump.stats.archive_bytes or 0),
        "requests": dg.MetadataValue.int(dump.stats.requests.requests),
        "retries": dg.MetadataValue.int(dump.stats.requests.retries),
        "duration_s": dg.MetadataValue.float(dump.stats.duration_s),
        "origin": dg.MetadataValue.text(origin),
    }


# What a dump says about one of its frames: the records' Polars schema, the raw Pandera model and
# the field that names a record in an error (e.g. the accession number).
DumpFrame = tuple[pl.Schema, type[pa.DataFrameModel], str]


def json_dump_museum(
    museum: Museum, shipped: Path, *, objects: DumpFrame, agents: DumpFrame
) -> list[dg.AssetsDefinition]:
    """The raw assets of a museum whose objects and agents come as one dump of JSON records (its
    frames' kinds name the folders), each checked through the frame's clean function."""
    object_schema, object_model, object_label = objects
    agent_schema, agent_model, agent_label = agents
    return [
        json_dump_asset(
            museum.name,
            museum.objects.kind,
            shipped,
            object_schema,
            object_model,
            museum.objects.clean,
            label=object_label,
            key="object_key",
            number="object_number",
        ),
        json_dump_asset(
            museum.name,
            museum.agents.kind,
            shipped,
            agent_schema,
            agent_model,
            museum.agents.clean,
            label=agent_label,
            key="agent_key",
        ),
    ]
