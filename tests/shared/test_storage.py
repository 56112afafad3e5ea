"""DATA_DIR on object storage: the lake, published files and the preflight, against a real S3 server
(moto on 127.0.0.1, started by the fixtures)."""

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import botocore.session
import dagster as dg
import polars as pl
import pytest
import s3fs

from shared.lake import sink_lake
from shared.resources import Lakehouse
from shared.storage import StorageUnavailable, check_writable, readable, storage_root
from tests.conftest import run_nightly
from tests.services import S3Server, enable_s3_auth, free_port, s3_server

REPO = Path(__file__).resolve().parents[2]


def _read(lakehouse: Lakehouse, name: str) -> bytes:
    return (lakehouse.root / name).read_bytes()


def test_a_published_file_is_uploaded_whole_and_a_failed_block_keeps_the_old_one(s3_data_dir: str) -> None:
    lakehouse = Lakehouse(data_dir=s3_data_dir)
    with lakehouse.publishing("exports/objects.ndjson") as scratch:
        assert not str(scratch).startswith("s3:")  # writers get a local file
        scratch.write_text('{"object_key": "walters:7"}\n')
    assert _read(lakehouse, "exports/objects.ndjson") == b'{"object_key": "walters:7"}\n'

    with (
        pytest.raises(RuntimeError, match="the writer failed"),
        lakehouse.publishing("exports/objects.ndjson") as scratch,
    ):
        scratch.write_text("half a fi")
        raise RuntimeError("the writer failed")
    assert _read(lakehouse, "exports/objects.ndjson") == b'{"object_key": "walters:7"}\n'
    assert not scratch.parent.exists()  # the scratch folder went with the block


def _keys(s3: S3Server, data_dir: str) -> list[str]:
    return s3.keys(data_dir.removeprefix("s3://").split("/")[0])


def test_files_published_together_all_change_or_none(s3: S3Server, s3_data_dir: str) -> None:
    lakehouse = Lakehouse(data_dir=s3_data_dir)
    names = ["analytics.duckdb", "exports/objects.ndjson"]
    with lakehouse.publishing_together(names) as scratch:
        for name in names:
            scratch[name].write_text(f"yesterday's {name}")

    with (
        pytest.raises(RuntimeError, match="the export failed"),
        lakehouse.publishing_together(names) as scratch,
    ):
        scratch["analytics.duckdb"].write_text("today's database, complete")
        raise RuntimeError("the export failed")

    assert {name: _read(lakehouse, name) for name in names} == {
        name: f"yesterday's {name}".encode() for name in names
    }
    assert sorted(_keys(s3, s3_data_dir)) == [
        "collection/analytics.duckdb",
        "collection/exports/objects.ndjson",
    ]


def test_a_table_is_checked_before_it_replaces_the_lake_object(s3: S3Server, s3_data_dir: str) -> None:
    import pandera.polars as pa

    from shared.checks import model_check
    from shared.io_manager import LakeIOManager
    from shared.stages import checked_asset

    class Years(pa.DataFrameModel):
        year: int = pa.Field(le=2_100)

    def materialize(years: list[int]) -> bool:
        @checked_asset(stage="reshape", name="years", checks=[model_check(Years, description="d")])
        def _asset() -> pl.LazyFrame:
            """Years, checked before the lake holds them."""
            return pl.LazyFrame({"year": years})

        lakehouse = Lakehouse(data_dir=s3_data_dir)
        resources = {"io_manager": LakeIOManager(base_dir=str(lakehouse.lake_dir)), "lakehouse": lakehouse}
        return dg.materialize([_asset], resources=resources, raise_on_error=False).success

    assert materialize([1, 2])
    lake_object = _read(Lakehouse(data_dir=s3_data_dir), "lake/years.parquet")
    assert not materialize([1, 99_999])
    assert _read(Lakehouse(data_dir=s3_data_dir), "lake/years.parquet") == lake_object
    assert _keys(s3, s3_data_dir) == ["collection/lake/years.parquet"]  # no staged object left


def test_local_copies_are_downloaded_for_the_block_only(s3_data_dir: str) -> None:
    lakehouse = Lakehouse(data_dir=s3_data_dir)
    sink_lake(pl.LazyFrame({"object_key": ["walters:7", "artic:11"]}), str(lakehouse.table_path("objects")))
    with lakehouse.local_copies({"objects": lakehouse.table_path("objects")}) as copies:
        assert pl.read_parquet(copies["objects"])["object_key"].to_list() == ["walters:7", "artic:11"]
    assert not copies["objects"].parent.exists()


