"""The HTTP core against a real (loopback) server that misbehaves, and its limits in isolation."""

import logging
import signal
import threading
import time
from collections import Counter
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest

from harvest.http import HarvestError, HttpConfig, HttpHarvester
from harvest.walters.api import harvest_walters
from harvest.walters.replay import WaltersReplay, load_walters_objects
from tests.servers import Faults, serve, silent

KEY = "s3cr3t-KEY-4711"


def fast_config(base_url: str, **overrides: Any) -> HttpConfig:
    """A Walters config whose waits are milliseconds, so retries cost the suite nothing."""
    config = HttpConfig(
        source="walters",
        base_url=base_url,
        params={"apikey": KEY},
        page_size=50,
        concurrency=4,
        timeout_s=0.5,
        max_attempts=8,
        backoff_initial_s=0.01,
        backoff_max_s=0.05,
        backoff_jitter_s=0.01,
        retry_after_max_s=0.05,
    )
    return replace(config, **overrides)


@pytest.fixture(scope="module")
def sample() -> list[dict]:
    return load_walters_objects()


def test_the_sample_survives_a_misbehaving_server(sample: list[dict]) -> None:
    faults = Faults(
        error_rate=0.10,
        throttle_rate=0.05,
        cutoff_rate=0.03,
        truncated_rate=0.02,
        slow_rate=0.03,
        slow_delay_s=1.5,  # beyond the client's 0.5 s timeout
        repeat_rate=0.2,
    )
    with (
        serve(WaltersReplay(sample), faults, seed=14) as server,
        HttpHarvester(fast_config(server.url)) as http,
    ):
        harvest = harvest_walters(http)

    # The seed was picked so that every kind of fault happens in this run.
    assert set(server.faults) == {"error", "throttle", "slow", "cutoff", "truncated", "repeat"}
    # Every record as served, in ObjectID order; a repeated one as often as served (the frame keeps
    # one: tests/harvest/test_received.py).
    assert list({r["ObjectID"]: r for r in harvest.records}.values()) == sample
    stats = harvest.stats
    assert len(harvest.records) == len(sample) + stats.duplicates_dropped
    page_size = fast_config(server.url).page_size
    assert stats.records == len(sample) and stats.pages == -(-len(sample) // page_size)  # the last one short
    # At most: an answer that comes too late for the client was counted by the server all the same.
    assert 1 <= stats.duplicates_dropped <= server.faults["repeat"]
    # At most: a fault on a page fetched ahead past the last one is not retried (it is abandoned).
    assert 1 <= stats.retries <= sum(n for kind, n in server.faults.items() if kind != "repeat")
    assert stats.statuses["429"] >= 1 and stats.statuses["no_response"] >= 1
    assert stats.requests <= sum(server.requests.values())


def test_an_unrecoverable_page_names_source_url_attempts_and_status_but_not_the_key(
    sample: list[dict], caplog: pytest.LogCaptureFixture
) -> None:
    faults = Faults(always_fail=lambda request: request.url.params.get("Page") == "3")
    caplog.set_level(logging.DEBUG)
    with (
        serve(WaltersReplay(sample), faults) as server,
        HttpHarvester(fast_config(server.url, max_attempts=3)) as http,
        pytest.raises(HarvestError) as raised,
    ):
        harvest_walters(http)

    error = raised.value
    assert (error.source, error.attempts, error.status) == ("walters", 3, 500)
    message = str(error)
    assert message.startswith("walters: GET ")
    assert f"{server.url}/v1/objects?apikey=***&Page=3&pageSize=50" in message
    assert "3 attempts" in message and "500" in message
    assert KEY not in message and KEY not in repr(error)
    assert "apikey=***" in caplog.text  # httpx logged its requests, redacted
    assert KEY not in caplog.text


def test_retry_after_is_waited_for_up_to_the_cap() -> None:
    def throttled_once(retry_after: str) -> httpx.MockTransport:
        answers = iter([httpx.Response(429, headers={"Retry-After": retry_after})])
        return httpx.MockTransport(lambda request: next(answers, httpx.Response(200, json={"ok": True})))

    config = fast_config(
        "http://api.test", backoff_initial_s=0.0, backoff_jitter_s=0.0, retry_after_max_s=0.5
    )
    waits = {}
    for retry_after in ("0.2", "30"):
        with HttpHarvester(config, transport=throttled_once(retry_after)) as http:
            start = time.perf_counter()
            assert http.get_json("/x") == {"ok": True}
            waits[retry_after] = time.perf_counter() - start
            assert http.counts().retries == 1
    # Lower bounds: the waits happened. Upper: the cap held (30 s asked) on however slow a machine.
    assert waits["0.2"] >= 0.2
    assert 0.5 <= waits["30"] < 15  # capped


def test_a_client_error_is_not_retried() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(401, json={"ReturnStatus": False}))
    with HttpHarvester(fast_config("http://api.test"), transport=transport) as http:
        with pytest.raises(HarvestError) as raised:
            http.get_json("/v1/objects")
        assert (raised.value.attempts, raised.value.status) == (1, 401)
        assert http.counts().requests == 1


