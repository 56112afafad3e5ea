"""The lake's IO manager: dagster-polars' Parquet IO manager, made safe, bounded and informative.

Changes to ``PolarsParquetIOManager``:
- Loads call ``pl.scan_parquet`` without ``rechunk``/``retries``, which polars 2.x removed; with
  this override the manager loads on polars 1.x and 2.x alike.
- Writes go to a temporary file that replaces the old one only when complete, so a failed or
  interrupted write never leaves a half-written Parquet file where the last good one was. On
  object storage (``base_dir`` a URL, ``shared.storage``) Polars writes the object directly: an
  upload is visible only once complete, so it is atomic as it is.
- A base_dir on object storage is checked at setup: a wrong URL, endpoint or key fails the step
  before its work, naming the URL.
- A table its asset has already written and checked (``Staged``: ``shared.stages.checked_asset``)
  is not written again but put in place in one step (``shared.storage.promote``), so the lake
  never holds a table whose blocking check failed.
- Writes and scans keep memory bounded whatever the table's size (``shared.lake``).
- Inputs on object storage are scanned from a whole copy per process (``shared.storage.readable``).
- LazyFrame outputs get the row count (from the Parquet footer, not by re-running the plan) and a
  deterministic head preview, the same metadata as every other asset (``shared.metadata``).
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dagster as dg
import polars as pl
from dagster_polars import PolarsParquetIOManager
from upath import UPath

from shared.lake import bound_memory, sink_lake, write_lake
from shared.metadata import table_metadata
from shared.storage import check_writable, is_local, promote, readable


@dataclass(frozen=True)
class Staged:
    """A table written beside its lake file (``shared.storage.staging_path``) and checked there:
    an asset's output that the IO manager promotes instead of writing."""

    path: UPath


# The output type of an asset that yields ``Staged``; its readers scan the lake file as usual.
STAGED = dg.PythonObjectDagsterType(Staged, name="StagedLakeTable")
# The type of an input the IO manager scans lazily, for assets that take their inputs as ``**kwargs``.
SCANNED = dg.PythonObjectDagsterType(pl.LazyFrame, name="ScannedLakeTable")


def _atomically(path: UPath, write: Callable[[UPath], object]) -> None:
    """``write`` a temporary sibling of ``path``, then put it in place in one rename (on object
    storage ``write`` the object itself: an upload is all or nothing)."""
    if not is_local(path):
        write(path)
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(str(tmp), str(path))
    finally:
        tmp.unlink(missing_ok=True)


class LakeIOManager(PolarsParquetIOManager):
    """Parquet lake under ``base_dir``: one ``<asset>.parquet`` per asset, replaced atomically."""

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        super().setup_for_execution(context)
        bound_memory()
        check_writable(self._base_path)

    def make_directory(self, path: UPath) -> None:
        # Object storage has no folders; making one there could create a missing bucket.
        if is_local(path):
            super().make_directory(path)

    def scan_df_from_path(
        self, path: UPath, context: dg.InputContext, partition_key: str | None = None
    ) -> pl.LazyFrame:
        return pl.scan_parquet(readable(path))

    def dump_to_path(self, context: dg.OutputContext, obj: Any, path: UPath) -> None:
        if isinstance(obj, Staged):
            promote(obj.path, path)
        else:
            super().dump_to_path(context, obj, path)

    def sink_df_to_path(self, context: dg.OutputContext, df: pl.LazyFrame, path: UPath) -> None:
        _atomically(path, lambda tmp: sink_lake(df, str(tmp)))

    def write_df_to_path(self, context: dg.OutputContext, df: pl.DataFrame, path: UPath) -> None:
        _atomically(path, lambda tmp: write_lake(df, str(tmp)))

    def get_metadata(self, context: dg.OutputContext, obj: Any) -> dict[str, Any]:
        if not isinstance(obj, pl.DataFrame | pl.LazyFrame | Staged):
            return super().get_metadata(context, obj)
        written = pl.scan_parquet(str(self._get_path(context)))
        descriptions = (context.definition_metadata or {}).get("column_descriptions") or {}
        return table_metadata(written, descriptions=descriptions)
