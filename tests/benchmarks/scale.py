"""Synthetic Walters collections of any size, grown from the shipped real records.

    write_raw_lake(directory, objects=1_000_000, seed=0)   # the raw lake the transforms read
    iter_records(objects=20_000, seed=0)                    # dicts for harvest.walters.replay.WaltersReplay

Object ``i`` is a copy of sample record ``perm_k[i % S]`` (S = 2,107 shipped records, ``k = i // S``,
``perm_k`` a seeded permutation per block), so every quirk of the sample (null titles, sentinel and
BCE dates, AH dates, begin > end, repeated geographies, 0/0 coordinates, missing creators...) keeps
its share. Per copy (k > 0):

- ``ObjectID`` = original + k * (max ObjectID + 1): unique, above every real one.
- Dates: a seeded shift of -40..+40 years applied to DateBeginYear, DateEndYear and the same numbers
  in DateText, only where the text spells both years (``1725-1730``, ``1000-600 BC``) and the shift
  keeps the era's sign; century texts, AH dates and sentinels keep their years (so the mix stays).
- Titles: another record's title with a copy number (a null title stays null: the fallback quirk).
- Creators: a CreatorID present in the creators export maps to another id of the export (its name
  taken from the export); one the export lacks maps to one of 50 variants of itself, still missing.

Each ObjectID once, as a harvest leaves its raw snapshot: records a server sends twice are dropped
by the harvest (``harvest.pagination.collect``), and the raw model refuses a repeat.

Everything is deterministic by ``seed`` and generated in chunks, so memory stays bounded by the
chunk, never by ``objects``; the Parquet is written as the lake IO manager writes it (row groups of
``shared.lake.LAKE_ROW_GROUP_ROWS``), so the benchmark reads what a real harvest would leave.
"""

import datetime as dt
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from harvest.artic.replay import load_artic_records
from harvest.artic.schemas import ARTIC_AGENT_SCHEMA, ARTIC_ARTWORK_SCHEMA
from harvest.dump import read_json_records
from harvest.raw import records_to_frame
from harvest.tate import SHIPPED_SAMPLE
from harvest.tate.schemas import TATE_ARTIST_SCHEMA, TATE_ARTWORK_SCHEMA
from harvest.walters.exports import SHIPPED_EXPORTS, read_export
from harvest.walters.replay import load_walters_objects
from harvest.walters.schemas import WALTERS_OBJECT_SCHEMA
from shared.lake import LAKE_ROW_GROUP_ROWS, write_lake

HARVESTED_AT = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
PAGE_SIZE = 100
MISSING_VARIANTS = 50
CHUNK = 100_000


def _sample_frame() -> pl.DataFrame:
    records = load_walters_objects()
    return records_to_frame(
        records, [1] * len(records), WALTERS_OBJECT_SCHEMA, source="walters", harvested_at=HARVESTED_AT
    ).with_row_index("_src")


def _creators_export() -> pl.DataFrame:
    return (
        read_export(str(SHIPPED_EXPORTS), "creators")
        .select(
            CreatorID=pl.col("id").str.strip_chars().cast(pl.Int64, strict=False),
            name=pl.col("name"),
        )
        .drop_nulls("CreatorID")
        .unique("CreatorID", keep="first", maintain_order=True)
        .with_row_index("_pos")
    )


def _shift_text(row: dict[str, Any]) -> str | None:
    """DateText with its begin and end years (as written, unsigned) moved by the row's shift."""
    text, begin, end, shift = row["t"], row["b"], row["e"], row["s"]
    if not shift or text is None:
        return text
    pairs = {str(abs(begin)): str(abs(begin + shift)), str(abs(end)): str(abs(end + shift))}
    pattern = re.compile("|".join(rf"(?<!\d){re.escape(old)}(?!\d)" for old in pairs))
    return pattern.sub(lambda m: pairs[m.group(0)], text)


