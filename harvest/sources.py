"""The sources as Dagster resources: where each API is, how hard to push it, and the offline default.

With no base URL a source is the embedded replay of the data shipped in the museum's folder
(harvest/<museum>/data), served through the same HTTP client code as a real server (an in-process
transport instead of a socket).
"""

from typing import Any

import dagster as dg
import httpx

from harvest.exports import SHIPPED_EXPORTS
from harvest.http import HttpConfig, HttpHarvester
from harvest.replay import (
    ARTIC_REPLAY_URL,
    WALTERS_REPLAY_URL,
    artic_replay_transport,
    walters_replay_transport,
)

# The Art Institute asks API clients to identify themselves with this header (api.artic.edu/docs).
ARTIC_USER_AGENT = "collection-lakehouse (museum analytics pipeline; nightly harvest)"


class _ApiSource(dg.ConfigurableResource):
    """Where a source is and how hard to push it. The retry fields are stamina's exponential
    backoff with jitter (first wait, cap, jitter), the cap on a server's `Retry-After`, and
    `retry_deadline_s`: one request (a page), all its attempts and waits included, gives up after
    this long even with attempts left (`timeout_s` bounds each attempt, `max_attempts` their number).
    A request that gave up on a transient failure fails the step, which the job's step retry
    policy runs again (shared/jobs.py); a 4xx other than 408/429 fails it for good."""

    base_url: str | None = None
    timeout_s: float = 30.0
    concurrency: int = 4
    requests_per_second: float | None = None
    max_attempts: int = 6
    backoff_initial_s: float = 0.5
    backoff_max_s: float = 30.0
    backoff_jitter_s: float = 1.0
    retry_after_max_s: float = 60.0
    retry_deadline_s: float = 120.0

    @property
    def is_replay(self) -> bool:
        return not self.base_url

    def _retry_settings(self) -> dict[str, Any]:
        return {
            "max_attempts": self.max_attempts,
            "backoff_initial_s": self.backoff_initial_s,
            "backoff_max_s": self.backoff_max_s,
            "backoff_jitter_s": self.backoff_jitter_s,
            "retry_after_max_s": self.retry_after_max_s,
            "retry_deadline_s": self.retry_deadline_s,
        }

    def _harvester(self, config: HttpConfig, replay: httpx.BaseTransport) -> HttpHarvester:
        return HttpHarvester(config, transport=replay if self.is_replay else None)


class WaltersApi(_ApiSource):
    """The Walters v1 API (`GET {base}/v1/objects`); unset base URL: the shipped 2,107-object sample.

    The key is a secret. A resource's configured values are written into the job snapshot that
    Dagster stores with every run, so `shared.resources` binds a key from `WALTERS_API_KEY` as
    `dg.EnvVar`: the snapshot then records only the variable's name, and `key()` reads the value
    when the harvest starts.
    """

    api_key: str = "offline"
    page_size: int = 100

    def key(self) -> str:
        """The key's value (read from the environment when it was bound as `dg.EnvVar`)."""
        key = self.api_key
        return (key.get_value() or "") if isinstance(key, dg.EnvVar) else key

    def harvester(self) -> HttpHarvester:
        config = HttpConfig(
            source="walters",
            base_url=self.base_url or WALTERS_REPLAY_URL,
            params={"apikey": self.key()},
            secret_params=frozenset({"apikey"}),
            timeout_s=self.timeout_s,
            page_size=self.page_size,
            concurrency=self.concurrency,
            requests_per_second=self.requests_per_second,
            **self._retry_settings(),
        )
        return self._harvester(config, walters_replay_transport())


class ArticApi(_ApiSource):
    """The Art Institute of Chicago API (e.g. https://api.artic.edu/api/v1); unset: the shipped
    fixtures. The docs ask for a single, self-throttled client: one request at a time, 1/s."""

    page_size: int = 100
    concurrency: int = 1
    requests_per_second: float | None = 1.0

    def harvester(self) -> HttpHarvester:
        config = HttpConfig(
            source="artic",
            base_url=self.base_url or ARTIC_REPLAY_URL,
            headers={"AIC-User-Agent": ARTIC_USER_AGENT},
            timeout_s=self.timeout_s,
            page_size=self.page_size,
            concurrency=self.concurrency,
            # The replay answers in-process: no server to be polite to.
            requests_per_second=None if self.is_replay else self.requests_per_second,
            **self._retry_settings(),
        )
        return self._harvester(config, artic_replay_transport())


class WaltersExports(dg.ConfigurableResource):
    """Where the Walters CSV exports are: a directory or base URL; unset: the shipped copies."""

    location: str | None = None

    @property
    def resolved(self) -> str:
        return self.location or str(SHIPPED_EXPORTS)


class DumpLocation(dg.ConfigurableResource):
    """Where a museum's dump is (``harvest.dump``): a folder, or an archive by path or http(s) URL;
    unset: the sample shipped with the museum's harvest. ``retry_deadline_s``: how long a download
    of the archive may take, its attempts and waits included (the whole archive, so longer than a
    page's)."""

    location: str | None = None
    retry_deadline_s: float = 900.0

    def http(self, source: str) -> HttpConfig:
        """The HTTP settings of a download (its base URL is the location's host: harvest.dump)."""
        return HttpConfig(source=source, base_url=self.location or "", retry_deadline_s=self.retry_deadline_s)
