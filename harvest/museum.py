"""What a museum is to the pipeline: one declaration, from which its assets, checks and resources
are derived (transforms/assets.py, definitions.py, the benchmark, the README's table of sources).

A declaration names no Dagster object directly: the harvest assets and the resources are built by
functions it names, so reading the registry (the benchmark's stage processes do) loads no Dagster.
"""

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import polars as pl

if TYPE_CHECKING:
    from shared.resources import Settings


class Clean(Protocol):
    """A frame's clean function: raw frame -> clean frame, ``latest_year`` the last plausible year.
    Pure (no IO, no clock, no collect): the year is read where the clock may be read and passed in."""

    def __call__(self, raw: pl.LazyFrame, *, latest_year: int) -> pl.LazyFrame: ...


@dataclass(frozen=True)
class Frame:
    """One table a museum sends: its raw asset ``<museum>_<kind>_raw`` (built by the museum's
    harvest), conformed by ``clean`` into ``<museum>_<kind>_clean`` (``description``: the clean
    asset's, its grain and key)."""

    kind: str
    clean: Clean
    description: str

    def raw(self, museum: str) -> str:
        return f"{museum}_{self.kind}_raw"

    def cleaned(self, museum: str) -> str:
        return f"{museum}_{self.kind}_clean"


@dataclass(frozen=True)
class Museum:
    """A source of the collection.

    - ``name``: the source name (the ``source`` column, the prefix of every key and asset name);
      ``title``: the museum's name as the exports show it.
    - ``objects`` and ``agents``: its objects and agents, conformed to CleanObjects and
      CleanAgents and unioned with every other museum's.
    - ``exhibitions`` and ``relationships``: optional frames, conformed to the collection's
      exhibitions and related-object links.
    - ``harvest``: the module defining the raw assets (``assets``: one per frame, plus any the
      frames do not read; ``asset_checks``, optional); ``resources``: the Dagster resources those
      assets use, from the settings.
    - ``locations``: the environment variables that say where its records are (API base URLs,
      a dump's URL); all unset, the shipped ``sample`` is harvested; once any museum's location is
      set, a museum runs only with every one of its own (``harvest.museums.select_museums``), so a
      shipped sample never mixes into a run with a live source. ``secrets``: its other variables
      (API keys). The settings hold only the variables museums declare.
    - ``sample``: the data shipped in the repository, harvested when no location is set.
    - ``incremental``: its harvest asks only for what changed (the raw assets take
      ``full_refresh`` in their config); the weekly full refresh schedule re-harvests it whole.
    """

    name: str
    title: str
    objects: Frame
    agents: Frame
    harvest: str
    resources: Callable[["Settings"], Mapping[str, object]]
    sample: str
    locations: tuple[str, ...]
    secrets: tuple[str, ...] = ()
    incremental: bool = False
    exhibitions: Frame | None = None
    relationships: Frame | None = None

    def harvest_assets(self) -> tuple[Sequence[Any], Sequence[Any]]:
        """The raw assets and their checks, from the ``harvest`` module (imported only now: it
        loads Dagster, which the benchmark's stage processes, reading the registry, do without)."""
        module = importlib.import_module(self.harvest)
        return module.assets, getattr(module, "asset_checks", [])

    @property
    def frames(self) -> tuple[Frame, ...]:
        optional = (self.exhibitions, self.relationships)
        return (self.objects, self.agents, *(f for f in optional if f is not None))


def dump_resources(source: str, setting: str) -> Callable[["Settings"], Mapping[str, object]]:
    """The resources of a museum harvested from a dump (harvest.dump_assets): ``<source>_dump``, a
    ``DumpLocation`` set by the environment variable ``setting`` (unset: the shipped sample)."""

    def resources(settings: "Settings") -> Mapping[str, object]:
        from harvest.sources import DumpLocation  # Dagster, loaded only when the resources are built

        return {f"{source}_dump": DumpLocation(location=settings.museum_value(setting))}

    return resources
