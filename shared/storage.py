"""Where the pipeline's files live: a local folder, or object storage behind an fsspec URL.

``DATA_DIR`` is a folder (the default, ``data``) or a URL such as ``s3://bucket/prefix``. The lake's
Parquet is read and written there directly (Polars reaches object storage natively, streaming; its
credentials and endpoint come from the standard AWS variables). What only reads local files (DuckDB
without its network extension, which cannot be installed offline) gets local copies in a scratch
folder, and what is published is written to scratch and then put in place in one step:

- on local disk, one rename (``os.replace``) on the same file system;
- on object storage, an upload beside the target, then a move onto it (a server-side copy): S3
  shows an object only once its PUT, multipart upload or copy is complete, so readers never see
  half a file and an interrupted upload leaves the old object.

Files published together (``publishing_together``: the database and every export) are all built
first and put in place only when all are complete; on object storage all are uploaded before any
is moved in. A lake table checked before the lake holds it is written beside its file
(``staging_path``) and put in place the same way (``promote``).

No step relies on another step's local files: each step may run in its own process or container.
A step's inputs on object storage are read from a whole copy downloaded once per process and
version of the object (``readable``): a table that the steps scan many times is one GET, not a
ranged request per row group and column each time.
"""

import functools
import multiprocessing.util
import os
import shutil
import tempfile
import uuid
from collections.abc import Generator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from upath import UPath

K = TypeVar("K")


class StorageUnavailable(RuntimeError):
    """DATA_DIR cannot be written: wrong endpoint, credentials or bucket."""


def storage_root(data_dir: str) -> UPath:
    """``data_dir`` as a path: a local folder made absolute, or the URL as given."""
    root = UPath(data_dir)
    return UPath(Path(data_dir).resolve()) if is_local(root) else root


def is_local(path: UPath | Path) -> bool:
    """Whether ``path`` is on this machine's file system (a plain path, not a URL)."""
    return isinstance(path, Path)


def check_writable(root: UPath) -> None:
    """Fail now, naming ``root``, unless a file can be written under it and removed again.

    Run before any work, so that an unreachable endpoint, wrong credentials or a missing bucket is
    one clear error instead of a harvest's worth of work lost at its first write. The message names
    the URL and the storage's own reason (never a credential: those live in the environment)."""
    if is_local(root):
        return  # a local folder is created when first written
    probe = root / f".writable-{uuid.uuid4().hex}"  # one per process: steps may check at once
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except Exception as error:
        reason = str(error).strip() or type(error).__name__
        raise StorageUnavailable(
            f"Cannot write to {root} (DATA_DIR): {reason}. Check the URL's bucket, the endpoint "
            "(AWS_ENDPOINT_URL) and the credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)."
        ) from None


def forget_listings(path: UPath) -> None:
    """Drop what the file system object remembers of ``path``'s folder: other processes (Polars,
    other steps) write the lake, and a remembered listing would hide their files."""
    if not is_local(path):
        path.fs.invalidate_cache(path.parent.path)


def staging_path(target: UPath) -> UPath:
    """A new path beside ``target`` to write its next version into, for ``promote`` to put in place
    (hidden, and unique: steps and retries never share one)."""
    if is_local(target):
        target.parent.mkdir(parents=True, exist_ok=True)
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.staging")


def promote(staged: UPath | Path, target: UPath) -> None:
    """Put ``staged`` in place of ``target`` in one step: a rename on disk; on object storage a move
    (a server-side copy, then the staged object deleted), and the target object changes only once
    the copy is complete."""
    if is_local(target):
        os.replace(str(staged), str(target))
        return
    target.fs.mv(UPath(staged).path, target.path)
    forget_listings(target)


def discard(staged: UPath) -> None:
    """Remove ``staged`` if it is there (a write that failed may have left nothing)."""
    forget_listings(staged)
    if staged.exists():
        staged.unlink()


def _scratch_folder(target: UPath) -> Path:
    if is_local(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        # A folder of its own beside the target: same file system (the swap is a rename), and
        # whatever the writer leaves beside its file goes with the folder.
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=str(target.parent)))
    return Path(tempfile.mkdtemp(prefix=f"publishing-{target.name}."))


