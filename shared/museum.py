"""What a museum is to the pipeline: one declaration, from which its assets, checks and resources
are derived (transforms/assets/, definitions.py, the benchmark, the README's table of sources).

Below both the harvest (each museum's folder declares one) and the transforms (which derive the
clean and collection assets from them), so neither package imports the other for it. A declaration
names no Dagster object directly: the harvest assets and the resources are built by functions it
names, which import Dagster only when called, so reading the registry (the benchmark's stage
processes do) loads no Dagster.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import polars as pl

if TYPE_CHECKING:
    import dagster as dg

    from shared.resources import Settings


class Clean(Protocol):
    """A frame's clean function: raw frame -> clean frame, ``latest_year`` the last plausible year.
    Pure (no IO, no clock, no collect): the year is read where the clock may be read and passed in."""

    def __call__(self, raw: pl.LazyFrame, *, latest_year: int) -> pl.LazyFrame: ...


# The mark is an attribute of the function, not a registry of functions: an asset's code version
# follows the objects its code reaches (shared.code_version), and a registry would tie every
# harvest's version to every marked function.
_RECORD_BY_RECORD = "record_by_record"


def record_by_record(clean: Clean) -> Clean:
    """Marks ``clean`` as reading each record alone (no rule compares records, each output row
    comes from one input row): the harvest may then count its record issues a slice of records at
    a time, in bounded memory (``harvest.parts.record_issues``), which gives the same rows.
    tests/harvest/test_parts.py checks the mark on the shipped samples."""
    setattr(clean, _RECORD_BY_RECORD, True)
    return clean


def reads_records_alone(clean: Clean) -> bool:
    return getattr(clean, _RECORD_BY_RECORD, False) is True


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
    - ``harvest``: builds the raw assets (one per frame, plus any the frames do not read), importing
      its harvest module only when called; ``resources``: the Dagster resources those assets use,
      from the settings.
    - ``locations``: the environment variables that say where its records are (API base URLs,
      a dump's URL); all unset, the sample shipped in its folder is harvested; once any museum's
      location is set, a museum runs only with every one of its own
      (``harvest.museums.select_museums``), so a shipped sample never mixes into a run with a live
      source. ``secrets``: its other variables (API keys). The settings hold only the variables
      museums declare.
    - ``incremental``: its harvest asks only for what changed (the raw assets take
      ``full_refresh`` in their config); the weekly full refresh schedule re-harvests it whole.
    """

    name: str
    title: str
    objects: Frame
    agents: Frame
    harvest: Callable[[], Sequence["dg.AssetsDefinition"]]
    resources: Callable[["Settings"], Mapping[str, object]]
    locations: tuple[str, ...]
    secrets: tuple[str, ...] = ()
    incremental: bool = False
    exhibitions: Frame | None = None
    relationships: Frame | None = None

    @property
    def frames(self) -> tuple[Frame, ...]:
        optional = (self.exhibitions, self.relationships)
        return (self.objects, self.agents, *(f for f in optional if f is not None))
