"""Writing the Linked Art objects export a slice of objects at a time, so memory stays bounded.

Polars' streaming sinks hold on to much of a text column this wide (about 3.5 kB of JSON per
object) while they write it: measured on polars 1.44, the peak grew with the row count through
``sink_csv``, ``sink_ndjson`` and ``collect_batches`` alike (200k objects: ~0.6 GB). Each slice is
its own query, so a slice, not the collection, sets the peak. Each slice computes its own objects'
aggregates (agents and image URLs: ``object_links`` with the slice's keys), so neither the join
nor the aggregation holds the collection's; the slices' outputs are appended in order. Measured at
1M objects (2 shared cores): the aggregates computed once for all objects peaked at 0.87 GB and,
joined whole, were the in-memory side of every slice's join (a slice: 1.0 GB); per slice, the
writer peaks at 0.53 GB in 41 s (before: 1.19 GB in 61 s).
"""

from collections.abc import Mapping
from functools import partial
from pathlib import Path

import polars as pl

from outputs.json_text import sink_documents, write_in_parts
from outputs.linked_art import object_documents, object_links

# Objects per slice: at 50k a slice peaks near 0.5 GB; each slice scans the object_agents and
# images tables again, so fewer slices cost less time.
SLICE_ROWS = 50_000


def write_linked_art_objects(
    objects: Path | str,
    object_agents: pl.LazyFrame,
    agents: pl.LazyFrame,
    images: pl.LazyFrame,
    target: Path,
    *,
    base_url: str,
    titles: Mapping[str, str],
    slice_rows: int = SLICE_ROWS,
) -> None:
    """Write the HumanMadeObject of every object of the Parquet table ``objects`` to ``target``
    (NDJSON, the objects' order), ``slice_rows`` objects per query; ``titles``: the museums' names
    by source."""
    rows = pl.scan_parquet(str(objects)).select(pl.len()).collect().item()

    def write_slice(offset: int, part: Path) -> None:
        batch = pl.scan_parquet(str(objects)).slice(offset, slice_rows)
        links = object_links(
            object_agents, agents, images, base_url=base_url, object_keys=batch.select("object_key")
        )
        documents = object_documents(batch, links, base_url=base_url, titles=titles)
        sink_documents(documents.select("document"), str(part))

    write_in_parts(target, (partial(write_slice, offset) for offset in range(0, rows, slice_rows)))
