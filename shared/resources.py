"""Settings and resources, and the one place the environment is read.

Every path the pipeline writes lies under ``DATA_DIR`` (default ``data``, relative to the working
directory). ``read_settings`` reads the environment when the definitions are loaded, in each
Dagster process; nothing else in the project looks at ``os.environ``.
"""

import os
import shutil
import tempfile
from collections.abc import Generator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from harvest.sources import ArticApi, DumpLocation, WaltersApi, WaltersExports
from shared.io_manager import LakeIOManager

DEFAULT_WALTERS_API_KEY = "offline"  # the embedded replay accepts any non-empty key
DATABASE_FILE = "analytics.duckdb"  # under DATA_DIR


@dataclass(frozen=True)
class Settings:
    """The configuration table of the README, with its defaults."""

    data_dir: str = "data"
    walters_api_url: str | None = None
    walters_api_key: str = DEFAULT_WALTERS_API_KEY
    walters_exports_url: str | None = None
    artic_api_url: str | None = None
    tate_collection_url: str | None = None
    timezone: str = "UTC"
    failure_webhook_url: str | None = None
    public_base_url: str = "https://collection.example.org"


def read_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (default: the process environment); unset or empty means default."""
    env = os.environ if env is None else env
    defaults = Settings()

    def get(name: str) -> str | None:
        return env.get(name) or None

    # Dagster stores resource config with every run: a key from the environment is bound by name
    # (dg.EnvVar, read when the harvest starts), so its value never lands in the run history.
    key_from_env = env is os.environ and get("WALTERS_API_KEY") is not None
    return Settings(
        data_dir=get("DATA_DIR") or defaults.data_dir,
        walters_api_url=get("WALTERS_API_URL"),
        walters_api_key=dg.EnvVar("WALTERS_API_KEY")
        if key_from_env
        else (get("WALTERS_API_KEY") or defaults.walters_api_key),
        walters_exports_url=get("WALTERS_EXPORTS_URL"),
        artic_api_url=get("ARTIC_API_URL"),
        tate_collection_url=get("TATE_COLLECTION_URL"),
        timezone=get("NIGHTLY_TIMEZONE") or defaults.timezone,
        failure_webhook_url=get("FAILURE_WEBHOOK_URL"),
        public_base_url=get("PUBLIC_BASE_URL") or defaults.public_base_url,
    )


class Lakehouse(dg.ConfigurableResource):
    """Where the lake, the database, the exports and the harvest state live."""

    data_dir: str = Settings.data_dir

    @property
    def root(self) -> Path:
        return Path(self.data_dir).resolve()

    @property
    def lake_dir(self) -> Path:
        return self.root / "lake"

    def table_path(self, asset_name: str) -> Path:
        """Where the lake IO manager keeps an asset's Parquet file."""
        return self.lake_dir / f"{asset_name}.parquet"

    @property
    def database_path(self) -> Path:
        return self.root / DATABASE_FILE

    @contextmanager
    def publishing(self, name: str) -> Generator[Path]:
        """A scratch path to write the published file ``name`` (relative to DATA_DIR, e.g.
        ``exports/objects.ndjson``) into. When the block ends without an error the scratch file
        replaces the published one in one step; on an error the published file stays as it was.
        Either way nothing else is left behind (a database's write-ahead log included), so readers
        never see half a file and a failed run costs the museum nothing it had."""
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        # A folder of its own beside the target: same file system (the swap is a rename), and
        # whatever the writer leaves beside its file goes with the folder.
        scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            yield scratch / target.name
            os.replace(scratch / target.name, target)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


class PublicIds(dg.ConfigurableResource):
    """The base of the ids in the Linked Art and IIIF exports (``PUBLIC_BASE_URL``)."""

    base_url: str = Settings.public_base_url


def build_resources(settings: Settings) -> dict[str, object]:
    """The resources every job uses."""
    lakehouse = Lakehouse(data_dir=settings.data_dir)
    return {
        "lakehouse": lakehouse,
        "public_ids": PublicIds(base_url=settings.public_base_url),
        "io_manager": LakeIOManager(base_dir=str(lakehouse.lake_dir)),
        "walters_api": WaltersApi(base_url=settings.walters_api_url, api_key=settings.walters_api_key),
        "walters_exports": WaltersExports(location=settings.walters_exports_url),
        "artic_api": ArticApi(base_url=settings.artic_api_url),
        "tate_dump": DumpLocation(location=settings.tate_collection_url),
    }
