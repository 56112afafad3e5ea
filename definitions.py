"""Everything Dagster runs, assembled in one place: read this file first.

harvest -> clean -> enrich -> reshape -> output, one asset group per stage; the `nightly` job runs
them all, `nightly_schedule` runs it every night and `full_refresh_schedule` weekly with a full
re-harvest of the incremental sources. The museums' assets are derived from the registry
(harvest/museums.py): each museum's harvest, its clean assets, and the collection over all of them,
for the museums the settings select (``select_museums``: a deployment runs what it names).
"""

from collections.abc import Sequence

import dagster as dg

from harvest.museums import MUSEUMS, declared_variables, select_museums
from harvest.raw import origin_of
from outputs import assets as output_assets
from shared.jobs import full_refresh_schedule_for, nightly_job, nightly_schedule_for
from shared.museum import Museum
from shared.resources import Settings, build_resources, read_settings
from shared.sensors import sensors_for
from transforms.assets import clean_assets, collection_assets


def resources_for(settings: Settings, museums: Sequence[Museum] = MUSEUMS) -> dict[str, object]:
    """The resources every job uses: the lake's (shared.resources, the exports naming the museums
    by their titles) and each museum's."""
    resources = build_resources(settings, {m.name: m.title for m in museums})
    for museum in museums:
        resources.update(museum.resources(settings))
    return resources


def origins(settings: Settings, museums: Sequence[Museum]) -> dict[str, str]:
    """Where each museum's records come from, as the runs' tags say it (no credentials)."""
    return {
        m.name: ", ".join(f"{v}={origin_of(settings.museum_setting(v))}" for v in m.locations)
        if any(settings.museum_setting(v) for v in m.locations)
        else origin_of(None)
        for m in museums
    }


def make_definitions(settings: Settings, registry: Sequence[Museum] = MUSEUMS) -> dg.Definitions:
    """The project's definitions for ``settings``, over the museums of ``registry`` that the
    settings select (tests build their own with a temporary DATA_DIR, or a registry of their own).
    Raises ``MuseumSelectionError`` naming the variable when a named museum has no location."""
    museums = select_museums(registry, settings)
    assets: list[dg.AssetsDefinition] = [a for m in museums for a in m.harvest()]
    checks: list[dg.AssetChecksDefinition] = []
    for built in (*map(clean_assets, museums), collection_assets(museums)):
        assets.extend(built[0])
        checks.extend(built[1])
    nightly = nightly_job(origins(settings, museums))
    incremental = [frame.raw(m.name) for m in museums if m.incremental for frame in m.frames]
    schedules = [nightly_schedule_for(nightly, settings.timezone)]
    if incremental:
        schedules.append(full_refresh_schedule_for(nightly, settings.timezone, incremental))
    return dg.Definitions(
        assets=[*assets, *output_assets.assets],
        asset_checks=checks,
        jobs=[nightly],
        schedules=schedules,
        sensors=sensors_for(settings.failure_webhook_url, nightly),
        resources=resources_for(settings, museums),
    )


defs = make_definitions(read_settings(declared=declared_variables(MUSEUMS)))
