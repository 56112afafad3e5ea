"""A failing harvest in Dagster stops promptly: a server that never answers fails the step by the
request deadline set in the resource config, leaving no worker behind; and the step's retry policy
runs again only what a retry could change (a 503, not a 401 or a bad record)."""

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import dagster as dg
import httpx
import pytest

from definitions import resources_for
from harvest.walters.api import WaltersApi
from harvest.walters.harvest import walters_objects_raw
from harvest.walters.replay import WaltersReplay, load_walters_objects
from shared.jobs import STEP_RETRY_POLICY
from shared.resources import Settings
from tests.servers import serve, silent

FAST = {"max_attempts": 2, "backoff_initial_s": 0.01, "backoff_max_s": 0.02, "backoff_jitter_s": 0.01}
RETRIED = {dg.DagsterEventType.STEP_UP_FOR_RETRY, dg.DagsterEventType.STEP_RESTARTED}


def harvest_workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("harvest-walters") and t.is_alive()]


def test_a_server_that_never_answers_fails_the_walters_harvest_by_the_configured_deadline(
    tmp_path: Path,
) -> None:
    instance = dg.DagsterInstance.ephemeral()
    deadline_s, timeout_s = 1.0, 0.2
    with silent() as url:
        resources = resources_for(Settings(data_dir=str(tmp_path), museum_env={"WALTERS_API_URL": url}))
        configured = cast(WaltersApi, resources["walters_api"]).model_dump()
        # Without the deadline its attempts and waits would take minutes: 10 attempts, waits from 2 s.
        patient = {"max_attempts": 10, "backoff_initial_s": 2.0, "backoff_max_s": 30.0}
        resources["walters_api"] = WaltersApi(
            **{**configured, **patient, "retry_deadline_s": deadline_s, "timeout_s": timeout_s}
        )
        result = dg.materialize(
            [walters_objects_raw], resources=resources, instance=instance, raise_on_error=False
        )
        # Workers end with their last attempt, cut to the same deadline.
        for thread in harvest_workers():
            thread.join(timeout=timeout_s + 1.0)

    assert not result.success
    records = instance.get_records_for_run(result.run_id).records
    at = {r.event_log_entry.dagster_event_type: r.event_log_entry.timestamp for r in records}
    failure = result.get_step_failure_events()[0].step_failure_data
    assert failure.user_failure_data is not None
    assert "retry deadline of 1 s reached" in (failure.error.message if failure.error else "")
    # Stopped by the deadline, not after the attempts: seconds (the deadline, one timeout for an
    # answer still arriving, the step's own work on however slow a machine), not minutes.
    took = at[dg.DagsterEventType.STEP_FAILURE] - at[dg.DagsterEventType.STEP_START]
    assert took < 30
    assert harvest_workers() == []


def answering(status: int) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, json={"ReturnStatus": False})


def tampered(field: str, value: object) -> Callable[[httpx.Request], httpx.Response]:
    """Three objects served with the second one's ``field`` set to ``value``."""
    replay = WaltersReplay(load_walters_objects()[:3])

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(replay(request).content)
        if len(body["Items"]) > 1:
            body["Items"][1][field] = value
        return httpx.Response(200, json=body)

    return answer


@pytest.mark.parametrize(
    ("handler", "named", "retried"),
    [
        (answering(401), "last status: 401", False),
        (answering(404), "last status: 404", False),
        (tampered("ObjectID", "7a"), "ObjectID is missing or not int", False),
        (tampered("ObjectNumber", None), "violation(s) of WaltersObjectsRaw", False),
        (answering(503), "last status: 503", True),
    ],
    ids=["401", "404", "a key that is not a number", "a raw model violation", "503"],
)
def test_the_step_is_retried_only_when_a_retry_could_change_the_outcome(
    tmp_path: Path, handler: Callable[[httpx.Request], httpx.Response], named: str, retried: bool
) -> None:
    # The nightly policy's retries without its pauses.
    policy = dg.RetryPolicy(max_retries=STEP_RETRY_POLICY.max_retries)
    job = dg.define_asset_job("harvest", selection=[walters_objects_raw], op_retry_policy=policy)
    with serve(handler) as server:
        walters = WaltersApi(base_url=server.url, timeout_s=2.0, **FAST)
        resources: dict[str, Any] = {
            **resources_for(Settings(data_dir=str(tmp_path))),
            "walters_api": walters,
        }
        defs = dg.Definitions(assets=[walters_objects_raw], jobs=[job], resources=resources)
        result = defs.resolve_job_def("harvest").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
        )
    assert not result.success
    (failure,) = result.get_step_failure_events()
    error = failure.step_failure_data.error
    assert error is not None and named in error.to_string()
    kinds = [event.event_type for event in result.all_events]
    restarts = kinds.count(dg.DagsterEventType.STEP_RESTARTED)
    assert restarts == (STEP_RETRY_POLICY.max_retries if retried else 0)
    assert bool(RETRIED & set(kinds)) is retried
    assert kinds.count(dg.DagsterEventType.STEP_FAILURE) == 1
