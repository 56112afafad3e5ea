"""The harvest assets of a museum whose objects and agents come from a paged JSON API
(``harvest.pagination.PageNumbers``), as the scaffolded API museum's do (harvest/scaffold.py).

The API has no change feed to go by: each run reads every page, and the metadata says what changed
since the last snapshot. As for every source, records are checked against the raw model before
anything is written, a record without its key is named by ``label`` and its page, an unchanged
record keeps its ``harvested_at``, an id served twice is kept once (``harvest.received``), and the
snapshot is refused when a record-level rule of the museum's clean function fires on more than its
share of the records. With no base URL the API is the embedded replay of the sample shipped in
the museum's folder (``harvest.replay.PagedReplay``), one JSON file a record as in a dump.
"""

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import httpx
import pandera.polars as pa
import polars as pl

from harvest import raw
from harvest.dump import read_json_records
from harvest.pagination import PageNumbers, PageStream, numbered_pages
from harvest.parts import BATCH_RECORDS, RawTable, harvest_snapshot
from harvest.replay import PagedReplay
from harvest.sources import PagedApi
from shared.museum import Frame, Museum
from shared.resources import Lakehouse

# What a museum says about one list of its API: its paging, the records' Polars schema, the raw
# Pandera model, and the field that names a record in an error (e.g. the accession number).
ApiFrame = tuple[PageNumbers, pl.Schema, type[pa.DataFrameModel], str]


def replay_of(paging: PageNumbers, shipped: Path, kind: str) -> httpx.MockTransport:
    """The API answering ``paging`` over the shipped sample's records of ``kind``
    (``shipped/<kind>/**/*.json``, in path order)."""
    sample = read_json_records(str(shipped), f"{kind}/**/*.json", source=f"{kind} sample")
    return httpx.MockTransport(PagedReplay([(paging, sample.records)]))


def json_api_asset(
    museum: Museum, frame: Frame, api: ApiFrame, shipped: Path, *, key: str
) -> dg.AssetsDefinition:
    """Asset ``<museum>_<kind>_raw``: every record of the list ``api`` names, from the API at the
    resource ``<museum>_api`` (a ``PagedApi``), else from the replay of ``shipped``; one row per
    ``id``, in id order, checked against the raw model and, through the frame's clean function,
    the record-level rules (``key``: the clean records' key column, ``object_key`` or ``agent_key``)."""
    paging, schema, model, label = api
    source, name, resource = museum.name, frame.raw(museum.name), f"{museum.name}_api"
    number = "object_number" if key == "object_key" else None
    table = RawTable(name, source, schema, model, frame.clean, record_key=key, number=number, label=label)

    @raw.raw_asset(
        name,
        model,
        kinds=("python", "json", "parquet"),
        required_resource_keys={resource, "lakehouse"},
        description=(
            f"The {frame.kind} of the {source} API as served, page by page, each id once; nested fields "
            "kept nested; plus source, page, harvested_at and harvest_issues."
        ),
    )
    def _asset(
        context: dg.AssetExecutionContext, config: raw.HarvestConfig
    ) -> Iterator[dg.Output | dg.AssetCheckResult]:
        harvested_at = dt.datetime.now(dt.UTC)
        api: PagedApi = getattr(context.resources, resource)
        lakehouse: Lakehouse = context.resources.lakehouse
        origin = raw.origin_of(api.base_url)
        with raw.failing_cleanly(), api.harvester(source, replay_of(paging, shipped, frame.kind)) as http:
            pages = PageStream(http, numbered_pages(http, paging), key="id")
            yield from harvest_snapshot(
                context,
                lakehouse,
                table,
                pages.batches(BATCH_RECORDS),
                config=config,
                origin=origin,
                harvested_at=harvested_at,
                metadata=lambda: raw.harvest_metadata(pages.stats, origin=origin),
            )

    return _asset


def json_api_museum(
    museum: Museum, shipped: Path, *, objects: ApiFrame, agents: ApiFrame
) -> list[dg.AssetsDefinition]:
    """The raw assets of a museum whose objects and agents are two lists of one paged JSON API,
    replayed offline from ``shipped`` (its frames' kinds name the sample's folders)."""
    return [
        json_api_asset(museum, museum.objects, objects, shipped, key="object_key"),
        json_api_asset(museum, museum.agents, agents, shipped, key="agent_key"),
    ]
