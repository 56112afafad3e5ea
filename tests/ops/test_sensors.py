"""The run sensors against real runs in an ephemeral instance, posting to a receiver on 127.0.0.1."""

import json
import logging
import threading
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import cast

import dagster as dg
import pytest

from shared.jobs import nightly_job
from shared.resources import Settings
from shared.sensors import post_to_webhook, sensors_for

SECRET_PATH = "/services/T0SECRET/B0SECRET/xoxSecretToken42"


class _Receiver(HTTPServer):
    def __init__(self, status: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.status = status
        self.payloads: list[dict[str, str]] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}/hook"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        receiver = cast(_Receiver, self.server)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        receiver.payloads.append(json.loads(body))
        self.send_response(receiver.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Silent."""


@contextmanager
def receiver(status: int = 200) -> Generator[_Receiver]:
    """A webhook receiver in a thread, stopped (and joined, bounded) on exit."""
    server = _Receiver(status)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dg.op
def load_creators() -> None:
    raise ValueError("creators.csv: id 'abc' is not numeric")


@dg.job(name="nightly")  # the name the sensor monitors; the body is a stand-in that fails
def failing_nightly() -> None:
    load_creators()


def _sensor(webhook_url: str | None, name: str) -> dg.RunStatusSensorDefinition:
    sensors = {sensor.name: sensor for sensor in sensors_for(webhook_url, nightly_job({}))}
    return cast(dg.RunStatusSensorDefinition, sensors[name])


def _evaluate_failure_sensor(instance: dg.DagsterInstance, url: str | None) -> str:
    """Fail one run, then evaluate the failure sensor on it once; returns the run id."""
    result = failing_nightly.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    context = dg.build_run_status_sensor_context(
        sensor_name="nightly_failure_alert",
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    )
    _sensor(url, "nightly_failure_alert")(context)
    return result.dagster_run.run_id


def test_failure_alert_posts_once_per_failed_run_naming_job_run_and_step() -> None:
    instance = dg.DagsterInstance.ephemeral()
    with receiver() as hook:
        run_ids = [_evaluate_failure_sensor(instance, hook.url) for _ in range(2)]
    assert len(hook.payloads) == 2
    for payload, run_id in zip(hook.payloads, run_ids, strict=True):
        assert set(payload) == {"text"}
        text = payload["text"]
        assert "`nightly` failed" in text and run_id in text
        assert "step `load_creators`" in text and "id 'abc' is not numeric" in text


def test_a_failing_webhook_does_not_fail_the_sensor() -> None:
    instance = dg.DagsterInstance.ephemeral()
    with receiver(status=500) as hook:
        _evaluate_failure_sensor(instance, hook.url)  # must not raise
    assert len(hook.payloads) == 1
    _evaluate_failure_sensor(instance, hook.url)  # receiver gone: connection refused, still no raise


def test_failure_alert_is_registered_only_with_a_webhook() -> None:
    from definitions import make_definitions

    def names(settings: Settings) -> set[str]:
        repo = make_definitions(settings).get_repository_def()
        return {sensor.name for sensor in repo.sensor_defs}

    assert names(Settings()) == {"nightly_success_summary"}
    assert names(Settings(failure_webhook_url="http://127.0.0.1:9/hook")) == {
        "nightly_failure_alert",
        "nightly_success_summary",
    }
    for sensor in sensors_for("http://127.0.0.1:9/hook", nightly_job({})):
        assert sensor.default_status == dg.DefaultSensorStatus.RUNNING


@dg.asset(
    name="analytics_database",
    check_specs=[
        dg.AssetCheckSpec("keys_unique", asset="analytics_database"),
        dg.AssetCheckSpec("titles_present", asset="analytics_database"),
    ],
)
def fake_database() -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    yield dg.MaterializeResult(
        metadata={"rows/objects": 1234, "rows/agents": 56, "duration_s": 1.5, "path": "x.duckdb"}
    )
    yield dg.AssetCheckResult(check_name="keys_unique", passed=True)
    yield dg.AssetCheckResult(check_name="titles_present", passed=False, severity=dg.AssetCheckSeverity.WARN)


def test_success_summary_reports_rows_per_table_and_checks_passed() -> None:
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([fake_database], instance=instance)
    context = dg.build_run_status_sensor_context(
        sensor_name="nightly_success_summary",
        dagster_event=result.get_run_success_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    )
    with receiver() as hook:
        _sensor(hook.url, "nightly_success_summary")(context)
    assert len(hook.payloads) == 1
    lines = hook.payloads[0]["text"].splitlines()
    assert result.dagster_run.run_id in lines[0] and "succeeded" in lines[0]
    assert lines[1:] == ["asset checks passed: 1/2", "• agents: 56 rows", "• objects: 1,234 rows"]
    # Without a webhook it only logs: nothing to post to, and no error.
    _sensor(None, "nightly_success_summary")(context)


def test_a_failed_webhook_post_logs_no_part_of_the_secret_path(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # httpx's own request line included
    log = logging.getLogger("test_sensors")
    with receiver(status=500) as hook:
        url = hook.url.removesuffix("/hook") + SECRET_PATH
        assert not post_to_webhook(url, "hello", log)
    assert not post_to_webhook(url, "hello", log)  # receiver gone: connection refused

    host = url.removesuffix(SECRET_PATH)
    failures = [r.getMessage() for r in caplog.records if r.name == "test_sensors"]
    assert len(failures) == 2 and all(f"webhook post to {host}/*** failed" in f for f in failures)
    assert "500" in failures[0] and "ConnectError" in failures[1]
    assert any(r.name == "httpx" for r in caplog.records)  # its request line was logged, redacted
    for part in ("T0SECRET", "B0SECRET", "xoxSecretToken42"):
        assert part not in caplog.text


def test_the_run_history_holds_no_webhook_url_after_a_failure_alert(tmp_path: Path) -> None:
    """The failure sensor ticks as the daemon runs it: its log kept in the instance's storage."""
    instance = dg.DagsterInstance.local_temp(tempdir=str(tmp_path))
    with receiver(status=500) as hook:
        url = hook.url.removesuffix("/hook") + SECRET_PATH
        sensor = _sensor(url, "nightly_failure_alert")

        def tick(cursor: str | None):
            with dg.SensorEvaluationContext(
                instance_ref=instance.get_ref(),
                instance=instance,
                cursor=cursor,
                sensor_name=sensor.name,
                log_key=["sensors", sensor.name, "tick"],
            ) as context:
                return sensor.evaluate_tick(context)

        first = tick(None)  # a sensor switched on starts after the newest run event
        failing_nightly.execute_in_process(instance=instance, raise_on_error=False)
        second = tick(first.cursor)
    assert len(hook.payloads) == 1 and len(second.dagster_run_reactions) == 1

    stored = [path for path in tmp_path.rglob("*") if path.is_file()]
    tick_logs = [path.read_text() for path in stored if path.parent.name == sensor.name]
    assert any(f"webhook post to {url.removesuffix(SECRET_PATH)}/*** failed" in log for log in tick_logs)
    for path in stored:
        assert b"xoxSecretToken42" not in path.read_bytes(), path
