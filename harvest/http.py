"""The one HTTP core every API source harvests through: retries, rate limit, bounded concurrency.

`HttpHarvester.get_json` GETs `{base_url}{path}` with the config's fixed query parameters and
returns the JSON object; `get_bytes` returns the body as it came; `download` streams it into a file
(an archive too large to hold in memory). Connect errors, timeouts,
cut-off bodies (httpx raises a transport error when fewer bytes arrive than Content-Length
announced), 5xx, 429 and, for `get_json`, a body that is not a JSON object are retried with
stamina's exponential backoff with jitter; a `Retry-After` in seconds replaces the backoff for
that wait, capped by `retry_after_max_s`. Other 4xx fail at once. When attempts run out a
`HarvestError` names the source, the URL with every secret parameter shown as `***`, the
attempts and the last status.

Secrets (e.g. the Walters `apikey`) never leave this module: error messages carry redacted URLs,
the exception stamina logs on each retry carries no URL, and a filter on the `httpx` logger
redacts the URL of its "HTTP Request" line while a harvester is open.

`get_json_many` fetches many pages on a pool of `concurrency` threads (httpx.Client is
thread-safe) and yields the bodies in the order the calls were given; one `RateLimiter` spaces
the requests of all workers, retries included.
"""

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeAlias, TypeVar
from urllib.parse import urlencode

import httpx
import stamina

Params: TypeAlias = Mapping[str, str | int]
Call: TypeAlias = tuple[str, Params]
T = TypeVar("T")

REDACTED = "***"


@dataclass(frozen=True)
class HttpConfig:
    """How to reach one source: where, with which fixed parameters, how fast and how stubbornly."""

    source: str
    base_url: str
    params: Mapping[str, str] = field(default_factory=dict)
    secret_params: frozenset[str] = frozenset({"apikey"})
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout_s: float = 30.0
    page_size: int = 100
    concurrency: int = 4
    requests_per_second: float | None = None
    max_attempts: int = 6
    backoff_initial_s: float = 0.5
    backoff_max_s: float = 30.0
    backoff_jitter_s: float = 1.0
    retry_after_max_s: float = 60.0

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.page_size < 1 or self.max_attempts < 1:
            raise ValueError("concurrency, page_size and max_attempts must be at least 1")
        if self.requests_per_second is not None and self.requests_per_second <= 0:
            raise ValueError("requests_per_second must be positive, or None for no limit")


class HarvestError(Exception):
    """A request that could not be completed; its message never contains a secret."""

    def __init__(
        self, source: str, url: str, reason: str, *, attempts: int | None = None, status: int | None = None
    ) -> None:
        self.source, self.url, self.reason, self.attempts, self.status = source, url, reason, attempts, status
        tried = f" after {attempts} attempt{'s' if attempts != 1 else ''}" if attempts else ""
        super().__init__(
            f"{source}: GET {url} failed{tried}; last status: {status or 'no response'} ({reason})"
        )


class _Retryable(Exception):
    """One failed attempt worth repeating. Holds no URL: stamina logs it on every retry."""

    def __init__(self, status: int | None, reason: str, retry_after_s: float | None = None) -> None:
        super().__init__(f"status {status or 'no response'}: {reason}")
        self.status, self.reason, self.retry_after_s = status, reason, retry_after_s


@dataclass(frozen=True)
class RequestCounts:
    """Requests sent, retries among them, body bytes received, and responses per status.

    Transport failures (timeouts, refused or cut-off connections) count under "no_response".
    """

    requests: int = 0
    retries: int = 0
    bytes_received: int = 0
    statuses: Mapping[str, int] = field(default_factory=dict)

    def __sub__(self, earlier: "RequestCounts") -> "RequestCounts":
        statuses = Counter(self.statuses)
        statuses.subtract(earlier.statuses)
        return RequestCounts(
            self.requests - earlier.requests,
            self.retries - earlier.retries,
            self.bytes_received - earlier.bytes_received,
            {status: n for status, n in sorted(statuses.items()) if n},
        )


class RateLimiter:
    """Spaces calls to `wait` at least 1/per_second apart, across all threads; None = no limit."""

    def __init__(self, per_second: float | None) -> None:
        self._interval = 1.0 / per_second if per_second else 0.0
        self._next = time.monotonic()
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self._interval:
            return
        # Book a slot under the lock, sleep outside it: workers queue up in booking order.
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self._interval
        if slot > now:
            time.sleep(slot - now)


class _RedactUrls(logging.Filter):
    """Rewrites httpx.URL log arguments to their redacted form."""

    def __init__(self, harvester: "HttpHarvester") -> None:
        super().__init__()
        self._harvester = harvester

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                self._harvester.redact(arg) if isinstance(arg, httpx.URL) else arg for arg in record.args
            )
        return True