def _put_in_place(files: Mapping[Path, UPath]) -> None:
    """Each local file in place of its target. On object storage every file is first uploaded
    beside its target, and only once all uploads are complete are they moved in: a failed upload
    (the slow, fallible part) leaves every target as it was."""
    uploaded: list[UPath] = []
    try:
        moves: list[tuple[UPath | Path, UPath]] = []
        for local, target in files.items():
            if is_local(target):
                moves.append((local, target))
                continue
            uploaded.append(staging_path(target))
            target.fs.put_file(str(local), uploaded[-1].path)
            moves.append((uploaded[-1], target))
        for staged, target in moves:
            promote(staged, target)
    finally:
        for staged in uploaded:
            discard(staged)


@contextmanager
def publishing_together(targets: Mapping[K, UPath]) -> Generator[dict[K, Path]]:
    """Local scratch paths to write each of ``targets`` into, put in place together when the block
    ends without an error; on an error every target stays as it was. Nothing else is left behind
    either way (a database's write-ahead log included)."""
    folders: list[Path] = []
    try:
        scratch = {}
        for key, target in targets.items():
            folders.append(_scratch_folder(target))
            scratch[key] = folders[-1] / target.name
        yield scratch
        _put_in_place({scratch[key]: target for key, target in targets.items()})
    finally:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def publishing(target: UPath) -> Generator[Path]:
    """A local scratch path to write ``target`` into; put in place in one step when the block ends
    without an error, else ``target`` stays as it was (``publishing_together``, for one file)."""
    with publishing_together({target: target}) as scratch:
        yield scratch[target]


@contextmanager
def local_copies(paths: Mapping[K, UPath]) -> Generator[dict[K, Path]]:
    """Local files holding ``paths`` for the duration of the block: the files themselves on local
    disk; on object storage, copies downloaded into a scratch folder removed when the block ends."""
    if all(is_local(path) for path in paths.values()):
        yield {key: Path(str(path)) for key, path in paths.items()}
        return
    scratch = Path(tempfile.mkdtemp(prefix="local-copies."))
    try:
        copies = {}
        for number, (key, path) in enumerate(paths.items()):
            copies[key] = scratch / f"{number}-{path.name}"
            path.fs.get_file(path.path, str(copies[key]))
        yield copies
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# Whole copies of lake objects this process has read (``readable``), by URL and version.
_READ_CACHE: dict[tuple[str, str], Path] = {}


def _version(info: Mapping[str, object]) -> str:
    """What changes when an object is rewritten: its ETag (S3, Azure), generation (GCS) or time."""
    for field in ("ETag", "etag", "generation", "LastModified", "last_modified", "mtime"):
        if info.get(field) is not None:
            return f"{info.get('size')}:{info[field]}"
    return uuid.uuid4().hex  # unknown: never reuse a copy


@functools.cache
def _read_cache_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="lake-read-cache."))
    # Removed at exit also by a process that multiprocessing forked (a step under the forkserver,
    # shared.jobs.A_PROCESS_PER_STEP): such a process ends in os._exit, which runs no atexit
    # function, but runs multiprocessing's finalizers; in any other process they run at exit. A
    # finalizer runs only in the process that made it, so a forked child never removes its parent's.
    multiprocessing.util.Finalize(
        None, shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True}, exitpriority=0
    )
    return folder


def _forget_read_cache() -> None:
    """In a forked child: its copies and folder are its own, not its parent's."""
    _READ_CACHE.clear()
    _read_cache_folder.cache_clear()


os.register_at_fork(after_in_child=_forget_read_cache)


def readable(path: UPath) -> str:
    """Where to scan the lake table ``path`` from: the path itself on local disk; on object storage,
    a whole copy downloaded into a folder of this process (removed at exit) the first time this
    version of the object is read. Polars reads a URL in ranged requests, one per row group and
    column; a table scanned by many assets cost the reshape 6x its local time that way at 1M
    objects (docs/performance.md). The object's version is asked for at every call (one HEAD), so
    a table rewritten since is downloaded again."""
    if is_local(path):
        return str(path)
    url = str(path)
    forget_listings(path)  # another process may have rewritten it
    version = _version(path.fs.info(path.path))
    copy = _READ_CACHE.get((url, version))
    if copy is None:
        copy = _read_cache_folder() / f"{len(_READ_CACHE)}-{path.name}"
        path.fs.get_file(path.path, str(copy))
        _READ_CACHE[(url, version)] = copy
    return str(copy)
