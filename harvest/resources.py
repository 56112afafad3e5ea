"""The resources a museum's declaration names, as functions of the settings that import Dagster
only when called: reading the registry loads no Dagster (shared.museum)."""

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.resources import Settings

Resources = Callable[["Settings"], Mapping[str, object]]


def dump_resources(source: str, setting: str) -> Resources:
    """The resources of a museum harvested from a dump (harvest.dump_assets): ``<source>_dump``, a
    ``DumpLocation`` set by the environment variable ``setting`` (unset: the shipped sample)."""

    def resources(settings: "Settings") -> Mapping[str, object]:
        from harvest.sources import DumpLocation

        return {f"{source}_dump": DumpLocation(location=settings.museum_value(setting))}

    return resources


def api_resources(source: str, setting: str) -> Resources:
    """The resources of a museum harvested from a paged JSON API (harvest.api_assets):
    ``<source>_api``, a ``PagedApi`` at the base URL the environment variable ``setting`` holds
    (unset: the embedded replay of the shipped sample)."""

    def resources(settings: "Settings") -> Mapping[str, object]:
        from harvest.sources import PagedApi

        return {f"{source}_api": PagedApi(base_url=settings.museum_value(setting))}

    return resources