class HttpHarvester:
    """A client for one source. Use as a context manager; `transport` replaces the network."""

    def __init__(self, config: HttpConfig, transport: httpx.BaseTransport | None = None) -> None:
        self.config = config
        self._client = httpx.Client(
            base_url=config.base_url,
            headers=dict(config.headers),
            timeout=config.timeout_s,
            limits=httpx.Limits(max_connections=config.concurrency),
            follow_redirects=True,
            transport=transport,
        )
        self._pool = ThreadPoolExecutor(config.concurrency, thread_name_prefix=f"harvest-{config.source}")
        self._limiter = RateLimiter(config.requests_per_second)
        self._retrying = stamina.RetryingCaller(
            attempts=config.max_attempts,
            timeout=None,
            wait_initial=config.backoff_initial_s,
            wait_max=config.backoff_max_s,
            wait_jitter=config.backoff_jitter_s,
        ).on(self._backoff)
        self._lock = threading.Lock()
        self._requests = self._retries = self._bytes = 0
        self._statuses: Counter[str] = Counter()
        self._log_filter = _RedactUrls(self)
        logging.getLogger("httpx").addFilter(self._log_filter)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._client.close()
        logging.getLogger("httpx").removeFilter(self._log_filter)

    def counts(self) -> RequestCounts:
        """A snapshot of the counters since this harvester was opened."""
        with self._lock:
            return RequestCounts(
                self._requests, self._retries, self._bytes, dict(sorted(self._statuses.items()))
            )

    def redact(self, url: httpx.URL) -> str:
        """The URL as text, with the value of every secret parameter replaced by ***."""
        secret = self.config.secret_params
        if not secret.intersection(url.params):
            return str(url)
        pairs = [(k, REDACTED if k in secret else v) for k, v in url.params.multi_items()]
        return f"{url.copy_with(query=None)}?{urlencode(pairs, safe=REDACTED)}"

    def url(self, path: str, params: Params | None = None) -> httpx.URL:
        """The URL `get_json` requests: base_url + path, the fixed params, then `params`."""
        return self._client.build_request("GET", path, params={**self.config.params, **(params or {})}).url

    def get_json(self, path: str, params: Params | None = None) -> dict[str, Any]:
        """GET `path` (relative to base_url) with the fixed and given params; the JSON object.

        A body that is not a JSON object (cut off, truncated, an HTML error page) is retried.
        """
        return self._get(path, params, _json_object)

    def get_bytes(self, path: str, params: Params | None = None) -> bytes:
        """GET like `get_json`, returning the body as it came."""
        return self._get(path, params, lambda response: response.content)

    def download(self, path: str, target: Path, params: Params | None = None) -> int:
        """GET like `get_bytes`, streaming the body into the file `target` (rewritten by each
        attempt, so a body cut off midway is fetched again whole); the bytes written."""

        def write(response: httpx.Response) -> int:
            written = 0
            with target.open("wb") as file:
                try:
                    for chunk in response.iter_bytes():
                        written += file.write(chunk)
                except httpx.TransportError as exc:  # fewer bytes than Content-Length, or a stall
                    raise _Retryable(None, f"body cut off ({type(exc).__name__})") from None
                finally:
                    self._count_bytes(written)
            return written

        return self._get(path, params, write, stream=True)

    def get_json_many(self, calls: Iterable[Call]) -> Iterator[dict[str, Any]]:
        """`get_json` for each (path, params), `concurrency` at a time, yielded in call order.

        Calls are drawn lazily, one ahead per worker: stopping the iteration (e.g. at the last
        page) leaves at most `concurrency - 1` requests wasted; those not started are cancelled.
        """
        todo = iter(calls)
        pending: deque[Future[dict[str, Any]]] = deque(
            self._pool.submit(self.get_json, *call) for call in islice(todo, self.config.concurrency)
        )
        try:
            while pending:
                yield pending.popleft().result()
                # Refilled only once the caller asks for more: after the last page it asks no more.
                pending.extend(self._pool.submit(self.get_json, *call) for call in islice(todo, 1))
        finally:
            for future in pending:
                future.cancel()

    def _get(
        self, path: str, params: Params | None, parse: Callable[[httpx.Response], T], *, stream: bool = False
    ) -> T:
        request = self._client.build_request("GET", self.url(path, params))
        shown = self.redact(request.url)
        attempts = 0

        def attempt() -> T:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                with self._lock:
                    self._retries += 1
            response = self._send(request, shown, attempts, stream=stream)
            try:
                return parse(response)
            finally:
                response.close()

        try:
            return self._retrying(attempt)
        except _Retryable as exc:
            raise HarvestError(
                self.config.source, shown, exc.reason, attempts=attempts, status=exc.status
            ) from None

    def _send(self, request: httpx.Request, shown: str, attempt: int, *, stream: bool) -> httpx.Response:
        """One attempt: the successful response (its body unread when `stream`), or _Retryable, or
        HarvestError when retrying is futile."""
        self._limiter.wait()
        try:
            response = self._client.send(request, stream=stream)
            if stream and not response.is_success:
                response.read()  # an error page is small; read it to count it and free the connection
        except httpx.TransportError as exc:  # refused, timed out, or fewer bytes than Content-Length
            self._count("no_response", 0)
            raise _Retryable(None, type(exc).__name__) from None
        status = response.status_code
        self._count(str(status), 0 if stream and response.is_success else len(response.content))
        if status == 429 or status >= 500:
            raise _Retryable(status, response.reason_phrase, self._retry_after_s(response))
        if not response.is_success:
            raise HarvestError(
                self.config.source, shown, response.reason_phrase, attempts=attempt, status=status
            )
        return response

    def _backoff(self, exc: Exception) -> bool | float:
        """stamina's hook: retry only our retryable failures, waiting Retry-After when given."""
        if not isinstance(exc, _Retryable):
            return False
        return True if exc.retry_after_s is None else exc.retry_after_s

    def _retry_after_s(self, response: httpx.Response) -> float | None:
        # Only the delta-seconds form: an HTTP-date falls back to the exponential backoff.
        try:
            seconds = float(response.headers.get("Retry-After", ""))
        except ValueError:
            return None
        return min(max(seconds, 0.0), self.config.retry_after_max_s)

    def _count(self, status: str, nbytes: int) -> None:
        with self._lock:
            self._requests += 1
            self._bytes += nbytes
            self._statuses[status] += 1

    def _count_bytes(self, nbytes: int) -> None:
        with self._lock:
            self._bytes += nbytes


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:  # a truncated body, or not JSON at all (also covers bad UTF-8)
        raise _Retryable(response.status_code, "invalid JSON body") from None
    if not isinstance(body, dict):
        raise _Retryable(response.status_code, "JSON body is not an object")
    return body
