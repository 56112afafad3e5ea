"""The shipped Tate sample as the harvest writes it, for the Tate's tests."""

import polars as pl
import pytest

from harvest.dump import read_json_records
from harvest.raw import records_to_frame
from harvest.tate import SHIPPED_SAMPLE
from harvest.tate.schemas import TATE_ARTIST_SCHEMA, TATE_ARTWORK_SCHEMA
from tests.conftest import HARVESTED_AT


def _raw(kind: str, schema: pl.Schema) -> pl.DataFrame:
    dump = read_json_records(str(SHIPPED_SAMPLE), f"{kind}/**/*.json", source="tate")
    files = list(range(1, len(dump.records) + 1))
    return records_to_frame(dump.records, files, schema, source="tate", harvested_at=HARVESTED_AT).sort("id")


@pytest.fixture(scope="session")
def tate_artworks_raw() -> pl.DataFrame:
    return _raw("artworks", TATE_ARTWORK_SCHEMA)


@pytest.fixture(scope="session")
def tate_artists_raw() -> pl.DataFrame:
    return _raw("artists", TATE_ARTIST_SCHEMA)
