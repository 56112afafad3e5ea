"""Rules several boundaries share: key formats, year ranges, start <= end."""

import datetime as dt
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.polars import PolarsData

from shared.issues import EARLIEST_YEAR

# A museum's name as the registry declares it (harvest/museums.py); each clean asset accepts only
# its own museum's (``of_source``), so the shared models name no museum.
SOURCE_PATTERN = r"^[a-z][a-z0-9_]*$"
KEY_PATTERN = r"^[a-z][a-z0-9_]*:\S+$"
# The plausible range the clean stage enforces (shared.issues): the oldest objects in a museum
# are prehistoric, none is from the future. A year outside it is nulled or replaced before these
# checks, so they fail only when a rule is broken, never on a record the rules handled. The latest
# year is read from the clock when a check runs (``not_after_this_year``), not at import: a process
# that outlived a New Year would refuse the new year's objects.
MIN_YEAR = EARLIEST_YEAR
# What kind of maker an agent is (``transforms.agent_types`` decides).
AGENT_TYPES = ("person", "group", "culture", "anonymous")


def source_field() -> Any:
    return pa.Field(str_matches=SOURCE_PATTERN, description="Which museum the record came from")


def of_source(model: type[pa.DataFrameModel], source: str) -> type[pa.DataFrameModel]:
    """``model`` accepting only records of the museum ``source`` (same name, so its check is
    still ``conforms_to_<model>``)."""
    field = pa.Field(isin=[source], description=f"Which museum the record came from: {source}")
    namespace = {"__annotations__": {"source": str}, "source": field, "__module__": model.__module__}
    narrowed: type[pa.DataFrameModel] = type(model.__name__, (model,), namespace)
    return narrowed


def key_field(description: str, *, unique: bool = True) -> Any:
    return pa.Field(unique=unique, str_matches=KEY_PATTERN, description=description)


def year_field(description: str) -> Any:
    """A year, from MIN_YEAR; its model also checks it with ``not_after_this_year``."""
    return pa.Field(nullable=True, ge=MIN_YEAR, description=description)


def not_after_this_year(data: PolarsData) -> pl.LazyFrame:
    """True where the column's year is null or not after the current year, read now."""
    this_year = dt.datetime.now(dt.UTC).year
    return data.lazyframe.select(pl.col(data.key).is_null() | (pl.col(data.key) <= this_year))


def start_not_after_end(data: PolarsData, start: str, end: str) -> pl.LazyFrame:
    return data.lazyframe.select(
        pl.col(start).is_null() | pl.col(end).is_null() | (pl.col(start) <= pl.col(end))
    )