def test_workers_share_one_rate_limit() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    config = fast_config("http://api.test", requests_per_second=50.0, concurrency=4)
    with HttpHarvester(config, transport=transport) as http:
        start = time.perf_counter()
        bodies = list(http.get_json_many(("/x", {"n": n}) for n in range(11)))
    assert len(bodies) == 11
    assert time.perf_counter() - start >= 10 / 50  # 11 requests, 1/50 s apart


def test_pages_run_concurrently_up_to_the_bound_and_come_back_in_order() -> None:
    in_flight, peak, lock = 0, 0, threading.Lock()

    def slow_echo(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        # Later pages answer sooner, so completion order is not call order.
        time.sleep(0.05 / int(request.url.params["n"]))
        with lock:
            in_flight -= 1
        return httpx.Response(200, json={"n": int(request.url.params["n"])})

    config = fast_config("http://api.test", concurrency=3)
    with HttpHarvester(config, transport=httpx.MockTransport(slow_echo)) as http:
        bodies = list(http.get_json_many(("/x", {"n": n}) for n in range(1, 13)))
    assert [body["n"] for body in bodies] == list(range(1, 13))
    assert peak == 3


def test_bytes_are_returned_as_served_and_counted() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"a,b\n1,2\n"))
    with HttpHarvester(fast_config("http://exports.test/walters"), transport=transport) as http:
        assert http.get_bytes("creators.csv") == b"a,b\n1,2\n"
        assert http.counts().bytes_received == 8
        assert http.url("creators.csv").path == "/walters/creators.csv"


def test_a_download_streams_the_body_to_a_file_and_a_client_error_is_not_retried(tmp_path) -> None:
    body = bytes(range(256)) * 1000
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if request.url.path.endswith("missing.zip"):
            return httpx.Response(404)
        return httpx.Response(200, content=body)

    target = tmp_path / "archive"
    with HttpHarvester(fast_config("http://dumps.test/"), transport=httpx.MockTransport(handler)) as http:
        assert http.download("collection.zip", target) == len(body)
        assert target.read_bytes() == body
        assert http.counts().bytes_received == len(body)
        with pytest.raises(
            HarvestError, match=r"GET http://dumps\.test/missing\.zip\?apikey=\*\*\* failed.*404"
        ):
            http.download("missing.zip", tmp_path / "other")
    assert asked == ["/collection.zip", "/missing.zip"]


def workers(source: str) -> list[threading.Thread]:
    """The harvester's pool threads (named after the source) still running."""
    return [t for t in threading.enumerate() if t.name.startswith(f"harvest-{source}") and t.is_alive()]


def join_all(threads: list[threading.Thread], within_s: float) -> None:
    deadline = time.monotonic() + within_s
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))


def test_a_server_that_never_answers_fails_the_harvest_by_the_deadline_and_leaves_no_worker() -> None:
    with silent() as url:
        config = fast_config(url, source="silent", timeout_s=0.5, retry_deadline_s=1.0, max_attempts=100)
        start = time.monotonic()
        with HttpHarvester(config) as http, pytest.raises(HarvestError) as raised:
            harvest_walters(http)
        elapsed = time.monotonic() - start
        # Every page in flight had the same deadline: none outlives it by more than one timeout.
        join_all(workers("silent"), config.timeout_s + 1.0)

    error = raised.value
    assert "retry deadline of 1 s reached" in str(error) and error.transient
    assert error.attempts is not None and 1 < error.attempts < config.max_attempts
    assert error.status is None
    # Stopped by the deadline (1 s, and one timeout for an answer still arriving), not after the
    # 100 attempts of 0.5 s each: seconds, with room for a slow machine, not a minute.
    assert elapsed < 20
    assert workers("silent") == []


class Interrupted(BaseException):
    """What Dagster raises in a step's thread when its run is terminated (a BaseException too)."""


