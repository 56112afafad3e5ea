"""Rules several boundaries share: key formats, year ranges, start <= end."""

import datetime as dt
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.polars import PolarsData

from transforms.issues import EARLIEST_YEAR

SOURCES = ["walters", "artic", "tate"]
KEY_PATTERN = r"^(walters|artic|tate):\S+$"
# The plausible range the clean stage enforces (transforms.issues): the oldest objects in a museum
# are prehistoric, none is from the future. A year outside it is nulled or replaced before these
# checks, so they fail only when a rule is broken, never on a record the rules handled.
MIN_YEAR, MAX_YEAR = EARLIEST_YEAR, dt.datetime.now(dt.UTC).year


def key_field(description: str, *, unique: bool = True) -> Any:
    return pa.Field(unique=unique, str_matches=KEY_PATTERN, description=description)


def year_field(description: str) -> Any:
    return pa.Field(nullable=True, ge=MIN_YEAR, le=MAX_YEAR, description=description)


def start_not_after_end(data: PolarsData, start: str, end: str) -> pl.LazyFrame:
    return data.lazyframe.select(
        pl.col(start).is_null() | pl.col(end).is_null() | (pl.col(start) <= pl.col(end))
    )
