"""The sources as Dagster resources: where an API is, how hard to push it, and the offline default;
where a dump is. A museum's own API resource subclasses ``ApiSource`` in its folder
(harvest/walters/api.py); an API museum that needs nothing of its own uses ``PagedApi``.

With no base URL a source is the embedded replay of the data shipped in the museum's folder
(harvest/<museum>/data), served through the same HTTP client code as a real server (an in-process
transport instead of a socket).
"""

from typing import Any

import dagster as dg
import httpx

from harvest.http import HttpConfig, HttpHarvester
from harvest.replay import REPLAY_URL


class ApiSource(dg.ConfigurableResource):
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


class PagedApi(ApiSource):
    """A museum's paged JSON API (harvest.api_assets); unset base URL: the embedded replay of the
    sample shipped in the museum's folder."""

    page_size: int = 100

    def harvester(self, source: str, replay: httpx.BaseTransport) -> HttpHarvester:
        """The harvester of ``source``: at ``base_url``, else over ``replay`` (the shipped sample)."""
        config = HttpConfig(
            source=source,
            base_url=self.base_url or REPLAY_URL,
            timeout_s=self.timeout_s,
            page_size=self.page_size,
            concurrency=self.concurrency,
            requests_per_second=self.requests_per_second,
            **self._retry_settings(),
        )
        return self._harvester(config, replay)


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
