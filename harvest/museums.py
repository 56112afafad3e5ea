"""The registry: every museum the pipeline harvests. Adding one is one line here
(docs/adding-a-museum.md); everything else is derived from its declaration (shared.museum).

Which of them a run harvests is decided once, from the settings, when the definitions load
(``select_museums``): a deployment runs what it names, and nothing else.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from harvest import artic, tate, walters
from shared.museum import Museum

if TYPE_CHECKING:
    from shared.resources import Settings

MUSEUMS: tuple[Museum, ...] = (walters.MUSEUM, artic.MUSEUM, tate.MUSEUM)


class MuseumSelectionError(ValueError):
    """The settings name a museum the run cannot harvest as named; raised before any step runs."""


def declared_variables(registry: Sequence[Museum]) -> tuple[str, ...]:
    """Every environment variable the museums of ``registry`` declare (locations, then secrets)."""
    return tuple(dict.fromkeys(v for m in registry for v in (*m.locations, *m.secrets)))


def select_museums(registry: Sequence[Museum], settings: "Settings") -> tuple[Museum, ...]:
    """The museums a run harvests, in registry order.

    - No museum location set and no ``MUSEUMS``: every registered museum, from its shipped sample
      (the embedded default).
    - Otherwise the museums ``MUSEUMS`` names (default: those with a location set), each with
      every one of its locations set: a museum named without one fails here, naming the variable,
      so a lost or mistyped variable never falls back to a shipped sample in a live run."""
    by_name = {m.name: m for m in registry}
    live = [m.name for m in registry if any(settings.museum_setting(v) for v in m.locations)]
    if not live and not settings.museums:
        return tuple(registry)
    unknown = [name for name in settings.museums if name not in by_name]
    if unknown:
        raise MuseumSelectionError(
            f"MUSEUMS names {', '.join(unknown)}, which the registry does not hold "
            f"(registered: {', '.join(by_name)})"
        )
    named = settings.museums or tuple(live)
    problems = [
        f"{name} needs {variable}"
        for name in named
        for variable in by_name[name].locations
        if not settings.museum_setting(variable)
    ]
    if problems:
        why = "MUSEUMS names it" if settings.museums else "another of its locations is set"
        raise MuseumSelectionError(
            f"{'; '.join(problems)} ({why}): a run with a live source never falls back to a shipped "
            "sample. Set the variable, or leave the museum out of MUSEUMS."
        )
    return tuple(by_name[name] for name in by_name if name in named)
