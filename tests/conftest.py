"""Shared fixtures: the shipped sample as raw frames, and one nightly run into a temporary DATA_DIR."""

import datetime as dt
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from harvest.raw import records_to_frame
from harvest.replay import load_walters_objects
from harvest.schemas import WALTERS_OBJECT_SCHEMA
from shared import lake  # noqa: F401 (the lake's Polars settings, as every stage runs with them)

HARVESTED_AT = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
# The last plausible year the tests give the transforms (the assets read it from the clock).
LATEST_YEAR = HARVESTED_AT.year


@pytest.fixture(scope="session")
def walters_raw() -> pl.LazyFrame:
    """The shipped Walters sample exactly as the harvest writes it (one page per 100 records)."""
    records = load_walters_objects()
    pages = [i // 100 + 1 for i in range(len(records))]
    return records_to_frame(
        records, pages, WALTERS_OBJECT_SCHEMA, source="walters", harvested_at=HARVESTED_AT
    ).lazy()


def run_nightly(data_dir: Path, **settings: str) -> dg.ExecuteInProcessResult:
    """Run the `nightly` job in this process into ``data_dir``, as the schedule would."""
    from definitions import make_definitions
    from shared.resources import Settings

    defs = make_definitions(Settings(data_dir=str(data_dir), **settings))
    return defs.get_job_def("nightly").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )


@pytest.fixture(scope="session")
def nightly_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dg.ExecuteInProcessResult]:
    """One nightly run on the embedded default, shared by the tests that read its outputs."""
    data_dir = tmp_path_factory.mktemp("data")
    result = run_nightly(data_dir)
    return data_dir, result