def test_a_lake_table_on_object_storage_is_read_from_one_copy_per_version(s3_data_dir: str) -> None:
    path = Lakehouse(data_dir=s3_data_dir).table_path("objects")
    sink_lake(pl.LazyFrame({"object_key": ["walters:7"]}), str(path))
    first = readable(path)
    assert readable(path) == first  # read again: the same copy, not a second download
    assert pl.read_parquet(first)["object_key"].to_list() == ["walters:7"]
    # Rewritten (by this process or another step's): the new version is downloaded.
    sink_lake(pl.LazyFrame({"object_key": ["walters:7", "artic:11"]}), str(path))
    second = readable(path)
    assert second != first
    assert pl.read_parquet(second)["object_key"].to_list() == ["walters:7", "artic:11"]


def _read_in_a_step(data_dir: str, env: dict[str, str], folders: "multiprocessing.Queue[str]") -> None:
    os.environ.update(env)  # the forkserver may have started before the S3 server's variables were set
    s3fs.S3FileSystem.clear_instance_cache()
    copy = Path(readable(Lakehouse(data_dir=data_dir).table_path("objects")))
    assert pl.read_parquet(copy)["object_key"].to_list() == ["walters:7"]
    folders.put(str(copy.parent))


def test_a_step_forked_by_multiprocessing_removes_its_copies_when_it_ends(
    s3: S3Server, s3_data_dir: str
) -> None:
    # A step under shared.jobs.A_PROCESS_PER_STEP: forked by the forkserver, it ends in os._exit.
    sink_lake(
        pl.LazyFrame({"object_key": ["walters:7"]}),
        str(Lakehouse(data_dir=s3_data_dir).table_path("objects")),
    )
    context = multiprocessing.get_context("forkserver")
    folders = context.Queue()
    step = context.Process(target=_read_in_a_step, args=(s3_data_dir, s3.env(), folders))
    step.start()
    folder = Path(folders.get(timeout=60))
    step.join(timeout=60)
    assert step.exitcode == 0
    assert folder.name.startswith("lake-read-cache.")
    assert not folder.exists()


# A process whose read cache exists forks a child that ends normally (sys.exit: exit handlers
# and multiprocessing's finalizers run in it); prints the parent's cache folder after the child ended.
FORK_AND_EXIT = """
import os, sys
from shared import storage
folder = storage._read_cache_folder()
child = os.fork()
if child == 0:
    sys.exit(0)
os.waitpid(child, 0)
print(folder, folder.exists())
"""


def test_a_child_forked_by_other_means_leaves_its_parent_s_copies_in_place() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FORK_AND_EXIT],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    folder, exists = done.stdout.split()
    assert Path(folder).name.startswith("lake-read-cache.")
    assert exists == "True"  # the child's exit removed neither the folder nor what it holds


def test_local_paths_are_read_in_place(tmp_path: Path) -> None:
    assert readable(storage_root(str(tmp_path)) / "objects.parquet") == str(tmp_path / "objects.parquet")
    lakehouse = Lakehouse(data_dir=str(tmp_path))
    with lakehouse.local_copies({"objects": lakehouse.table_path("objects")}) as copies:
        assert copies["objects"] == tmp_path / "lake" / "objects.parquet"


def test_the_harvest_reads_its_previous_snapshot_from_object_storage(s3_data_dir: str) -> None:
    lakehouse = Lakehouse(data_dir=s3_data_dir)
    assert lakehouse.snapshot("walters_objects_raw") is None
    sink_lake(pl.LazyFrame({"ObjectID": [7, 8]}), str(lakehouse.table_path("walters_objects_raw")))
    snapshot = lakehouse.snapshot("walters_objects_raw")
    assert snapshot is not None and snapshot.collect()["ObjectID"].to_list() == [7, 8]


