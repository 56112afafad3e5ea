"""Everything Dagster runs, assembled in one place: read this file first.

harvest -> clean -> enrich -> reshape -> output, one asset group per stage; the `nightly` job runs
them all, `nightly_schedule` runs it every night. The museums' assets are derived from the
registry (harvest/museums.py): each museum's harvest, its clean assets, and the collection over all
of them.
"""

from collections.abc import Sequence

import dagster as dg

from harvest.museum import Museum
from harvest.museums import MUSEUMS
from outputs import assets as output_assets
from shared.jobs import nightly, nightly_schedule_for
from shared.resources import Settings, build_resources, read_settings
from shared.sensors import sensors_for
from transforms.assets import clean_assets, collection_assets


def resources_for(settings: Settings, museums: Sequence[Museum] = MUSEUMS) -> dict[str, object]:
    """The resources every job uses: the lake's (shared.resources) and each museum's."""
    resources = build_resources(settings)
    for museum in museums:
        resources.update(museum.resources(settings))
    return resources


def make_definitions(settings: Settings, registry: Sequence[Museum] = MUSEUMS) -> dg.Definitions:
    """The project's definitions for ``settings``, over the museums of ``registry`` (tests build
    their own with a temporary DATA_DIR, or with a registry of their own)."""
    everyone = tuple(registry)
    assets: list[dg.AssetsDefinition] = []
    checks: list[dg.AssetChecksDefinition] = []
    for built in (
        *(m.harvest_assets() for m in everyone),
        *map(clean_assets, everyone),
        collection_assets(everyone),
    ):
        assets.extend(built[0])
        checks.extend(built[1])
    return dg.Definitions(
        assets=[*assets, *output_assets.assets],
        asset_checks=checks,
        jobs=[nightly],
        schedules=[nightly_schedule_for(settings.timezone)],
        sensors=sensors_for(settings.failure_webhook_url),
        resources=resources_for(settings, everyone),
    )


defs = make_definitions(read_settings())
