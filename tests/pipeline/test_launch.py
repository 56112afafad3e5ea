"""Acceptance: the README's command, `uv run dg launch --job nightly`, against a misbehaving Walters server.

The loopback server serves the shipped Walters dump with 10% 5xx, 5% 429 (Retry-After), 5% cut-off
bodies and pages that repeat a record. The run must succeed, land every served object in `objects`
exactly once, and leave the API key nowhere: not in the command's output, not in the instance's
storage (run and event log databases, compressed snapshots included) nor in the compute logs.
"""

import contextlib
import sqlite3
import zlib
from pathlib import Path

import httpx
import pytest

from harvest.tate import SHIPPED_SAMPLE
from harvest.walters.exports import SHIPPED_EXPORTS
from harvest.walters.replay import WaltersReplay, load_walters_objects
from outputs.database import connect_read_only
from tests.conftest import launch_nightly, offline_env
from tests.servers import Faults, serve

pytestmark = pytest.mark.slow

KEY = "secret-test-key"
FAULTS = Faults(error_rate=0.10, throttle_rate=0.05, retry_after_s=1, cutoff_rate=0.05, repeat_rate=0.2)


def _texts_in(path: Path) -> list[bytes]:
    """The bytes of a file, plus, for a SQLite database, every zlib-compressed blob in it decompressed
    (Dagster stores job and plan snapshots compressed)."""
    raw = path.read_bytes()
    found = [raw]
    if raw.startswith(b"SQLite format 3"):
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
            tables = [row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                for row in con.execute(f'SELECT * FROM "{table}"'):
                    for value in row:
                        if isinstance(value, bytes):
                            found.append(value)
                            with contextlib.suppress(zlib.error):
                                found.append(zlib.decompress(value))
                        elif isinstance(value, str):
                            found.append(value.encode())
    return found


def test_dg_launch_survives_a_misbehaving_server_and_never_shows_the_key(tmp_path: Path) -> None:
    objects = load_walters_objects()
    data_dir, home = tmp_path / "data", tmp_path / "dagster_home"
    home.mkdir()
    with serve(WaltersReplay(objects), FAULTS, seed=38) as server:
        env = offline_env(
            DATA_DIR=str(data_dir),
            DAGSTER_HOME=str(home),
            WALTERS_API_URL=server.url,
            WALTERS_EXPORTS_URL=str(SHIPPED_EXPORTS),
            WALTERS_API_KEY=KEY,
        )
        done = launch_nightly(env)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-5000:]
    # The server did misbehave in every way the test promises.
    assert {"error", "throttle", "cutoff", "repeat"} <= set(server.faults), server.faults

    with connect_read_only(data_dir / "analytics.duckdb") as con:
        rows = con.sql("SELECT source_id FROM objects WHERE source = 'walters'").fetchall()
    served = sorted(str(record["ObjectID"]) for record in objects)
    assert sorted(row[0] for row in rows) == served

    assert KEY not in output
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in files), "the run left no event log in DAGSTER_HOME"
    leaks = [str(p.relative_to(home)) for p in files if any(KEY.encode() in t for t in _texts_in(p))]
    assert not leaks, f"the API key is stored in {leaks}"


def test_the_run_history_holds_no_secret_of_the_deployment(tmp_path: Path) -> None:
    """Item 7 of the deployment issue: a presigned archive URL with credentials, the webhook, the
    AWS and PostgreSQL secrets are set; none of them is in the run's output or Dagster's storage."""
    secrets = {
        "url-password": "TATE_COLLECTION_URL",
        "signed-secret": "TATE_COLLECTION_URL",
        "hook-secret": "FAILURE_WEBHOOK_URL",
        "aws-secret": "AWS_SECRET_ACCESS_KEY",
        "pg-secret": "DAGSTER_POSTGRES_URL",
    }
    data_dir, home = tmp_path / "data", tmp_path / "dagster_home"
    home.mkdir()
    body = SHIPPED_SAMPLE.read_bytes()
    with serve(lambda request: httpx.Response(200, content=body)) as server:
        archive = server.url.replace("http://", "http://curator:url-password@", 1)
        env = offline_env(
            DATA_DIR=str(data_dir),
            DAGSTER_HOME=str(home),
            TATE_COLLECTION_URL=f"{archive}/collection.tar.gz?X-Amz-Signature=signed-secret&X-Amz-Expires=60",
            FAILURE_WEBHOOK_URL="http://127.0.0.1:9/services/hook-secret",
            AWS_SECRET_ACCESS_KEY="aws-secret",
            DAGSTER_POSTGRES_URL="postgresql+psycopg2://dagster:pg-secret@127.0.0.1:9/dagster",
        )
        done = launch_nightly(env)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-5000:]
    with connect_read_only(data_dir / "analytics.duckdb") as con:
        assert con.sql("SELECT DISTINCT source FROM objects").fetchall() == [("tate",)]
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in files), "the run left no event log in DAGSTER_HOME"
    for secret, variable in secrets.items():
        assert secret not in output, variable
        leaks = [str(p.relative_to(home)) for p in files if any(secret.encode() in t for t in _texts_in(p))]
        assert not leaks, f"{variable} is stored in {leaks}"
