"""The HTTP core against a real (loopback) server that misbehaves, and its limits in isolation."""

import logging
import threading
import time
from dataclasses import replace
from typing import Any

import httpx
import pytest

from harvest.http import HarvestError, HttpConfig, HttpHarvester
from harvest.pagination import harvest_walters
from harvest.replay import WaltersReplay, load_walters_objects
from tests.servers import Faults, serve

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
    assert stats.records == 2107 and stats.pages == 43
    # At most: an answer that comes too late for the client was counted by the server all the same.
    assert 1 <= stats.duplicates_dropped <= server.faults["repeat"]
    # Pages fetched ahead past the last one may still be retrying when the harvest ends.
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
    assert 0.2 <= waits["0.2"] < 0.4
    assert 0.5 <= waits["30"] < 0.7  # capped


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
