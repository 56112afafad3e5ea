"""Shared fixtures: the shipped sample as raw frames, and one nightly run into a temporary DATA_DIR."""

import datetime as dt
import hashlib
import os
import subprocess
import uuid
from collections.abc import Generator
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from harvest.raw import records_to_frame
from harvest.walters.replay import load_walters_objects
from harvest.walters.schemas import WALTERS_OBJECT_SCHEMA
from shared.lake import bound_memory
from tests.services import (
    POSTGRES_INSTALL,
    PostgresServer,
    S3Server,
    postgres_bin,
    postgres_server,
    s3_server,
)

bound_memory()  # the lake's Polars settings, as every stage runs with them

HARVESTED_AT = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
# The last plausible year the tests give the transforms (the assets read it from the clock).
LATEST_YEAR = HARVESTED_AT.year
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def walters_raw() -> pl.LazyFrame:
    """The shipped Walters sample exactly as the harvest writes it (one page per 100 records)."""
    records = load_walters_objects()
    pages = [i // 100 + 1 for i in range(len(records))]
    return records_to_frame(
        records, pages, WALTERS_OBJECT_SCHEMA, source="walters", harvested_at=HARVESTED_AT
    ).lazy()


# The output step's assets, published together: the database and every export.
OUTPUT_ASSETS = frozenset(
    {"analytics_database", "search_export", "linked_art_objects", "linked_art_people", "iiif_manifests"}
)
# What a night publishes under DATA_DIR: the database and every export.
PUBLISHED = (
    "analytics.duckdb",
    "exports/objects.ndjson",
    "exports/linked-art/objects.ndjson",
    "exports/linked-art/people.ndjson",
    "exports/iiif/manifests.ndjson",
)


def published_digests(data_dir: Path) -> dict[str, str]:
    """The sha256 of each published file: equal before and after means byte-identical."""
    return {name: hashlib.sha256((data_dir / name).read_bytes()).hexdigest() for name in PUBLISHED}


def run_nightly(data_dir: Path | str, **museum_env: str) -> dg.ExecuteInProcessResult:
    """Run the `nightly` job in this process into ``data_dir``, as the schedule would, with the
    museums' settings ``museum_env`` (``WALTERS_API_URL=...``)."""
    from definitions import make_definitions
    from shared.resources import Settings

    defs = make_definitions(Settings(data_dir=str(data_dir), museum_env=museum_env))
    return defs.get_job_def("nightly").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )


def offline_env(**settings: str) -> dict[str, str]:
    """This process's environment without any museum setting or ``MUSEUMS`` (the embedded
    default), plus ``settings``: what a launched run should see, whatever the developer's shell set."""
    from harvest.museums import MUSEUMS, declared_variables

    ignored = {*declared_variables(MUSEUMS), "MUSEUMS", "FAILURE_WEBHOOK_URL"}
    return {**{k: v for k, v in os.environ.items() if k not in ignored}, **settings}


def launch_nightly(
    env: dict[str, str], *options: str, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    """`uv run dg launch --job nightly [options]` as the README runs it, from the repository root."""
    return subprocess.run(
        ["uv", "run", "dg", "launch", "--job", "nightly", *options],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def nightly_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dg.ExecuteInProcessResult]:
    """One nightly run on the embedded default, shared by the tests that read its outputs."""
    data_dir = tmp_path_factory.mktemp("data")
    result = run_nightly(data_dir)
    return data_dir, result


@pytest.fixture(scope="session")
def s3() -> Generator[S3Server]:
    """An S3-compatible server (moto) on 127.0.0.1, shared by the session; one bucket per test."""
    with s3_server() as server:
        yield server


@pytest.fixture
def s3_data_dir(s3: S3Server, monkeypatch: pytest.MonkeyPatch) -> str:
    """A DATA_DIR URL in a new bucket of ``s3``, with the standard AWS variables set to reach it."""
    import s3fs

    for name, value in s3.env().items():
        monkeypatch.setenv(name, value)
    # fsspec keeps one file system object per process, made with the variables of its day.
    s3fs.S3FileSystem.clear_instance_cache()
    bucket = s3.create_bucket(f"lake-{uuid.uuid4().hex[:12]}")
    return f"s3://{bucket}/collection"


@pytest.fixture(scope="session")
def postgres() -> Generator[PostgresServer]:
    """A PostgreSQL cluster on 127.0.0.1 (Debian's binaries), shared by the session."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        reason = f"PostgreSQL's binaries are missing (/usr/lib/postgresql/*/bin): {POSTGRES_INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with postgres_server(bin_dir) as server:
        yield server