@contextmanager
def interrupted_after(seconds: float) -> Generator[None]:
    """Raise Interrupted in this (the main) thread after `seconds`, as a signal handler does."""

    def interrupt(signum: int, frame: object) -> None:
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("ending", ["page 1 is not found", "the run is interrupted"])
def test_pages_in_flight_are_abandoned_when_the_harvest_ends_early(
    ending: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Page 1 answers 404 (or the caller is interrupted while every page is held); the other pages
    are held until released, then answer 503: abandoned, they are not asked again."""
    caplog.set_level(logging.INFO, logger="httpx")
    release, asked, lock = threading.Event(), Counter[int](), threading.Lock()

    def held(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["Page"])
        with lock:
            asked[page] += 1
        if page == 1 and ending == "page 1 is not found":
            return httpx.Response(404, json={"ReturnStatus": False})
        release.wait(timeout=30)
        return httpx.Response(503, json={})

    with serve(held) as server:
        config = fast_config(server.url, source="held", timeout_s=5.0, retry_deadline_s=30.0)
        expected = HarvestError if ending == "page 1 is not found" else Interrupted
        start = time.monotonic()
        with (
            interrupted_after(0.3 if expected is Interrupted else 60),
            pytest.raises(expected),
            HttpHarvester(config) as http,
        ):
            harvest_walters(http)
        elapsed = time.monotonic() - start
        release.set()
        join_all(workers("held"), config.timeout_s)

    assert elapsed < 15  # the held pages (released after 30 s) were not waited for
    assert workers("held") == []
    # Nothing retried, nothing asked beyond the pages in flight (a page not yet sent when page 1
    # failed is not sent at all).
    assert 1 in asked and set(asked) <= {1, 2, 3, 4} and set(asked.values()) == {1}
    assert KEY not in caplog.text  # also what httpx logs after the harvester closed


def test_the_pages_past_the_last_one_are_not_retried(sample: list[dict]) -> None:
    """Pages fetched ahead past the last one fail (500); once the last page has come they are
    abandoned, each asked at most once."""
    replay, last = WaltersReplay(sample), -(-len(sample) // 50)
    past_the_end, lock = Counter[int](), threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["Page"])
        if page <= last:
            return replay(request)
        with lock:
            past_the_end[page] += 1
        return httpx.Response(500, json={})

    with serve(handler) as server:
        config = fast_config(
            server.url, source="ahead", timeout_s=5.0, backoff_initial_s=0.2, backoff_max_s=0.2
        )
        with HttpHarvester(config) as http:
            harvest = harvest_walters(http)
        join_all(workers("ahead"), config.timeout_s + config.backoff_max_s + 1.0)

    assert harvest.stats.pages == last and len(harvest.records) == len(sample)
    assert set(past_the_end) <= set(range(last + 1, last + config.concurrency))
    assert set(past_the_end.values()) <= {1}
    assert workers("ahead") == []


def test_a_batch_ended_early_stops_retrying_while_the_harvester_stays_open() -> None:
    release, all_in_flight = threading.Event(), threading.Event()
    asked, lock = Counter[int](), threading.Lock()

    def held(request: httpx.Request) -> httpx.Response:
        """Page 1 answers once pages 2-4 are in flight; those are held until released, then 503."""
        page = int(request.url.params["Page"])
        with lock:
            asked[page] += 1
            if len(asked) == 4:
                all_in_flight.set()
        (all_in_flight if page == 1 else release).wait(timeout=30)
        return httpx.Response(200 if page == 1 else 503, json={})

    # A long timeout: page 1 must not be retried for a slow machine's sake.
    with serve(held) as server, HttpHarvester(fast_config(server.url, timeout_s=5.0)) as http:
        pages = http.get_json_many(("/v1/objects", {"Page": n}) for n in range(1, 100))
        assert next(pages) == {}
        pages.close()  # the caller has what it wants
        release.set()
        for _ in range(500):  # until the three held pages have answered
            if http.counts().statuses.get("503") == 3:
                break
            time.sleep(0.01)
        time.sleep(20 * http.config.backoff_max_s)  # ample time for a retry, were one made
        assert asked == {1: 1, 2: 1, 3: 1, 4: 1}
        assert http.counts().retries == 0


def test_a_download_that_never_ends_gives_up_at_the_deadline(tmp_path) -> None:
    """A body that keeps trickling in (each chunk well within the timeout) is cut at the deadline."""

    def endless() -> Iterator[bytes]:
        while True:
            time.sleep(0.05)
            yield b"x" * 1000

    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=endless()))
    config = fast_config("http://dumps.test/", retry_deadline_s=0.5, max_attempts=100)
    start = time.monotonic()
    with HttpHarvester(config, transport=transport) as http, pytest.raises(HarvestError) as raised:
        http.download("collection.zip", tmp_path / "archive")
    assert "body not complete by the deadline; retry deadline of 0.5 s reached" in str(raised.value)
    assert raised.value.attempts == 1 and raised.value.transient
    assert time.monotonic() - start < 20  # the body never ends: cut by the deadline
