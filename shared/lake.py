"""How the lake's Parquet is written and scanned so that memory stays bounded at any size.

Polars only (no dagster): the IO manager and the benchmark share it, and the benchmark's stage
processes should not pay for importing dagster. Importing it changes nothing: ``bound_memory``
applies the process-wide settings, called where a process starts its work (``read_settings``, the
IO manager's setup, the benchmark's stage processes).
"""

import os
from pathlib import Path

import polars as pl

# What bounds the transform stages' memory, measured on the 1M-object benchmark (docs/performance.md):
# - Row groups of this many rows. The streaming engine decodes a row group at a time, so its
#   size, not the table's, sets the working set (100k-row groups: 2.5 GB; 10k: 0.9 GB peak).
LAKE_ROW_GROUP_ROWS = 10_000
# - Scans decode at most one row group ahead of the slowest consumer. Polars' default prefetches
#   far ahead of a slow transform and holds what it decoded (clean stage at 1M objects: 1.7 GB
#   peak by default, 0.8 GB with 2, 0.6 GB with 1, all at the same wall time). Polars reads the
#   variable per query; a value set by the user wins.
ROW_GROUP_PREFETCH = "1"
# - Every collect (metadata aggregates, checks) runs on the streaming engine too: the in-memory
#   engine loads each column it reads whole (completeness of 1M objects: 1.1 GB peak).


def bound_memory() -> None:
    """Apply the process-wide Polars settings above to this process (idempotent); a value the
    user set in the environment wins."""
    os.environ.setdefault("POLARS_ROW_GROUP_PREFETCH_SIZE", ROW_GROUP_PREFETCH)
    if "POLARS_ENGINE_AFFINITY" not in os.environ:
        pl.Config.set_engine_affinity("streaming")


# - Shared subplans are not cached. With caching on, a plan that reads a table twice (its
#   distinct dates to parse each once, then the wide rows to join them to) makes the engine
#   buffer every wide row until the narrow branch has finished; without it, the table is simply
#   scanned twice, which costs far less than holding it.
_STREAMING = pl.QueryOptFlags(comm_subplan_elim=False)


def sink_lake(lf: pl.LazyFrame, path: str | Path) -> None:
    """Run ``lf`` on the streaming engine into ``path``: zstd, no statistics, bounded row groups."""
    lf.sink_parquet(
        str(path),
        compression="zstd",
        statistics=False,
        row_group_size=LAKE_ROW_GROUP_ROWS,
        engine="streaming",
        optimizations=_STREAMING,
    )


def write_lake(df: pl.DataFrame, path: str | Path) -> None:
    """``df`` into ``path`` in the lake's row groups (harvested snapshots are DataFrames)."""
    df.write_parquet(str(path), compression="zstd", statistics=False, row_group_size=LAKE_ROW_GROUP_ROWS)
