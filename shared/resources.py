"""Settings and resources, and the one place the environment is read.

Every path the pipeline writes lies under ``DATA_DIR`` (default ``data``, relative to the working
directory). ``read_settings`` reads the environment when the definitions are loaded, in each
Dagster process; nothing else in the project looks at ``os.environ``.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from harvest.sources import ArticApi, WaltersApi, WaltersExports
from shared.io_manager import LakeIOManager

DEFAULT_WALTERS_API_KEY = "offline"  # the embedded replay accepts any non-empty key


@dataclass(frozen=True)
class Settings:
    """The configuration table of the README, with its defaults."""

    data_dir: str = "data"
    walters_api_url: str | None = None
    walters_api_key: str = DEFAULT_WALTERS_API_KEY
    walters_exports_url: str | None = None
    artic_api_url: str | None = None
    timezone: str = "UTC"
    failure_webhook_url: str | None = None


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
        timezone=get("NIGHTLY_TIMEZONE") or defaults.timezone,
        failure_webhook_url=get("FAILURE_WEBHOOK_URL"),
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
        return self.root / "analytics.duckdb"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    @property
    def state_dir(self) -> Path:
        """High-water marks that make harvests incremental."""
        return self.root / "state"


def build_resources(settings: Settings) -> dict[str, object]:
    """The resources every job uses."""
    lakehouse = Lakehouse(data_dir=settings.data_dir)
    return {
        "lakehouse": lakehouse,
        "io_manager": LakeIOManager(base_dir=str(lakehouse.lake_dir)),
        "walters_api": WaltersApi(base_url=settings.walters_api_url, api_key=settings.walters_api_key),
        "walters_exports": WaltersExports(location=settings.walters_exports_url),
        "artic_api": ArticApi(base_url=settings.artic_api_url),
    }
