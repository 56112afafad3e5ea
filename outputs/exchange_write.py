"""Writing the Linked Art objects export a slice of objects at a time, so memory stays bounded.

Polars' streaming sinks hold on to much of a text column this wide (about 3.5 kB of JSON per
object) while they write it: measured on polars 1.44, the peak grew with the row count through
``sink_csv``, ``sink_ndjson`` and ``collect_batches`` alike (200k objects: ~0.6 GB). Each slice is
its own query, so a slice, not the collection, sets the peak. The per-object aggregates (each
object's agents and image URLs) are computed once into a scratch Parquet file beside the target;
each slice joins only its own objects' rows of it, and the slices' outputs are appended in order.
Joined whole, the aggregates (1M objects: 1M rows of text) were the join's in-memory side in every
slice: at 1M objects a slice then peaked at 1.0 GB, restricted to its keys at 0.56 GB.
"""

import shutil
from pathlib import Path

import polars as pl

from outputs.json_text import sink_documents
from outputs.linked_art import object_documents, object_links
from shared.lake import sink_lake

# Objects per slice: at 50k a slice's documents peak near 0.35 GB; fewer slices re-read the
# per-object aggregates fewer times.
SLICE_ROWS = 50_000


def write_linked_art_objects(
    objects: Path | str,
    object_agents: pl.LazyFrame,
    agents: pl.LazyFrame,
    images: pl.LazyFrame,
    target: Path,
    *,
    base_url: str,
    slice_rows: int = SLICE_ROWS,
) -> None:
    """Write the HumanMadeObject of every object of the Parquet table ``objects`` to ``target``
    (NDJSON, the objects' order), ``slice_rows`` objects per query."""
    links_path = target.with_name(f".{target.name}.links.parquet")
    part = target.with_name(f".{target.name}.part")
    try:
        sink_lake(object_links(object_agents, agents, images, base_url=base_url), links_path)
        links = pl.scan_parquet(links_path)
        rows = pl.scan_parquet(str(objects)).select(pl.len()).collect().item()
        with target.open("wb") as out:
            for offset in range(0, rows, slice_rows):
                batch = pl.scan_parquet(str(objects)).slice(offset, slice_rows)
                # Only the slice's links: a semi join builds on the slice's keys and streams the
                # links past them, so the left join below builds on a slice's links, not all.
                batch_links = links.join(batch.select("object_key"), on="object_key", how="semi")
                documents = object_documents(batch, batch_links, base_url=base_url)
                sink_documents(documents.select("document"), str(part))
                with part.open("rb") as written:
                    shutil.copyfileobj(written, out)
    finally:
        links_path.unlink(missing_ok=True)
        part.unlink(missing_ok=True)