def test_a_missing_bucket_is_one_error_naming_the_url(s3: S3Server, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in s3.env(secret_key="never-shown-secret").items():
        monkeypatch.setenv(name, value)
    s3fs.S3FileSystem.clear_instance_cache()
    with pytest.raises(
        StorageUnavailable, match=r"Cannot write to s3://no-such-bucket/museum \(DATA_DIR\)"
    ) as error:
        check_writable(storage_root("s3://no-such-bucket/museum"))
    assert "never-shown-secret" not in str(error.value)


def test_an_unreachable_endpoint_is_one_error_naming_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    for name, value in S3Server(endpoint).env(secret_key="never-shown-secret").items():
        monkeypatch.setenv(name, value)
    s3fs.S3FileSystem.clear_instance_cache()
    with pytest.raises(StorageUnavailable, match=r"Cannot write to s3://lake/museum \(DATA_DIR\)") as error:
        check_writable(storage_root("s3://lake/museum"))
    assert endpoint in str(error.value) and "never-shown-secret" not in str(error.value)


def test_wrong_credentials_are_one_error_naming_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    # A server of its own: with authentication on, only its IAM users' keys are accepted.
    with s3_server() as server:
        admin = botocore.session.get_session().create_client(
            "iam", region_name="us-east-1", endpoint_url=server.endpoint,
            aws_access_key_id="setup", aws_secret_access_key="setup",
        )  # fmt: skip
        admin.create_user(UserName="pipeline")
        admin.put_user_policy(
            UserName="pipeline",
            PolicyName="lake",
            PolicyDocument='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
        )
        key = admin.create_access_key(UserName="pipeline")["AccessKey"]
        server.create_bucket("lake")
        enable_s3_auth(server)

        def check(key_id: str, secret: str) -> None:
            for name, value in server.env(access_key=key_id, secret_key=secret).items():
                monkeypatch.setenv(name, value)
            s3fs.S3FileSystem.clear_instance_cache()
            check_writable(storage_root("s3://lake/museum"))

        check(key["AccessKeyId"], key["SecretAccessKey"])  # the right key passes
        with pytest.raises(
            StorageUnavailable, match=r"Cannot write to s3://lake/museum \(DATA_DIR\)"
        ) as error:
            check(key["AccessKeyId"], "a-wrong-secret")
        assert "a-wrong-secret" not in str(error.value) and key["SecretAccessKey"] not in str(error.value)


UPLOAD = """
import os, sys
from shared.resources import Lakehouse

with Lakehouse(data_dir=sys.argv[1]).publishing("analytics.duckdb") as scratch:
    with open(scratch, "wb") as out:
        for _ in range(int(sys.argv[2])):
            out.write(os.urandom(2**20))
    print("uploading", flush=True)
"""


def test_a_run_killed_mid_upload_leaves_the_published_file(
    s3: S3Server, s3_data_dir: str, tmp_path: Path
) -> None:
    lakehouse = Lakehouse(data_dir=s3_data_dir)
    with lakehouse.publishing("analytics.duckdb") as scratch:
        scratch.write_bytes(b"yesterday's database")
    bucket = s3_data_dir.removeprefix("s3://").split("/")[0]
    client = s3.client()

    # Large enough for a multipart upload (over twice s3fs' 50 MB part), so there is a "mid".
    upload = subprocess.Popen(
        [sys.executable, "-c", UPLOAD, s3_data_dir, "120"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(tmp_path)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert upload.stdout is not None and upload.stdout.readline().strip() == "uploading"
        deadline = time.monotonic() + 60
        while not client.list_multipart_uploads(Bucket=bucket).get("Uploads"):
            assert upload.poll() is None, "the upload ended before it could be interrupted"
            assert time.monotonic() < deadline, "no multipart upload started"
            time.sleep(0.02)
        os.kill(upload.pid, signal.SIGKILL)
    finally:
        upload.kill()
        upload.wait()

    assert upload.returncode == -signal.SIGKILL
    s3fs.S3FileSystem.clear_instance_cache()
    assert _read(lakehouse, "analytics.duckdb") == b"yesterday's database"


def test_a_nightly_with_a_missing_bucket_fails_before_any_step_runs(
    s3: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in s3.env().items():
        monkeypatch.setenv(name, value)
    s3fs.S3FileSystem.clear_instance_cache()
    result = run_nightly("s3://no-such-bucket/museum")

    assert not result.success
    started = [e.step_key for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_START]
    assert not started and not result.get_asset_materialization_events()
    errors = [
        error.to_string()
        for e in result.all_events
        if (error := getattr(e.event_specific_data, "error", None)) is not None
    ]
    assert any("Cannot write to s3://no-such-bucket/museum/lake (DATA_DIR)" in m for m in errors), errors
