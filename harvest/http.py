"""The one HTTP core every API source harvests through: retries, rate limit, bounded concurrency.

`HttpHarvester.get_json` GETs `{base_url}{path}` with the config's fixed query parameters and
returns the JSON object; `get_bytes` returns the body as it came; `download` streams it into a file
(an archive too large to hold in memory). Connect errors, timeouts,
cut-off bodies (httpx raises a transport error when fewer bytes arrive than Content-Length
announced), 408, 429, 5xx and, for `get_json`, a body that is not a JSON object are retried with
stamina's exponential backoff with jitter; a `Retry-After` in seconds replaces the backoff for
that wait, capped by `retry_after_max_s`. Other 4xx fail at once. When attempts run out a
`HarvestError` names the source, the URL with every secret parameter shown as `***`, the
attempts and the last status.

Every wait is bounded. A request (its attempts and the waits between them) ends by its deadline,
`retry_deadline_s` after it began: each attempt's timeout is cut to the time left, a body is read in
chunks and dropped when the deadline passes (a chunk still arriving then may take one `timeout_s`
more), and no backoff is started that could end past the deadline. Retry-After is capped, and a
page's result is waited for at most its deadline plus two timeouts.

Secrets (e.g. the Walters `apikey`) never leave this module: error messages carry redacted URLs,
the exception stamina logs on each retry carries no URL, and a filter on the `httpx` logger
redacts the URL of its "HTTP Request" line. httpx writes that line when an answer comes, which
for an abandoned worker may be after its harvester closed, so the filter, one for the process,
stays once the first harvester has installed it.

`get_json_many` fetches many pages on a pool of `concurrency` threads (httpx.Client is
thread-safe) and yields the bodies in the order the calls were given; one `RateLimiter` spaces
the requests of all workers, retries included. When the iteration ends early (the last page came,
a page failed for good, or the caller was interrupted: Dagster raises in the step's thread when a
run is terminated), the pages in flight are abandoned: those not started are cancelled, the others
stop retrying. `close` abandons everything and does not wait for the workers: one still in an
attempt or a backoff ends when that attempt times out or that wait ends, sending nothing more.
"""

import json
import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeAlias, TypeVar
from urllib.parse import urlencode

import httpx
import stamina

from shared.redaction import RedactUrls

Params: TypeAlias = Mapping[str, str | int]
Call: TypeAlias = tuple[str, Params]
T = TypeVar("T")

REDACTED = "***"

# The secret parameter names of every harvester opened in this process, for the httpx log filter.
_logged_secrets: frozenset[str] = frozenset()
_logged_secrets_lock = threading.Lock()


@dataclass(frozen=True)
class HttpConfig:
    """How to reach one source: where, with which fixed parameters, how fast and how stubbornly.

    ``retry_deadline_s`` bounds one request in time as ``max_attempts`` bounds it in tries: its
    attempts and the waits between them end by then."""

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
    retry_deadline_s: float = 120.0

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.page_size < 1 or self.max_attempts < 1:
            raise ValueError("concurrency, page_size and max_attempts must be at least 1")
        if self.requests_per_second is not None and self.requests_per_second <= 0:
            raise ValueError("requests_per_second must be positive, or None for no limit")
        if self.retry_deadline_s <= 0 or self.timeout_s <= 0:
            raise ValueError("retry_deadline_s and timeout_s must be positive")


def is_transient(status: int | None) -> bool:
    """Whether a failure with this last status may go away on a later try: no response (refused,
    timed out, cut off), 408, 429, 5xx, or a 2xx whose body was broken. Other 4xx (401, 403,
    404...) say the same on every try."""
    return not isinstance(status, int) or status in (408, 429) or not 400 <= status < 500


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

    @property
    def transient(self) -> bool:
        return is_transient(self.status)


class _Retryable(Exception):
    """One failed attempt worth repeating. Holds no URL: stamina logs it on every retry."""

    def __init__(self, status: int | None, reason: str, retry_after_s: float | None = None) -> None:
        super().__init__(f"status {status or 'no response'}: {reason}")
        self.status, self.reason, self.retry_after_s = status, reason, retry_after_s


