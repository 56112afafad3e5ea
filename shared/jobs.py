"""The nightly job and its schedule."""

import dagster as dg

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

nightly = dg.define_asset_job(
    name="nightly",
    selection=dg.AssetSelection.all(),
    description="The whole pipeline: harvest every source, transform, build the database and the export.",
    op_retry_policy=STEP_RETRY_POLICY,
    executor_def=dg.multi_or_in_process_executor,
    # In one process by default: for a collection of this size, a process per step costs more
    # start-up than it gains. Launch with `execution: {config: {multiprocess: {}}}` to fan out.
    config={"execution": {"config": {"in_process": {}}}},
    tags={"dagster/concurrency_key": "nightly"},
)


def nightly_schedule_for(timezone: str) -> dg.ScheduleDefinition:
    """``nightly`` at 02:00 in ``timezone``; skipped while an earlier nightly run is still going,
    so two runs never overlap."""

    @dg.schedule(
        name="nightly_schedule",
        job=nightly,
        cron_schedule="0 2 * * *",
        execution_timezone=timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Runs `nightly` at 02:00 every night, unless the previous run is still going.",
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        running = context.instance.get_run_records(
            filters=dg.RunsFilter(job_name=nightly.name, statuses=IN_PROGRESS), limit=1
        )
        if running:
            return dg.SkipReason(f"nightly run {running[0].dagster_run.run_id} is still in progress")
        return dg.RunRequest()

    return _schedule
