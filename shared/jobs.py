"""The nightly job and its schedules: every night, and the weekly full refresh."""

from collections.abc import Mapping
from typing import TYPE_CHECKING

import dagster as dg

if TYPE_CHECKING:  # what define_asset_job returns; Dagster does not export the name
    from dagster._core.definitions.unresolved_asset_job_definition import (
        UnresolvedAssetJobDefinition as AssetJob,
    )

# Each asset step retries on its own (a flaky API page, a locked file), with growing pauses: after
# 10 +- 10 s, then 30 +- 10 s. A failure that a retry cannot change (a 401 or 404, records that break
# the raw model, a refused source) raises dg.Failure(allow_retries=False), which Dagster fails at
# once whatever this policy says.
STEP_RETRY_POLICY = dg.RetryPolicy(
    max_retries=2, delay=10, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)
IN_PROGRESS = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]

NIGHTLY = "nightly"

# What a step's process imports before its work, imported once by the server that forks the steps
# (a module missing from an install is skipped): the definitions (Dagster, Polars, DuckDB), the
# instance's storage, which a step opens first (SQLAlchemy and Alembic; SQLite or PostgreSQL), and
# the Pandera checks' backends, which Pandera imports at the first validation.
STEP_IMPORTS = [
    "definitions",
    "dagster._core.storage.sqlite_storage",
    "dagster_postgres",
    "pandera.backends.polars.builtin_checks",
]
# The run config for a process per step (docs/deploy.md): each step's process is forked from that
# server instead of importing everything afresh (docs/performance.md, "A process per step").
A_PROCESS_PER_STEP = {
    "execution": {
        "config": {"multiprocess": {"start_method": {"forkserver": {"preload_modules": STEP_IMPORTS}}}}
    }
}


def nightly_job(origins: Mapping[str, str]) -> "AssetJob":
    """The whole pipeline. Every run carries, as tags, the museums it harvests and where each
    one's records come from (``origins``: museum -> ``harvest.raw.origin_of`` its locations)."""
    return dg.define_asset_job(
        name=NIGHTLY,
        selection=dg.AssetSelection.all(),
        description="The whole pipeline: harvest every source, transform, build the database and the exports.",
        op_retry_policy=STEP_RETRY_POLICY,
        executor_def=dg.multi_or_in_process_executor,
        # In one process by default: for a collection of this size, a process per step costs more
        # start-up than it gains. Launch with A_PROCESS_PER_STEP as run config to fan out.
        config={"execution": {"config": {"in_process": {}}}},
        tags={
            "dagster/concurrency_key": NIGHTLY,
            "museums": ",".join(origins),
            **{f"origin/{museum}": origin for museum, origin in origins.items()},
        },
    )


def _unless_running(
    context: dg.ScheduleEvaluationContext, request: dg.RunRequest
) -> dg.RunRequest | dg.SkipReason:
    """``request``, or a skip while an earlier nightly run is still going: two runs never overlap."""
    running = context.instance.get_run_records(
        filters=dg.RunsFilter(job_name=NIGHTLY, statuses=IN_PROGRESS), limit=1
    )
    if running:
        return dg.SkipReason(f"nightly run {running[0].dagster_run.run_id} is still in progress")
    return request


def _schedule(
    job: "AssetJob", timezone: str, *, name: str, cron: str, description: str, request: dg.RunRequest
) -> dg.ScheduleDefinition:
    """A running schedule of ``job`` sending ``request`` on ``cron``, skipped while a run is going."""

    @dg.schedule(
        name=name,
        job=job,
        cron_schedule=cron,
        execution_timezone=timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=description,
    )
    def _evaluate(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        return _unless_running(context, request)

    return _evaluate


def nightly_schedule_for(job: "AssetJob", timezone: str) -> dg.ScheduleDefinition:
    """``nightly`` at 02:00 in ``timezone``, unless the previous run is still going."""
    return _schedule(
        job,
        timezone,
        name="nightly_schedule",
        cron="0 2 * * *",
        description="Runs `nightly` at 02:00 every night, unless the previous run is still going.",
        request=dg.RunRequest(),
    )


def full_refresh_schedule_for(job: "AssetJob", timezone: str, assets: list[str]) -> dg.ScheduleDefinition:
    """``nightly`` at 14:00 on Sundays in ``timezone`` with ``full_refresh`` on the incremental
    harvest ``assets``: an incremental harvest never sees a withdrawn record, a full one replaces
    the snapshot and counts what went. Midday, so it never meets the 02:00 run."""
    config = {"ops": {asset: {"config": {"full_refresh": True}} for asset in assets}}
    return _schedule(
        job,
        timezone,
        name="full_refresh_schedule",
        cron="0 14 * * 0",
        description="Runs `nightly` weekly with a full re-harvest of the incremental sources "
        f"({', '.join(assets)}), so records the museums withdrew leave the lake.",
        request=dg.RunRequest(run_config=config, tags={"full_refresh": "true"}),
    )
