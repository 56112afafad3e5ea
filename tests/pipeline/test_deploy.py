"""Acceptance: the deployment shape (docs/deploy.md) runs the nightly as the local default does.

`uv run dg launch --job nightly` with DATA_DIR on an S3-compatible server (moto, loopback), the
Dagster instance on PostgreSQL (deploy/dagster.yaml) and every step in its own process gives the
same tables as an in-process run on local disk, leaves no Parquet on local disk, and its run is in
PostgreSQL.
"""

import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import psycopg2
import pytest

from shared.jobs import A_PROCESS_PER_STEP
from shared.schemas.output import TABLES
from tests.conftest import REPO, launch_nightly, offline_env
from tests.services import PostgresServer, S3Server

pytestmark = pytest.mark.slow

# Two runs harvest at different instants today; the column is excluded until runs are reproducible.
DIFFERS_BETWEEN_RUNS = "harvested_at"


def _tables(database: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(database), read_only=True) as con:
        found = {}
        for table in TABLES:
            columns = [row[0] for row in con.sql(f'DESCRIBE "{table.name}"').fetchall()]
            kept = ", ".join(f'"{c}"' for c in columns if c != DIFFERS_BETWEEN_RUNS)
            found[table.name] = con.sql(f'SELECT {kept} FROM "{table.name}" ORDER BY ALL').fetchall()
        return found


def test_nightly_on_object_storage_postgres_and_a_process_per_step(
    tmp_path: Path,
    s3: S3Server,
    postgres: PostgresServer,
    nightly_run: tuple[Path, dg.ExecuteInProcessResult],
) -> None:
    bucket = s3.create_bucket("nightly-deploy")
    home, scratch = tmp_path / "dagster_home", tmp_path / "scratch"
    home.mkdir()
    scratch.mkdir()
    shutil.copy(REPO / "deploy" / "dagster.yaml", home / "dagster.yaml")
    env = offline_env(
        **s3.env(),
        DATA_DIR=f"s3://{bucket}/museum",
        DAGSTER_HOME=str(home),
        DAGSTER_POSTGRES_URL=postgres.url,
        TMPDIR=str(scratch),  # every temporary file of the run lands here, to be searched below
    )

    done = launch_nightly(env, "--config-json", json.dumps(A_PROCESS_PER_STEP), timeout=1800)
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]

    # Nothing of the lake stayed on local disk: no Parquet in the instance's folder or the scratch.
    local_parquet = [str(p) for p in tmp_path.rglob("*.parquet")]
    assert not local_parquet, local_parquet

    keys = s3.keys(bucket)
    assert "museum/analytics.duckdb" in keys and "museum/exports/objects.ndjson" in keys, keys
    assert {f"museum/lake/{table.name}.parquet" for table in TABLES} <= set(keys), keys
    assert not [key for key in keys if "writable" in key or key.endswith(".tmp")], keys

    downloaded = tmp_path / "downloaded.duckdb"
    s3.download(bucket, "museum/analytics.duckdb", downloaded)
    local_data_dir, local_run = nightly_run
    assert _tables(downloaded) == _tables(local_data_dir / "analytics.duckdb")

    with psycopg2.connect(postgres.dsn) as con, con.cursor() as cur:
        cur.execute("SELECT run_id, status FROM runs WHERE pipeline_name = 'nightly'")
        runs = cur.fetchall()
        assert [status for _, status in runs] == ["SUCCESS"], runs
        steps = {}
        for event in ("STEP_WORKER_STARTED", "STEP_SUCCESS"):
            cur.execute(
                "SELECT DISTINCT step_key FROM event_logs WHERE run_id = %s AND dagster_event_type = %s",
                (runs[0][0], event),
            )
            steps[event] = {row[0] for row in cur.fetchall()}
    # Every step of the night ran, each in a process of its own.
    local_steps = {event.step_key for event in local_run.all_events if event.is_step_success}
    assert steps["STEP_SUCCESS"] == local_steps and steps["STEP_WORKER_STARTED"] == local_steps, steps
