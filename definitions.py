"""Everything Dagster runs, assembled in one place: read this file first.

harvest -> clean -> enrich -> reshape -> output, one asset group per stage; the `nightly` job runs
them all, `nightly_schedule` runs it every night.
"""

import dagster as dg

from harvest import artic as artic_harvest
from harvest import walters as walters_harvest
from harvest.tate import harvest as tate_harvest
from outputs import assets as output_assets
from outputs import exchange_assets
from shared.jobs import nightly, nightly_schedule_for
from shared.resources import Settings, build_resources, read_settings
from shared.sensors import sensors_for
from transforms import assets as transform_assets


def make_definitions(settings: Settings) -> dg.Definitions:
    """The project's definitions for ``settings``; tests build their own with a temporary DATA_DIR."""
    return dg.Definitions(
        assets=[
            *walters_harvest.assets,
            *artic_harvest.assets,
            *tate_harvest.assets,
            *transform_assets.assets,
            *output_assets.assets,
            *exchange_assets.assets,
        ],
        asset_checks=[
            *walters_harvest.asset_checks,
            *artic_harvest.asset_checks,
            *tate_harvest.asset_checks,
            *transform_assets.asset_checks,
            *output_assets.asset_checks,
        ],
        jobs=[nightly],
        schedules=[nightly_schedule_for(settings.timezone)],
        sensors=sensors_for(settings.failure_webhook_url),
        resources=build_resources(settings),
    )


defs = make_definitions(read_settings())
