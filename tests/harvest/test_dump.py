"""Reading a dump: folders and archives made here, local and over a loopback server that misbehaves."""

import io
import json
import tarfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

import httpx
import polars as pl
import pytest

from harvest.dump import glob_pattern, read_csv_files, read_json_records
from harvest.http import HarvestError, HttpConfig
from tests.servers import Faults, serve

# Written out of path order on purpose: the reader must sort.
RECORDS = {
    "collection-master/artworks/b/001/b1-2.json": {"id": 2, "title": "Two"},
    "collection-master/artworks/a/000/a1-1.json": {"id": 1, "title": "One"},
    "collection-master/artworks/a/000/a1-3.json": {"id": 3, "title": "Three"},
    "collection-master/artists/x/x-9.json": {"id": 9, "fc": "Someone"},
    "collection-master/README.md": "not a record",
}


def _bytes(value: object) -> bytes:
    return value.encode() if isinstance(value, str) else json.dumps(value).encode()


def make_tar(path: Path, files: Mapping[str, object]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, value in files.items():
            data = _bytes(value)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def make_zip(path: Path, files: Mapping[str, object]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, value in files.items():
            archive.writestr(name, _bytes(value))
    return path


def make_folder(path: Path, files: Mapping[str, object]) -> Path:
    for name, value in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(_bytes(value))
    return path


def fast(source: str = "tate") -> HttpConfig:
    return HttpConfig(
        source=source,
        base_url="http://unused/",
        timeout_s=2.0,
        max_attempts=3,
        backoff_initial_s=0.01,
        backoff_max_s=0.02,
        backoff_jitter_s=0.0,
    )


EXPECTED_PATHS = [
    "collection-master/artworks/a/000/a1-1.json",
    "collection-master/artworks/a/000/a1-3.json",
    "collection-master/artworks/b/001/b1-2.json",
]


@pytest.mark.parametrize("make", [make_tar, make_zip])
def test_an_archive_gives_the_matching_records_in_path_order(tmp_path: Path, make) -> None:
    archive = make(tmp_path / "dump.bin", RECORDS)  # told by content, not by name
    dump = read_json_records(str(archive), "artworks/**/*.json", source="tate")
    assert dump.paths == EXPECTED_PATHS
    assert [r["id"] for r in dump.records] == [1, 3, 2]
    assert dump.stats.files == 3
    assert dump.stats.archive_bytes == archive.stat().st_size


def test_a_checkout_folder_reads_alike_with_or_without_its_top_folder(tmp_path: Path) -> None:
    root = make_folder(tmp_path / "checkout", RECORDS)
    with_top = read_json_records(str(root), "artworks/**/*.json", source="tate")
    without_top = read_json_records(str(root / "collection-master"), "artworks/**/*.json", source="tate")
    assert [r["id"] for r in with_top.records] == [r["id"] for r in without_top.records] == [1, 3, 2]
    assert without_top.paths[0] == "artworks/a/000/a1-1.json"
    assert with_top.stats.archive_bytes is None


def test_the_glob_matches_at_the_root_or_under_one_top_folder_only() -> None:
    pattern = glob_pattern("artworks/**/*.json")
    assert pattern.fullmatch("artworks/a.json")
    assert pattern.fullmatch("artworks/a/000/a.json")
    assert pattern.fullmatch("top/artworks/a/a.json")
    assert not pattern.fullmatch("a/b/artworks/a.json")
    assert not pattern.fullmatch("artworks/a/a.json.bak")
    assert not pattern.fullmatch("artists/a/a.json")


def test_bad_json_names_the_archive_member(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "dump.zip", {"top/artworks/a/bad-1.json": "{not json"})
    with pytest.raises(ValueError, match=r"dump\.zip member top/artworks/a/bad-1\.json is not valid JSON"):
        read_json_records(str(archive), "artworks/**/*.json", source="tate")


def test_a_json_value_that_is_not_an_object_names_its_file(tmp_path: Path) -> None:
    root = make_folder(tmp_path, {"artworks/a/list-1.json": [1, 2]})
    with pytest.raises(ValueError, match=r"list-1\.json holds a JSON list, not an object"):
        read_json_records(str(root), "artworks/**/*.json", source="tate")


def test_a_missing_dump_a_dump_without_matches_and_a_broken_archive_fail_naming_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"no dump at .*nowhere"):
        read_json_records(str(tmp_path / "nowhere"), "artworks/**/*.json", source="tate")
    empty = make_zip(tmp_path / "other.zip", {"top/readme.txt": "hello"})
    with pytest.raises(FileNotFoundError, match=r"no file matching artworks/\*\*/\*\.json .*other\.zip"):
        read_json_records(str(empty), "artworks/**/*.json", source="tate")
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(make_tar(tmp_path / "ok.tar.gz", RECORDS).read_bytes()[:200])
    with pytest.raises(ValueError, match=r"broken\.tar\.gz is not a readable \.zip or tar archive"):
        read_json_records(str(broken), "artworks/**/*.json", source="tate")


def test_csv_files_are_read_as_strings_in_path_order_with_their_path(tmp_path: Path) -> None:
    root = make_folder(
        tmp_path,
        {
            "exports/b.csv": "id,name\n2,Bea\n",
            "exports/a.csv": "id,name,extra\n007,Al,x\n",
            "exports/c.txt": "-",
        },
    )
    frame, stats = read_csv_files(str(root), "exports/*.csv", source="walters")
    assert stats.files == 2
    assert frame.schema == pl.Schema(
        {"id": pl.String, "name": pl.String, "extra": pl.String, "path": pl.String}
    )
    assert frame.rows() == [("007", "Al", "x", "exports/a.csv"), ("2", "Bea", None, "exports/b.csv")]


def _archive_handler(body: bytes):
    return lambda request: httpx.Response(200, content=body)


def test_a_url_is_downloaded_through_the_retrying_client_after_a_server_error(tmp_path: Path) -> None:
    body = make_tar(tmp_path / "dump.tar.gz", RECORDS).read_bytes()
    failed: list[str] = []

    def first_fails(request: httpx.Request) -> bool:
        failed.append(request.url.path)
        return len(failed) == 1

    with serve(_archive_handler(body), Faults(always_fail=first_fails)) as server:
        url = f"{server.url}/tategallery/collection/archive/master.tar.gz"
        dump = read_json_records(url, "artworks/**/*.json", source="tate", http=fast())
    assert server.faults["always_fail"] == 1
    assert server.requests["/tategallery/collection/archive/master.tar.gz"] == 2
    assert [r["id"] for r in dump.records] == [1, 3, 2]
    assert dump.stats.requests.retries == 1
    assert dump.stats.requests.statuses == {"200": 1, "500": 1}
    assert dump.stats.archive_bytes == len(body)
    assert dump.stats.requests.bytes_received > len(body)  # the error page counts too


def test_a_body_cut_off_every_time_fails_naming_the_url(tmp_path: Path) -> None:
    body = make_zip(tmp_path / "dump.zip", RECORDS).read_bytes()
    with serve(_archive_handler(body), Faults(cutoff_rate=1.0)) as server:
        url = f"{server.url}/collection.zip"
        with pytest.raises(
            HarvestError, match=r"tate: GET http://127\.0\.0\.1:\d+/collection\.zip failed after 3"
        ):
            read_json_records(url, "artworks/**/*.json", source="tate", http=fast())
    assert server.faults["cutoff"] == 3


def test_a_cut_off_body_is_fetched_again_whole(tmp_path: Path) -> None:
    body = make_zip(tmp_path / "dump.zip", RECORDS).read_bytes()
    # Seed 1 cuts the first answer off and serves the second whole (faults are drawn per seed).
    with serve(_archive_handler(body), Faults(cutoff_rate=0.5), seed=1) as server:
        dump = read_json_records(
            f"{server.url}/collection.zip", "artworks/**/*.json", source="tate", http=fast()
        )
    assert server.faults["cutoff"] >= 1
    assert dump.stats.requests.retries == server.faults["cutoff"]
    assert [r["id"] for r in dump.records] == [1, 3, 2]
