"""The lake's Parquet is written in bounded row groups, whatever the table's size."""

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from shared.lake import LAKE_ROW_GROUP_ROWS, sink_lake, write_lake


def _row_groups(path: Path) -> list[int]:
    metadata = pq.ParquetFile(path).metadata
    return [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]


def test_sinks_and_writes_use_the_lake_row_groups(tmp_path: Path) -> None:
    rows = 2 * LAKE_ROW_GROUP_ROWS + 5
    frame = pl.DataFrame({"key": range(rows), "text": [f"object {i}" for i in range(rows)]})
    sink_lake(frame.lazy().with_columns(pl.col("key") * 2), tmp_path / "sunk.parquet")
    write_lake(frame, tmp_path / "written.parquet")
    for name in ("sunk.parquet", "written.parquet"):
        groups = _row_groups(tmp_path / name)
        assert sum(groups) == rows and max(groups) <= LAKE_ROW_GROUP_ROWS, (name, groups)
    # Order is kept: the same input gives the same file.
    assert pl.read_parquet(tmp_path / "sunk.parquet")["key"].to_list() == [2 * i for i in range(rows)]
