"""Operations: tell the team when the nightly run fails, and what a good night produced.

Both sensors post Slack-compatible JSON (``{"text": ...}``) to ``FAILURE_WEBHOOK_URL``.
- Without a webhook the failure sensor is not registered at all (it would have nothing to do);
  the success sensor is always registered, because it also logs its summary in the sensor's
  tick log, and only skips the post.
- Both start RUNNING: an alert that someone has to switch on in the UI first is an alert nobody
  gets. A run status sensor starts from the newest run event when first switched on, so enabling
  it never replays old failures; and the webhook is opt-in, so a fresh clone posts nothing.
- A webhook that is down or slow never fails the sensor: the error is logged and the tick ends,
  so one bad night of Slack does not turn into a failing sensor on top of a failing run.
- The webhook URL is a secret (a Slack webhook's path is its key). It is bound in the sensors'
  code, not in any config Dagster stores, and is never logged: a failed post names only its scheme
  and host, the error's text has the path cut out (httpx names the URL in its exceptions), and
  httpx's own log line of the request is redacted while the post runs.
"""

import logging
from contextlib import suppress
from typing import TYPE_CHECKING

import dagster as dg
import httpx

from shared.redaction import httpx_logs_redacted

if TYPE_CHECKING:
    from shared.jobs import AssetJob


WEBHOOK_TIMEOUT_S = 5.0
ERROR_CHARS = 500  # per step: enough for the message, not the whole stack trace
SUMMARY_ASSET = dg.AssetKey("analytics_database")


def post_to_webhook(url: str | None, text: str, log: logging.Logger) -> bool:
    """POST ``{"text": text}`` to ``url``; True when it was accepted. Never raises, never logs
    the URL's secret part."""
    if not url:
        return False

    def redact(logged: httpx.URL) -> httpx.URL | str:
        scrubbed = scrub_webhook(str(logged), url)
        return logged if scrubbed == str(logged) else scrubbed

    try:
        with httpx_logs_redacted(redact):
            response = httpx.post(url, json={"text": text}, timeout=WEBHOOK_TIMEOUT_S)
        response.raise_for_status()
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        reason = scrub_webhook(f"{type(error).__name__}: {error}", url)
        log.error(f"webhook post to {shown_webhook(url)} failed: {reason}")
        return False
    return True


def shown_webhook(url: str) -> str:
    """The webhook URL as logs may show it: scheme and host, the rest (its secret) as ***."""
    with suppress(httpx.InvalidURL):
        parsed = httpx.URL(url)
        if parsed.host:
            port = f":{parsed.port}" if parsed.port else ""
            return f"{parsed.scheme}://{parsed.host}{port}/***"
    return "FAILURE_WEBHOOK_URL"


def scrub_webhook(text: str, url: str) -> str:
    """``text`` with the webhook URL's secret part, everything after the host, cut out wherever
    it appears (as configured, and as httpx writes it)."""
    after_host = url.partition("://")[2].partition("/")[2]
    parts = {f"/{after_host}"} if after_host else set()
    with suppress(httpx.InvalidURL):
        parts.add(httpx.URL(url).raw_path.decode("ascii"))
    for part in sorted(parts - {"/"}, key=len, reverse=True):
        text = text.replace(part, "/***")
    return text


def failure_text(context: dg.RunFailureSensorContext) -> str:
    """The failure message: job, run id, and each failed step with the start of its error."""
    run = context.dagster_run
    lines = [f":red_circle: Dagster job `{run.job_name}` failed (run `{run.run_id}`)"]
    steps = context.get_step_failure_events()
    for event in steps:
        error = event.step_failure_data.error
        while error is not None and error.cause is not None:  # Dagster wraps the user's exception
            error = error.cause
        message = error.message.strip() if error else "no error recorded"
        lines.append(f"• step `{event.step_key}`: {message[:ERROR_CHARS]}")
    if not steps:  # failed outside a step: a blocking check skipped everything, or the run crashed
        lines.append(f"• {context.failure_event.message or 'no step failed; see the run log'}")
    return "\n".join(lines)


def success_text(instance: dg.DagsterInstance, run: dg.DagsterRun) -> str:
    """The success summary: rows per database table and asset checks passed, from the run's events."""
    materializations = instance.get_records_for_run(
        run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
    ).records
    rows: dict[str, int] = {}
    for record in materializations:
        materialization = record.event_log_entry.asset_materialization
        if materialization is not None and materialization.asset_key == SUMMARY_ASSET:
            for key, value in materialization.metadata.items():
                if key.startswith("rows/") and isinstance(value.value, int):
                    rows[key.removeprefix("rows/")] = value.value
    evaluations = instance.get_records_for_run(
        run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    passed = [r.event_log_entry.get_dagster_event().asset_check_evaluation_data.passed for r in evaluations]
    lines = [
        f":large_green_circle: Dagster job `{run.job_name}` succeeded (run `{run.run_id}`)",
        f"asset checks passed: {sum(passed)}/{len(passed)}",
    ]
    lines += [f"• {table}: {count:,} rows" for table, count in sorted(rows.items())]
    return "\n".join(lines)


def sensors_for(webhook_url: str | None, nightly: "AssetJob") -> list[dg.SensorDefinition]:
    """The sensors of ``nightly``: the failure alert only when there is a webhook to post to."""

    @dg.run_failure_sensor(
        name="nightly_failure_alert",
        monitored_jobs=[nightly],
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Posts the failed steps of a `nightly` run to FAILURE_WEBHOOK_URL.",
    )
    def nightly_failure_alert(context: dg.RunFailureSensorContext) -> None:
        text = failure_text(context)
        context.log.info(text)
        post_to_webhook(webhook_url, text, context.log)

    @dg.run_status_sensor(
        name="nightly_success_summary",
        run_status=dg.DagsterRunStatus.SUCCESS,
        monitored_jobs=[nightly],
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Logs rows per table and checks passed after a good `nightly` run; posts them "
        "to FAILURE_WEBHOOK_URL when set.",
    )
    def nightly_success_summary(context: dg.RunStatusSensorContext) -> None:
        text = success_text(context.instance, context.dagster_run)
        context.log.info(text)
        post_to_webhook(webhook_url, text, context.log)

    return [nightly_failure_alert, nightly_success_summary] if webhook_url else [nightly_success_summary]
