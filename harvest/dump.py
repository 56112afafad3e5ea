"""A museum's published dump read as received: a folder, or an archive by path or http(s) URL.

A dump holds one JSON record a file (a collection repository's ``artworks/**/*.json``) or CSV files.
Files are picked by a glob relative to the collection's root (``**/`` any folders, ``*`` and ``?``
within a name), which may sit under one top folder, as a repository's host serves a download
(``collection-master/artworks/...``). An archive is a .zip or a tar (gzipped or not), told by its
content, not its name. A URL is fetched through the retrying HTTP client into a temporary file and
read member by member from there, so the archive is never held in memory; the records are. Files
come in the order of their paths, so the same dump gives the same frame. Errors name the location
and the file or member.
"""

import gzip
import io
import json
import re
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, TypeVar, cast

import httpx
import polars as pl

from harvest.http import HttpConfig, HttpHarvester, RequestCounts
from shared.redaction import public_url

T = TypeVar("T")


@dataclass(frozen=True)
class DumpStats:
    """What reading a dump took: files read, the archive's size (None: a folder), the download's
    requests (empty when local) and the wall time."""

    files: int
    archive_bytes: int | None
    requests: RequestCounts = field(default_factory=RequestCounts)
    duration_s: float = 0.0


@dataclass(frozen=True)
class DumpRecords:
    """JSON records, ``paths[i]`` the file ``records[i]`` came from (relative to the root)."""

    records: list[dict[str, Any]]
    paths: list[str]
    stats: DumpStats


def glob_pattern(glob: str) -> re.Pattern[str]:
    """A glob relative to the collection's root, as a regex over member paths; the root may be the
    archive's own or one top folder."""
    parts = re.split(r"(\*\*/|\*|\?)", glob)
    wildcards = {"**/": "(?:[^/]+/)*", "*": "[^/]*", "?": "[^/]"}
    body = "".join(wildcards.get(part, re.escape(part)) for part in parts)
    return re.compile(rf"(?:[^/]+/)?{body}")


def read_json_records(
    location: str, glob: str, *, source: str, http: HttpConfig | None = None
) -> DumpRecords:
    """Every file matching ``glob`` in the dump at ``location``, each one JSON object."""

    def parse(where: str, data: bytes) -> dict[str, Any]:
        try:
            record = json.loads(data)
        except ValueError as error:  # bad JSON, or bytes that are not UTF-8
            raise ValueError(f"{source}: {where} is not valid JSON: {error}") from None
        if not isinstance(record, dict):
            raise ValueError(f"{source}: {where} holds a JSON {type(record).__name__}, not an object")
        return record

    parsed, stats = _read_dump(location, glob, parse, source=source, http=http)
    return DumpRecords([record for _, record in parsed], [path for path, _ in parsed], stats)


def read_csv_files(
    location: str, glob: str, *, source: str, http: HttpConfig | None = None
) -> tuple[pl.DataFrame, DumpStats]:
    """Every CSV file matching ``glob``, as received (every column a string), one after another
    (columns matched by name), with the file each row came from in ``path``."""

    def parse(where: str, data: bytes) -> pl.DataFrame:
        try:
            return pl.read_csv(io.BytesIO(data), infer_schema=False, empty_string_is_null=True)
        except pl.exceptions.PolarsError as error:
            raise ValueError(f"{source}: {where} could not be read as CSV: {error}") from None

    parsed, stats = _read_dump(location, glob, parse, source=source, http=http)
    frames = [frame.with_columns(path=pl.lit(path)) for path, frame in parsed]
    return (pl.concat(frames, how="diagonal") if frames else pl.DataFrame()), stats


def _read_dump(
    location: str,
    glob: str,
    parse: Callable[[str, bytes], T],
    *,
    source: str,
    http: HttpConfig | None,
) -> tuple[list[tuple[str, T]], DumpStats]:
    """Each matching file parsed as it is read (a tar is read in one pass, in its own order),
    then put in path order."""
    started, pattern = time.perf_counter(), glob_pattern(glob)
    with _local_copy(location, source=source, http=http) as (local, counts):
        members = _members(local, public_url(location), pattern)
        parsed = sorted(((path, parse(where, data)) for path, where, data in members), key=lambda p: p[0])
        archive_bytes = local.stat().st_size if local.is_file() else None
    if not parsed:
        raise FileNotFoundError(f"{source}: no file matching {glob} in the dump at {public_url(location)}")
    return parsed, DumpStats(len(parsed), archive_bytes, counts, round(time.perf_counter() - started, 3))


@contextmanager
def _local_copy(
    location: str, *, source: str, http: HttpConfig | None
) -> Generator[tuple[Path, RequestCounts]]:
    """The dump as a local path (a URL downloaded to a temporary file, removed afterwards)."""
    if not location.startswith(("http://", "https://")):
        local = Path(location)
        if not local.exists():
            raise FileNotFoundError(f"{source}: no dump at {location}")
        yield local, RequestCounts()
        return
    url = httpx.URL(location)
    base = str(url.copy_with(raw_path=b"/", fragment=None))
    # A presigned URL's query is a credential: every parameter is shown as *** in errors.
    signed = frozenset(name for name, _ in url.params.multi_items())
    config = replace(http or HttpConfig(source=source, base_url=base), base_url=base)
    config = replace(config, secret_params=config.secret_params | signed)
    with tempfile.TemporaryDirectory(prefix="dump-") as scratch, HttpHarvester(config) as harvester:
        local = Path(scratch) / "archive"
        harvester.download(url.raw_path.decode("ascii"), local)
        yield local, harvester.counts()


def _members(local: Path, location: str, pattern: re.Pattern[str]) -> Iterator[tuple[str, str, bytes]]:
    """The matching files as (path, where, bytes), where naming the file or archive member
    (``location``: the dump's location as messages show it)."""
    if local.is_dir():
        for file in local.rglob("*"):
            path = file.relative_to(local).as_posix()
            if file.is_file() and pattern.fullmatch(path):
                yield path, str(file), file.read_bytes()
        return
    try:
        if zipfile.is_zipfile(local):
            with zipfile.ZipFile(local) as archive:
                for path in (name for name in archive.namelist() if pattern.fullmatch(name)):
                    where = f"{location} member {path}"
                    yield path, where, archive.read(path)
            return
        # Streaming mode ("r|"): one pass, no seeking back in a gzip. The gzip is unpacked by
        # gzip.GzipFile, which fails on a cut-off stream; tarfile's own reader would take a stream
        # that ends between two members for the end of the archive.
        with _opened(local) as stream, tarfile.open(fileobj=stream, mode="r|") as archive:
            for info in archive:
                file = archive.extractfile(info) if info.isfile() and pattern.fullmatch(info.name) else None
                if file is not None:
                    yield info.name, f"{location} member {info.name}", file.read()
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as error:
        raise ValueError(f"{location} is not a readable .zip or tar archive: {error}") from None


def _opened(local: Path) -> IO[bytes]:
    """The file, unpacked as it is read when it is a gzip (told by its first bytes)."""
    with local.open("rb") as head:
        is_gzip = head.read(2) == b"\x1f\x8b"
    return cast(IO[bytes], gzip.GzipFile(local, "rb")) if is_gzip else local.open("rb")
