"""What the stage assets read: the museums' clean tables by kind, and the clock's year."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import dagster as dg
import polars as pl

from shared.io_manager import SCANNED
from shared.museum import Museum
from transforms import model


def latest_year() -> int:
    """The last plausible year of a date (shared.issues): this one. Read here, where the clock
    may be read; the transforms take it as an argument."""
    return dt.datetime.now(dt.UTC).year


def inputs(names: Sequence[str]) -> dict[str, dg.AssetIn]:
    """The lake tables ``names`` as an asset's inputs, each scanned lazily."""
    return {name: dg.AssetIn(name, dagster_type=SCANNED) for name in names}


def union(frames: dict[str, pl.LazyFrame], names: Sequence[str], schema: pl.Schema) -> pl.LazyFrame:
    """The frames ``names`` (in that order) in one table of ``schema``, source after source."""
    return model.union_sources(*(frames[name] for name in names), schema=schema)


@dataclass(frozen=True)
class Collection:
    """The clean tables of the museums a run harvests, by kind: the names of the assets the enrich
    and reshape stages read, museum after museum.

    The collection's objects are not a table of their own: each asset that reads them gets the
    clean assets (``objects_in``) and unions them lazily (``objects_of``). A written union would
    copy the whole collection once more (at a million objects, as long as the clean stage's floor)
    for a union its readers get for free."""

    objects: tuple[str, ...]
    agents: tuple[str, ...]
    exhibitions: tuple[str, ...]
    relationships: tuple[str, ...]

    @classmethod
    def of(cls, museums: Sequence[Museum]) -> "Collection":
        return cls(
            objects=tuple(m.objects.cleaned(m.name) for m in museums),
            agents=tuple(m.agents.cleaned(m.name) for m in museums),
            exhibitions=tuple(m.exhibitions.cleaned(m.name) for m in museums if m.exhibitions),
            relationships=tuple(m.relationships.cleaned(m.name) for m in museums if m.relationships),
        )

    @property
    def objects_in(self) -> dict[str, dg.AssetIn]:
        """Every museum's clean objects, as an asset's inputs."""
        return inputs(self.objects)

    def objects_of(self, frames: dict[str, pl.LazyFrame]) -> pl.LazyFrame:
        """The objects of every source in one table, source after source."""
        return union(frames, self.objects, model.OBJECT_SCHEMA)
