"""Settings and resources, and the one place the environment is read.

Every path the pipeline writes lies under ``DATA_DIR`` (default ``data``, relative to the working
directory; or an object-storage URL such as ``s3://bucket/prefix``). ``read_settings`` reads the environment when the definitions are loaded, in each
Dagster process; nothing else in the project looks at ``os.environ``.
"""

import os
from collections.abc import Generator, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import polars as pl
from upath import UPath

from shared.io_manager import LakeIOManager
from shared.lake import bound_memory
from shared.redaction import public_url
from shared.storage import (
    K,
    check_writable,
    forget_listings,
    local_copies,
    publishing,
    publishing_together,
    storage_root,
)

DATABASE_FILE = "analytics.duckdb"  # under DATA_DIR


@dataclass(frozen=True, repr=False)
class Settings:
    """The configuration table of the README, with its defaults. A museum's own settings
    (``WALTERS_API_URL``, ``TATE_COLLECTION_URL``...) are named by its declaration
    (harvest/<museum>/__init__.py): ``read_settings`` keeps only the variables the museums declare
    (``museum_env``), so adding a museum adds nothing here, and no other variable of the
    environment (AWS keys, the PostgreSQL URL) is ever held, printed or stored by the pipeline."""

    data_dir: str = "data"
    timezone: str = "UTC"
    failure_webhook_url: str | None = None
    public_base_url: str = "https://collection.example.org"
    # MUSEUMS: the museums a deployment names (empty: decided by which locations are set).
    museums: tuple[str, ...] = ()
    # The museums' declared variables that are set, where each museum finds its own by name.
    museum_env: Mapping[str, str] = field(default_factory=dict)
    # Whether ``museum_env`` was read from this process's environment (see ``museum_value``).
    from_process_env: bool = False

    def __repr__(self) -> str:
        # Values may be secrets (the webhook, API keys, presigned URLs): names and hosts only.
        return (
            f"Settings(data_dir={public_url(self.data_dir)!r}, timezone={self.timezone!r}, "
            f"failure_webhook_url={'***' if self.failure_webhook_url else None}, "
            f"public_base_url={self.public_base_url!r}, museums={self.museums!r}, "
            f"museum_env=[{', '.join(sorted(self.museum_env))}])"
        )

    def museum_setting(self, name: str) -> str | None:
        """A museum's setting: the variable ``name``, None when unset or empty (the default)."""
        return self.museum_env.get(name) or None

    def museum_value(self, name: str, default: str | None = None) -> str | dg.EnvVar | None:
        """A museum's setting for a resource's config: a secret (an API key) or a location (a URL
        may carry credentials or a presigned query). Dagster stores resource config with every run,
        so a value from the process environment is bound by name (``dg.EnvVar``, read when the
        resource starts) and never lands in the run history."""
        if self.from_process_env and self.museum_setting(name) is not None:
            return dg.EnvVar(name)
        return self.museum_setting(name) or default


def read_settings(env: Mapping[str, str] | None = None, *, declared: Iterable[str] = ()) -> Settings:
    """Settings from ``env`` (default: the process environment); unset or empty means default.
    ``declared``: the museums' variables (``harvest.museums.declared_variables``), the only ones
    kept besides the table's own."""
    from_process_env = env is None
    env = os.environ if env is None else env
    bound_memory()  # the lake's Polars settings, in every process that loads the definitions
    defaults = Settings()

    def get(name: str) -> str | None:
        return env.get(name) or None

    return Settings(
        data_dir=get("DATA_DIR") or defaults.data_dir,
        timezone=get("NIGHTLY_TIMEZONE") or defaults.timezone,
        failure_webhook_url=get("FAILURE_WEBHOOK_URL"),
        public_base_url=get("PUBLIC_BASE_URL") or defaults.public_base_url,
        museums=tuple(name.strip() for name in (get("MUSEUMS") or "").split(",") if name.strip()),
        museum_env={name: env[name] for name in declared if get(name)},
        from_process_env=from_process_env,
    )


class Lakehouse(dg.ConfigurableResource):
    """Where the lake, the database, the exports and the harvest state live: a local folder or an
    object-storage URL (``shared.storage``)."""

    data_dir: str = Settings.data_dir

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        check_writable(self.root)  # a wrong URL, endpoint or key fails here, before any work

    @property
    def root(self) -> UPath:
        return storage_root(self.data_dir)

    @property
    def lake_dir(self) -> UPath:
        return self.root / "lake"

    def table_path(self, asset_name: str) -> UPath:
        """Where the lake IO manager keeps an asset's Parquet file."""
        return self.lake_dir / f"{asset_name}.parquet"

    def scan(self, asset_name: str) -> pl.LazyFrame:
        """The asset's table as the lake holds it (lazily)."""
        return pl.scan_parquet(str(self.table_path(asset_name)))

    def snapshot(self, asset_name: str) -> pl.LazyFrame | None:
        """The asset's table as the lake holds it now (lazily), or None before its first run."""
        path = self.table_path(asset_name)
        forget_listings(path)
        return self.scan(asset_name) if path.exists() else None

    @property
    def database_path(self) -> UPath:
        return self.root / DATABASE_FILE

    @contextmanager
    def publishing(self, name: str) -> Generator[Path]:
        """A local scratch path to write the published file ``name`` (relative to DATA_DIR, e.g.
        ``exports/objects.ndjson``) into. When the block ends without an error the scratch file
        replaces the published one in one step (a rename on disk, one upload to object storage);
        on an error the published file stays as it was. Either way nothing else is left behind (a
        database's write-ahead log included), so readers never see half a file and a failed run
        costs the museum nothing it had."""
        with publishing(self.root / name) as scratch:
            yield scratch

    @contextmanager
    def publishing_together(self, names: Sequence[str]) -> Generator[dict[str, Path]]:
        """``publishing`` for several files (``names``) at once: a scratch path for each; when the
        block ends without an error they all replace the published ones, else none does."""
        with publishing_together({name: self.root / name for name in names}) as scratch:
            yield scratch

    @contextmanager
    def local_copies(self, paths: Mapping[K, UPath]) -> Generator[dict[K, Path]]:
        """Local files to read ``paths`` (lake tables, published files) from, for tools that read
        only local files (DuckDB): the files themselves on disk, downloaded copies from object
        storage, removed when the block ends."""
        with local_copies(paths) as copies:
            yield copies


class PublicIds(dg.ConfigurableResource):
    """How the Linked Art and IIIF exports name things: the base of their ids (``PUBLIC_BASE_URL``)
    and each source's museum, by source name (the titles the museums' declarations give)."""

    base_url: str = Settings.public_base_url
    museum_titles: dict[str, str]


def build_resources(settings: Settings, museum_titles: Mapping[str, str]) -> dict[str, object]:
    """The resources of the lake every job uses (each museum adds its own: harvest.museums);
    ``museum_titles``: the names of the museums the run harvests, by source, for the exports."""
    lakehouse = Lakehouse(data_dir=settings.data_dir)
    return {
        "lakehouse": lakehouse,
        "public_ids": PublicIds(base_url=settings.public_base_url, museum_titles=dict(museum_titles)),
        "io_manager": LakeIOManager(base_dir=str(lakehouse.lake_dir)),
    }