@dataclass
class _Request:
    """One request's retrying: its URL as shown, its deadline (monotonic), the attempts so far and
    the events that abandon it (the harvester closing, the batch of pages it belongs to ending)."""

    shown: str
    deadline: float
    stops: tuple[threading.Event, ...]
    attempts: int = 0

    def stopped(self) -> bool:
        return any(stop.is_set() for stop in self.stops)

    def left_s(self) -> float:
        return self.deadline - time.monotonic()


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
            timeout=config.retry_deadline_s,
            wait_initial=config.backoff_initial_s,
            wait_max=config.backoff_max_s,
            wait_jitter=config.backoff_jitter_s,
        )
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._requests = self._retries = self._bytes = 0
        self._statuses: Counter[str] = Counter()
        _redact_in_logs(config.secret_params)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Abandon every request still going and release the client, without waiting for workers."""
        self._closed.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._client.close()

    def counts(self) -> RequestCounts:
        """A snapshot of the counters since this harvester was opened."""
        with self._lock:
            return RequestCounts(
                self._requests, self._retries, self._bytes, dict(sorted(self._statuses.items()))
            )

    def redact(self, url: httpx.URL) -> str:
        """The URL as text, with the value of every secret parameter replaced by ***."""
        return str(_without_secrets(url, self.config.secret_params))

    def url(self, path: str, params: Params | None = None) -> httpx.URL:
        """The URL `get_json` requests: base_url + path, the fixed params, then `params`."""
        return self._client.build_request("GET", path, params={**self.config.params, **(params or {})}).url

    def get_json(self, path: str, params: Params | None = None) -> dict[str, Any]:
        """GET `path` (relative to base_url) with the fixed and given params; the JSON object.

        A body that is not a JSON object (cut off, truncated, an HTML error page) is retried.
        """
        return self._get(path, params, self._json_object)

    def get_bytes(self, path: str, params: Params | None = None) -> bytes:
        """GET like `get_json`, returning the body as it came."""
        return self._get(path, params, self._body)

    def download(self, path: str, target: Path, params: Params | None = None) -> int:
        """GET like `get_bytes`, streaming the body into the file `target` (rewritten by each
        attempt, so a body cut off midway is fetched again whole); the bytes written."""

        def write(response: httpx.Response, request: _Request) -> int:
            with target.open("wb") as file:
                return self._stream(response, request, file.write)

        return self._get(path, params, write)

    def get_json_many(self, calls: Iterable[Call]) -> Generator[dict[str, Any]]:
        """`get_json` for each (path, params), `concurrency` at a time, yielded in call order.

        Calls are drawn lazily, one ahead per worker. When the iteration ends before the calls do
        (the last page came, a page failed for good, the caller was interrupted), the calls not
        started are cancelled and those in flight stop retrying.
        """
        todo, batch = iter(calls), threading.Event()

        def submit(call: Call) -> tuple[Call, Future[dict[str, Any]]]:
            path, params = call
            return call, self._pool.submit(self._get_page, path, params, batch)

        pending = deque(map(submit, islice(todo, self.config.concurrency)))
        try:
            while pending:
                yield self._result(*pending.popleft())
                # Refilled only once the caller asks for more: after the last page it asks no more.
                pending.extend(map(submit, islice(todo, 1)))
        finally:
            batch.set()
            for _, future in pending:
                future.cancel()

    def _get_page(self, path: str, params: Params, batch: threading.Event) -> dict[str, Any]:
        """`get_json` on a worker, abandoned when its `batch` ends."""
        return self._get(path, params, self._json_object, batch)

    def _result(self, call: Call, future: Future[T]) -> T:
        """A page's result, waited for at most its deadline plus two timeouts (a body still
        arriving at the deadline, a worker still finishing an abandoned request first)."""
        bound = self.config.retry_deadline_s + 2 * self.config.timeout_s
        try:
            return future.result(timeout=bound)
        except FutureTimeout:
            shown = self.redact(self.url(*call))
            raise HarvestError(self.config.source, shown, f"no result within {bound:g} s") from None

    def _get(
        self,
        path: str,
        params: Params | None,
        consume: Callable[[httpx.Response, _Request], T],
        batch: threading.Event | None = None,
    ) -> T:
        url = self.url(path, params)
        stops = (self._closed,) if batch is None else (self._closed, batch)
        request = _Request(self.redact(url), time.monotonic() + self.config.retry_deadline_s, stops)

        def attempt() -> T:
            request.attempts += 1
            if request.attempts > 1:
                with self._lock:
                    self._retries += 1
            response = self._send(url, request)
            try:
                return consume(response, request)
            finally:
                response.close()

        try:
            return self._retrying.on(partial(self._retry_wait, request))(attempt)
        except _Retryable as exc:
            raise HarvestError(
                self.config.source,
                request.shown,
                self._why(request, exc),
                attempts=request.attempts,
                status=exc.status,
            ) from None

    def _why(self, request: _Request, exc: _Retryable) -> str:
        """The last failure's reason, and why no attempt followed it when attempts were left."""
        if request.stopped():
            return f"{exc.reason}; abandoned: the harvest stopped"
        if request.attempts < self.config.max_attempts:
            return f"{exc.reason}; retry deadline of {self.config.retry_deadline_s:g} s reached"
        return exc.reason

    def _send(self, url: httpx.URL, request: _Request) -> httpx.Response:
        """One attempt, its timeouts cut to the time left: the successful response with its body
        unread, or _Retryable, or HarvestError when retrying is futile."""
        self._limiter.wait()
        left = request.left_s()
        if request.stopped() or left <= 0:  # the hook lets no attempt follow this one
            raise _Retryable(None, "not sent")
        try:
            sent = self._client.build_request("GET", url, timeout=min(self.config.timeout_s, left))
            response = self._client.send(sent, stream=True)
        except httpx.TransportError as exc:  # refused, or timed out before the headers came
            self._count("no_response")
            raise _Retryable(None, type(exc).__name__) from None
        status = response.status_code
        self._count(str(status))
        if response.is_success:
            return response
        self._drain(response, request)
        if is_transient(status):
            raise _Retryable(status, response.reason_phrase, self._retry_after_s(response))
        raise HarvestError(
            self.config.source,
            request.shown,
            response.reason_phrase,
            attempts=request.attempts,
            status=status,
        )

    def _stream(self, response: httpx.Response, request: _Request, write: Callable[[bytes], object]) -> int:
        """Read the body chunk by chunk into `write`, up to the request's deadline; the bytes read."""
        received = 0
        try:
            for chunk in response.iter_bytes():
                write(chunk)
                received += len(chunk)
                if request.stopped() or request.left_s() <= 0:
                    raise _Retryable(response.status_code, "body not complete by the deadline")
        except httpx.TransportError as exc:  # fewer bytes than Content-Length, or a stall
            raise _Retryable(None, f"body cut off ({type(exc).__name__})") from None
        finally:
            self._count_bytes(received)
        return received

    def _drain(self, response: httpx.Response, request: _Request) -> None:
        """Read an error page (small) to count it and free the connection; its status, not its
        body, says what went wrong, so a body cut off does not matter."""
        with suppress(_Retryable):
            self._body(response, request)
        response.close()

    def _body(self, response: httpx.Response, request: _Request) -> bytes:
        body = bytearray()
        self._stream(response, request, body.extend)
        return bytes(body)

    def _json_object(self, response: httpx.Response, request: _Request) -> dict[str, Any]:
        body = self._body(response, request)
        try:
            parsed = json.loads(body)
        except ValueError:  # a truncated body, or not JSON at all (also covers bad UTF-8)
            raise _Retryable(response.status_code, "invalid JSON body") from None
        if not isinstance(parsed, dict):
            raise _Retryable(response.status_code, "JSON body is not an object")
        return parsed

    def _retry_wait(self, request: _Request, exc: Exception) -> bool | float:
        """stamina's hook: whether to retry, and the wait when a Retry-After gives it (True:
        stamina's backoff). No retry once the request is abandoned, nor when the longest wait
        could end past its deadline."""
        if not isinstance(exc, _Retryable) or request.stopped():
            return False
        config = self.config
        longest_backoff = min(
            config.backoff_max_s,
            config.backoff_initial_s * 2 ** (request.attempts - 1) + config.backoff_jitter_s,
        )
        wait = longest_backoff if exc.retry_after_s is None else exc.retry_after_s
        if wait >= request.left_s():
            return False
        return True if exc.retry_after_s is None else exc.retry_after_s

    def _retry_after_s(self, response: httpx.Response) -> float | None:
        # Only the delta-seconds form: an HTTP-date falls back to the exponential backoff.
        try:
            seconds = float(response.headers.get("Retry-After", ""))
        except ValueError:
            return None
        return min(max(seconds, 0.0), self.config.retry_after_max_s)

    def _count(self, status: str) -> None:
        with self._lock:
            self._requests += 1
            self._statuses[status] += 1

    def _count_bytes(self, nbytes: int) -> None:
        with self._lock:
            self._bytes += nbytes


def _without_secrets(url: httpx.URL, secret: frozenset[str]) -> httpx.URL | str:
    """The URL without its user and password and with the value of every parameter named in
    `secret` as ***; unchanged (still an httpx.URL, for the log filters of other owners) when it
    has neither."""
    if url.userinfo:
        url = url.copy_with(userinfo=b"")
    if not secret.intersection(url.params):
        return url
    pairs = [(k, REDACTED if k in secret else v) for k, v in url.params.multi_items()]
    return f"{url.copy_with(query=None)}?{urlencode(pairs, safe=REDACTED)}"


def _redact_logged(url: httpx.URL) -> httpx.URL | str:
    return _without_secrets(url, _logged_secrets)


_LOG_FILTER = RedactUrls(_redact_logged)


def _redact_in_logs(names: frozenset[str]) -> None:
    """Redact the parameters `names` in httpx's log lines from now on, for the whole process."""
    global _logged_secrets
    with _logged_secrets_lock:
        _logged_secrets = _logged_secrets | names  # rebound whole: the filter reads it unlocked
        logger = logging.getLogger("httpx")
        if _LOG_FILTER not in logger.filters:
            logger.addFilter(_LOG_FILTER)
