"""Real services on 127.0.0.1 for tests and benchmarks: an S3-compatible server and PostgreSQL.

`s3_server()` runs moto's server mode (the `moto[server]` dev dependency) in a subprocess on a free
port; `postgres_server()` runs Debian's PostgreSQL from a temporary data folder (initdb refuses
root, so the folder belongs to the `postgres` user and the binaries run as that user). Both stop
and remove everything they started on exit. Nothing here mocks a client library.
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

S3_REGION = "us-east-1"
POSTGRES_INSTALL = "apt-get install -y postgresql"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} before it listened")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {timeout_s} s")


@dataclass(frozen=True)
class S3Server:
    """A running S3-compatible server: its endpoint and the standard variables that reach it."""

    endpoint: str

    def env(self, access_key: str = "test-key-id", secret_key: str = "test-secret") -> dict[str, str]:
        """The standard AWS variables for this server (moto accepts any key unless auth is on)."""
        return {
            "AWS_ACCESS_KEY_ID": access_key,
            "AWS_SECRET_ACCESS_KEY": secret_key,
            "AWS_REGION": S3_REGION,
            "AWS_ENDPOINT_URL": self.endpoint,
        }

    def client(self, **env: str):
        """A botocore S3 client for setting up and inspecting buckets."""
        import botocore.session

        settings = {**self.env(), **env}
        return botocore.session.get_session().create_client(
            "s3",
            region_name=S3_REGION,
            endpoint_url=self.endpoint,
            aws_access_key_id=settings["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=settings["AWS_SECRET_ACCESS_KEY"],
        )

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def upload(self, source: Path, bucket: str, key: str) -> None:
        with source.open("rb") as body:
            self.client().put_object(Bucket=bucket, Key=key, Body=body)

    def download(self, bucket: str, key: str, target: Path) -> None:
        body = self.client().get_object(Bucket=bucket, Key=key)["Body"]
        with target.open("wb") as out:
            shutil.copyfileobj(body, out)

    def keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


@contextmanager
def s3_server(extra_env: dict[str, str] | None = None) -> Generator[S3Server]:
    """moto's S3-compatible server on 127.0.0.1 for the duration of the block."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(extra_env or {})},
    )
    try:
        _wait_for_port(port, process, "moto server")
        yield S3Server(endpoint=f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(timeout=30)


def enable_s3_auth(server: S3Server) -> None:
    """From now on the server refuses requests whose key is not one of its IAM users' keys."""
    request = urllib.request.Request(
        f"{server.endpoint}/moto-api/reset-auth",
        data=b"0",
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


def postgres_bin() -> Path | None:
    """Debian's PostgreSQL binaries (the newest installed), or None when PostgreSQL is missing."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


@dataclass(frozen=True)
class PostgresServer:
    url: str  # postgresql+psycopg2://... as dagster-postgres takes it

    @property
    def dsn(self) -> str:
        """The same database as libpq (psycopg2.connect) takes it."""
        return self.url.replace("postgresql+psycopg2://", "postgresql://")


@contextmanager
def postgres_server(bin_dir: Path) -> Generator[PostgresServer]:
    """A throwaway PostgreSQL cluster on 127.0.0.1, trust authentication, database `postgres`."""
    folder = Path(tempfile.mkdtemp(prefix="pg-"))
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()

    def run(*args: str) -> None:
        subprocess.run([*as_postgres, *args], check=True, capture_output=True, timeout=120)

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start")
        try:
            yield PostgresServer(url=f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres")
        finally:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
