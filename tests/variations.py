"""Generated variations of the shipped Walters records: the forms a whole collection holds and the
sample does not (typo'd and sentinel structured years, dual dates in other calendars, date texts
that contradict the fields), for tests that serve them through the real harvest.

Each function takes the records as shipped and returns a changed deep copy plus the ObjectIDs it
changed, picking records deterministically (by seed) among those whose structured years are a plain
pair of AD years (1000..1899, begin <= end), so that what was changed can be told from the result.
"""

import copy
import random
from collections.abc import Callable

Record = dict
Variation = Callable[[Record, random.Random], None]


def _plain(record: Record) -> bool:
    begin, end = record.get("DateBeginYear"), record.get("DateEndYear")
    return isinstance(begin, int) and isinstance(end, int) and 1000 <= begin <= end <= 1899


def vary(
    records: list[Record],
    count: int,
    change: Variation,
    *,
    seed: int = 0,
    avoid: frozenset[int] | set[int] = frozenset(),
) -> tuple[list[Record], list[int]]:
    """A copy of ``records`` with ``change`` applied to ``count`` plain records not in ``avoid``."""
    dice = random.Random(seed)
    candidates = sorted(r["ObjectID"] for r in records if _plain(r) and r["ObjectID"] not in avoid)
    picked = set(dice.sample(candidates, count))
    varied = copy.deepcopy(records)
    for record in varied:
        if record["ObjectID"] in picked:
            change(record, dice)
    return varied, sorted(picked)


def times_ten(record: Record, dice: random.Random) -> None:
    """A typo with an extra digit in both structured years (1523 -> 15230); the text is left."""
    record["DateBeginYear"] *= 10
    record["DateEndYear"] *= 10


def sentinel_years(record: Record, dice: random.Random) -> None:
    """A sentinel for "no date" other than the known 0/0, with or without the text."""
    record["DateBeginYear"] = record["DateEndYear"] = dice.choice([9999, -99999, 99999])
    if dice.random() < 0.5:
        record["DateText"] = None


# Calendars written beside the AD year, and the offset from AD to their year (roughly: enough to
# make the structured field an implausible or contradicted year when a museum stores it).
CALENDARS = {"AM": 5508, "BE": 543, "AH": -579}


def other_calendar(record: Record, dice: random.Random) -> None:
    """A dual date "<year> <ERA>/AD <year>" whose structured fields hold the other calendar's year."""
    year = record["DateBeginYear"]
    era = dice.choice(sorted(CALENDARS))
    other = year + CALENDARS[era]
    record["DateText"] = dice.choice([f"{other} {era}/AD {year}", f"{other} {era}/{year} CE"])
    record["DateBeginYear"] = record["DateEndYear"] = other
    record["_ad_year"] = year  # for the test to read back; removed by `strip_notes`


def contradicting_text(record: Record, dice: random.Random) -> None:
    """A date text three centuries away from the structured years."""
    record["DateText"] = f"ca. {record['DateBeginYear'] - 300}"


def strip_notes(records: list[Record]) -> dict[int, int]:
    """Remove the notes the variations left for the tests; returns ObjectID -> AD year."""
    notes = {}
    for record in records:
        if "_ad_year" in record:
            notes[record["ObjectID"]] = record.pop("_ad_year")
    return notes
