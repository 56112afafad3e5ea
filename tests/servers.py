"""A loopback HTTP server for tests and benchmarks: a replay handler behind a real socket, with faults.

`silent()` is a server that accepts connections and never answers.

`serve(handler, faults, seed)` runs any `httpx.Request -> httpx.Response` handler (the replays
of harvest/replay.py and the museums' replay.py) on 127.0.0.1 at a free port, one thread per connection, HTTP/1.1 keep-alive,
and stops it on exit, closing open connections. It counts requests per path and injected faults
per kind.

Faults are drawn per request from `seed`, the URL and how many times that URL was asked before,
so a run meets the same faults whatever order concurrent requests arrive in, and a retried URL
draws afresh. Faults are exclusive per request, in this order of bands: 5xx, 429 with
Retry-After, a slow answer (after `slow_delay_s`), a cut-off body (the full Content-Length is
announced, half the body sent, the connection closed), a truncated body (well-formed HTTP, half
the JSON). Independently, a page with a `Page`/`page` parameter above 1 may repeat the last
record of the page before it (`Items` or `data` list), as a source does when its data shifts
between requests.
"""

import json
import random
import socket
import threading
from collections import Counter
from collections.abc import Callable, Generator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import cast

import httpx

Handler = Callable[[httpx.Request], httpx.Response]


@dataclass(frozen=True)
class Faults:
    """Fractions of requests that misbehave, and how; all off by default."""

    error_rate: float = 0.0
    throttle_rate: float = 0.0
    retry_after_s: int = 1
    slow_rate: float = 0.0
    slow_delay_s: float = 1.0
    cutoff_rate: float = 0.0
    truncated_rate: float = 0.0
    repeat_rate: float = 0.0
    latency_s: float = 0.0
    always_fail: Callable[[httpx.Request], bool] | None = None


class LoopbackServer:
    """A running server: `url` to reach it, `requests` per path, `faults` injected per kind."""

    def __init__(self, handler: Handler, faults: Faults, seed: int) -> None:
        self.handler, self.fault_plan, self.seed = handler, faults, seed
        self.requests: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self._asked: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._http = _HTTPServer(self)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(target=self._http.serve_forever, name="loopback-server", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._http.shutdown()
        with self._lock:
            open_connections = list(self._connections)
        for connection in open_connections:  # idle keep-alive connections would otherwise linger
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._http.server_close()
        self._thread.join(timeout=5)

    def pause(self, seconds: float) -> None:
        """Sleep, cut short when the server stops."""
        self._stopping.wait(seconds)

    def track(self, connection: socket.socket, is_open: bool) -> None:
        with self._lock:
            (self._connections.add if is_open else self._connections.discard)(connection)

    def draw(self, request: httpx.Request) -> tuple[str | None, bool, random.Random]:
        """Count the request; its fault kind (or None), whether it repeats a record, and its dice."""
        url = request.url.raw_path.decode()  # path and query: the port changes from run to run
        with self._lock:
            self.requests[request.url.path] += 1
            occurrence = self._asked[url]
            self._asked[url] += 1
        dice = random.Random(f"{self.seed}|{url}|{occurrence}")
        plan, roll = self.fault_plan, dice.random()
        kind = None
        if plan.always_fail is not None and plan.always_fail(request):
            kind = "always_fail"
        else:
            bands = [
                ("error", plan.error_rate),
                ("throttle", plan.throttle_rate),
                ("slow", plan.slow_rate),
                ("cutoff", plan.cutoff_rate),
                ("truncated", plan.truncated_rate),
            ]
            for name, rate in bands:
                if roll < rate:
                    kind = name
                    break
                roll -= rate
        repeat = kind is None and dice.random() < plan.repeat_rate
        if kind:
            self.count_fault(kind)
        return kind, repeat, dice

    def count_fault(self, kind: str) -> None:
        with self._lock:
            self.faults[kind] += 1


class _HTTPServer(ThreadingHTTPServer):
    # Stopping closes every connection, so handler threads end on their own: none is waited for,
    # and one still sleeping on a slow answer cannot hold up the exit.
    daemon_threads = True
    block_on_close = False

    def __init__(self, loopback: LoopbackServer) -> None:
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.loopback = loopback


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real APIs and httpx's pool expect
    timeout = 10  # an idle connection is closed after this many seconds

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm meets the
        # client's delayed ACK and every keep-alive answer waits ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.loopback.track(self.connection, True)

    def finish(self) -> None:
        self.loopback.track(self.connection, False)
        super().finish()

    @property
    def loopback(self) -> LoopbackServer:
        return cast(_HTTPServer, self.server).loopback

    def log_message(self, format: str, *args: object) -> None:
        """Silent: tests read counters, not access logs."""

    def do_GET(self) -> None:
        server = self.loopback
        request = httpx.Request("GET", server.url + self.path, headers=list(self.headers.items()))
        kind, repeat, dice = server.draw(request)
        plan = server.fault_plan
        server.pause(plan.latency_s)
        try:
            if kind in ("error", "always_fail"):
                status = 500 if kind == "always_fail" else dice.choice((500, 502, 503))
                self._send(status, b'{"error": "injected"}')
                return
            if kind == "throttle":
                self._send(429, b'{"error": "slow down"}', retry_after=plan.retry_after_s)
                return
            if kind == "slow":
                server.pause(plan.slow_delay_s)
            response = server.handler(request)
            body = response.content
            if repeat and (repeated := _with_repeat(server.handler, request, body)) != body:
                server.count_fault("repeat")  # counted only when there was a record to repeat
                body = repeated
            if kind == "truncated":
                body = body[: len(body) // 2]
            if kind == "cutoff":
                self._send(response.status_code, body[: len(body) // 2], length=len(body))
                self.close_connection = True
                return
            self._send(response.status_code, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeout) before the answer came

    def _send(
        self, status: int, body: bytes, *, length: int | None = None, retry_after: int | None = None
    ) -> None:
        """Answer with a JSON `body`; `length` announces a Content-Length other than the body's."""
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body) if length is None else length))
        if retry_after is not None:
            self.send_header("Retry-After", str(retry_after))
        self.end_headers()
        self.wfile.write(body)


def _with_repeat(handler: Handler, request: httpx.Request, body: bytes) -> bytes:
    """`body` with the last record of the previous page put first; unchanged when there is none."""
    page_param = next((name for name in request.url.params if name.lower() == "page"), None)
    if page_param is None or int(request.url.params[page_param]) < 2:
        return body
    previous_url = request.url.copy_set_param(page_param, int(request.url.params[page_param]) - 1)
    previous = json.loads(handler(httpx.Request("GET", previous_url)).content)
    page = json.loads(body)
    key = next((name for name in ("Items", "data") if isinstance(page.get(name), list)), None)
    if key is None or not previous.get(key) or not page[key]:
        return body
    page[key].insert(0, previous[key][-1])
    return json.dumps(page).encode()


@contextmanager
def serve(handler: Handler, faults: Faults | None = None, seed: int = 0) -> Generator[LoopbackServer]:
    """Serve `handler` on 127.0.0.1 for the duration of the block."""
    server = LoopbackServer(handler, faults or Faults(), seed)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def silent() -> Generator[str]:
    """The URL of a server on 127.0.0.1 that accepts connections and never answers them: the kernel
    completes each connection into the listening socket's backlog, and nothing ever reads it."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=64)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()
