"""A small Elasticsearch evaluator for the AIC replay: the queries and sorts the harvester sends.

Queries: `bool` (must, filter, should, minimum_should_match, must_not), `range` (gt, gte, lt,
lte), `term` and `match_all`; anything else raises ValueError. Sorts: a field, {field: order},
{field: {"order": order}}, or a list of those. Timestamps (ISO 8601) compare as instants, as
Elasticsearch compares dates, since AIC's offsets change with daylight saving time.
"""

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import cmp_to_key
from typing import Any

from harvest.replay import Record

_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _comparable(value: Any) -> Any:
    """Dates compare as instants (offsets differ across DST); a date without offset is UTC, as in ES."""
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value


def matches(query: Mapping[str, Any], record: Record) -> bool:
    """Whether `record` matches one Elasticsearch query clause."""
    ((kind, body),) = query.items()
    if kind == "match_all":
        return True
    if kind == "bool":
        return _matches_bool(body, record)
    ((name, condition),) = body.items()
    value = _comparable(record.get(name))
    if kind == "term":
        wanted = condition["value"] if isinstance(condition, dict) else condition
        return value is not None and value == _comparable(wanted)
    if kind == "range":
        return value is not None and all(
            _RANGE[op](value, _comparable(bound)) for op, bound in condition.items()
        )
    raise ValueError(f"unsupported query {kind!r}")


def _matches_bool(body: Mapping[str, Any], record: Record) -> bool:
    def clauses(name: str) -> list[Mapping[str, Any]]:
        found = body.get(name, [])
        return found if isinstance(found, list) else [found]

    required = clauses("must") + clauses("filter")
    should = clauses("should")
    # As in Elasticsearch: `should` is optional beside must/filter, unless a minimum is given.
    minimum = int(body.get("minimum_should_match", 0 if required else 1)) if should else 0
    return (
        all(matches(clause, record) for clause in required)
        and not any(matches(clause, record) for clause in clauses("must_not"))
        and sum(matches(clause, record) for clause in should) >= minimum
    )


_RANGE: dict[str, Callable[[Any, Any], bool]] = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def sort_records(records: list[Record], sort: Any) -> list[Record]:
    """`records` in Elasticsearch `sort` order: a field, {field: order}, or a list of those.

    Records missing a sort value go last, whatever the order, as in Elasticsearch.
    """
    keys: list[tuple[str, bool]] = []
    for item in sort if isinstance(sort, list) else [sort]:
        for name, order in ({item: "asc"} if isinstance(item, str) else item).items():
            direction = order["order"] if isinstance(order, dict) else order
            keys.append((name, direction == "desc"))

    def compare(a: Record, b: Record) -> int:
        for name, descending in keys:
            x, y = _comparable(a.get(name)), _comparable(b.get(name))
            if x == y:
                continue
            if x is None or y is None:
                return 1 if x is None else -1
            return (1 if x > y else -1) * (-1 if descending else 1)
        return 0

    return sorted(records, key=cmp_to_key(compare))