class Inflator:
    """Builds chunks of the inflated raw frame; holds only the sample and the creators export."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.sample = _sample_frame()
        self.size = self.sample.height
        self.step = self.sample.select(pl.col("ObjectID").max()).item() + 1
        self.creators = _creators_export()
        self.n_creators = self.creators.height
        self.ids = self.creators["CreatorID"]
        self.names = self.creators["name"]
        # Rows whose DateText spells both years (as written, BCE without the sign): shiftable.
        begin, end, text = pl.col("DateBeginYear"), pl.col("DateEndYear"), pl.col("DateText")
        self.sample = self.sample.with_columns(
            _shiftable=(
                text.is_not_null()
                & begin.is_not_null()
                & end.is_not_null()
                & ~text.str.contains(r"(?i)\bA\.?H\b|hijr")
                & text.str.contains(begin.abs().cast(pl.String), literal=True)
                & text.str.contains(end.abs().cast(pl.String), literal=True)
                & (begin.abs() >= 100)
                & (end.abs() >= 100)
                & ((begin >= 0) == (end >= 0))
            )
        )

    def _perm(self, block: int) -> list[int]:
        order = list(range(self.size))
        random.Random(self.seed * 1_000_003 + block).shuffle(order)
        return order

    def chunk(self, start: int, stop: int) -> pl.DataFrame:
        """Objects ``start..stop-1`` as raw harvest rows."""
        src: list[int] = []
        for block in range(start // self.size, (stop - 1) // self.size + 1):
            perm = self._perm(block)
            lo, hi = max(start, block * self.size), min(stop, (block + 1) * self.size)
            src.extend(perm[lo - block * self.size : hi - block * self.size])
        i = pl.int_range(start, stop, dtype=pl.Int64, eager=True)
        idx = (
            pl.DataFrame({"_i": i, "_src": pl.Series(src, dtype=pl.UInt32)})
            .with_columns(
                _k=pl.col("_i") // self.size,
                _shift=(pl.col("_i").hash(self.seed) % 81).cast(pl.Int64) - 40,
                _other=(pl.col("_i").hash(self.seed + 1) % self.size).cast(pl.UInt32),
            )
            .with_columns(_shift=pl.when(pl.col("_k") > 0).then(pl.col("_shift")).otherwise(0))
        )
        frame = idx.join(self.sample, on="_src", how="left", maintain_order="left")
        frame = self._dates(frame)
        frame = self._titles(frame)
        frame = self._creators(frame)
        frame = frame.with_columns(
            ObjectID=pl.col("ObjectID") + pl.col("_k") * self.step,
            page=(pl.col("_i") // PAGE_SIZE + 1).cast(pl.Int32),
        )
        return frame.select(*WALTERS_OBJECT_SCHEMA.names(), "source", "page", "harvested_at")

    @staticmethod
    def _dates(frame: pl.DataFrame) -> pl.DataFrame:
        begin, end = pl.col("DateBeginYear"), pl.col("DateEndYear")
        s = (
            pl.when(
                pl.col("_shiftable")
                & ((begin + pl.col("_shift") >= 0) == (begin >= 0))
                & ((end + pl.col("_shift") >= 0) == (end >= 0))
                & ((begin + pl.col("_shift")).abs() >= 100)
                & ((end + pl.col("_shift")).abs() >= 100)
            )
            .then(pl.col("_shift"))
            .otherwise(0)
        )
        frame = frame.with_columns(_s=s)
        text = pl.struct(t="DateText", b="DateBeginYear", e="DateEndYear", s="_s").map_elements(
            _shift_text, return_dtype=pl.String
        )
        shifted = pl.col("_s") != 0
        return frame.with_columns(
            DateText=pl.when(shifted).then(text).otherwise(pl.col("DateText")),
            DateBeginYear=begin + pl.col("_s"),
            DateEndYear=end + pl.col("_s"),
        )

    def _titles(self, frame: pl.DataFrame) -> pl.DataFrame:
        other_title = pl.col("_other").map_batches(
            lambda s: self.sample["Title"].gather(s), return_dtype=pl.String
        )
        varied = pl.concat_str(
            pl.coalesce(other_title, pl.col("Title")), pl.lit(" no. "), pl.col("_k").cast(pl.String)
        )
        return frame.with_columns(
            Title=pl.when(pl.col("Title").is_null() | (pl.col("_k") == 0))
            .then(pl.col("Title"))
            .otherwise(varied)
        )

    def _creators(self, frame: pl.DataFrame) -> pl.DataFrame:
        links = (
            frame.select("_i", "_k", "Creators")
            .with_columns(_n=pl.col("Creators").list.len())
            .filter(pl.col("_n") > 0)
            .explode("Creators", empty_as_null=False)
            .unnest("Creators")
            .join(self.creators.select("CreatorID", "_pos"), on="CreatorID", how="left")
        )
        moved = ((pl.col("_pos").cast(pl.Int64) + pl.col("_k") * 7919) % self.n_creators).cast(pl.UInt32)
        links = links.with_columns(
            _new_pos=pl.when(pl.col("_pos").is_not_null() & (pl.col("_k") > 0))
            .then(moved)
            .otherwise(pl.col("_pos"))
        ).with_columns(
            CreatorID=pl.when(pl.col("_pos").is_not_null())
            .then(pl.col("_new_pos").map_batches(lambda s: self.ids.gather(s), return_dtype=pl.Int64))
            .when(pl.col("CreatorID").is_not_null() & (pl.col("_k") > 0))
            .then(pl.col("CreatorID") + (pl.col("_k") % MISSING_VARIANTS) * 100_000_000)
            .otherwise(pl.col("CreatorID")),
            ConcatDisplayName=pl.when(pl.col("_pos").is_not_null() & (pl.col("_k") > 0))
            .then(pl.col("_new_pos").map_batches(lambda s: self.names.gather(s), return_dtype=pl.String))
            .otherwise(pl.col("ConcatDisplayName")),
        )
        nested = links.group_by("_i").agg(
            Creators=pl.struct("ConcatDisplayName", "CreatorID", "Gender", "Role")
        )
        return (
            frame.join(nested, on="_i", how="left", suffix="_new", maintain_order="left")
            .with_columns(
                Creators=pl.when(pl.col("Creators").list.len() > 0)
                .then(pl.col("Creators_new"))
                .otherwise(pl.col("Creators"))
                .cast(WALTERS_OBJECT_SCHEMA["Creators"])
            )
            .drop("Creators_new")
        )


def write_raw_walters(path: Path, objects: int, seed: int = 0, chunk: int = CHUNK) -> int:
    """The raw ``walters_objects_raw`` Parquet for ``objects`` objects; returns the rows written."""
    inflator = Inflator(seed)
    tmp = path.with_name(f".{path.name}.tmp")
    rows = 0
    writer = None
    try:
        for start in range(0, objects, chunk):
            table = inflator.chunk(start, min(start + chunk, objects)).to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(str(tmp), table.schema, compression="zstd")
            writer.write_table(table, row_group_size=LAKE_ROW_GROUP_ROWS)
            rows += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    tmp.replace(path)
    return rows


def write_raw_lake(directory: Path, objects: int, seed: int = 0) -> dict[str, int]:
    """Every raw asset the transform graph reads, as ``<asset>.parquet`` in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    rows = {
        "walters_objects_raw": write_raw_walters(directory / "walters_objects_raw.parquet", objects, seed)
    }
    for name in ("creators", "exhibitions", "relationships"):
        frame = read_export(str(SHIPPED_EXPORTS), name)
        write_lake(frame, directory / f"walters_{name}_raw.parquet")
        rows[f"walters_{name}_raw"] = frame.height
    for resource, schema in (("artworks", ARTIC_ARTWORK_SCHEMA), ("agents", ARTIC_AGENT_SCHEMA)):
        records = load_artic_records(resource)
        frame = records_to_frame(
            records, [1] * len(records), schema, source="artic", harvested_at=HARVESTED_AT
        )
        write_lake(frame, directory / f"artic_{resource}_raw.parquet")
        rows[f"artic_{resource}_raw"] = frame.height
    # The Tate's shipped sample as it is (not inflated), so the collection holds every source.
    for kind, schema in (("artworks", TATE_ARTWORK_SCHEMA), ("artists", TATE_ARTIST_SCHEMA)):
        dump = read_json_records(str(SHIPPED_SAMPLE), f"{kind}/**/*.json", source="tate")
        files = list(range(1, len(dump.records) + 1))
        frame = records_to_frame(dump.records, files, schema, source="tate", harvested_at=HARVESTED_AT)
        write_lake(frame.sort("id"), directory / f"tate_{kind}_raw.parquet")
        rows[f"tate_{kind}_raw"] = frame.height
    return rows


def iter_records(objects: int, seed: int = 0, chunk: int = 10_000) -> Iterator[dict[str, Any]]:
    """The same inflated objects as API records (no provenance), for ``WaltersReplay`` at moderate N."""
    inflator = Inflator(seed)
    schema_names = WALTERS_OBJECT_SCHEMA.names()
    for start in range(0, objects, chunk):
        yield from (
            inflator.chunk(start, min(start + chunk, objects)).select(schema_names).iter_rows(named=True)
        )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write an inflated raw lake.")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(write_raw_lake(args.directory, args.objects, args.seed))
