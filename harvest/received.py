"""What the harvest finds wrong in records as received, and how it handles it: record-level
problems (``shared.issues``), which cost the museum its night only when they are many.

- **Type drift.** A value sent in another representation of its field's type is read as that value:
  a number sent as a numeric string (the Walters' ``ObjectID`` "12", a nested
  ``Creators[].CreatorID`` "345"), an integer as 3.0, a boolean as "true" or 1. A value that cannot
  be read as its field's type (an integer "n/a"), or is not of its field's shape (a list or an
  object where text belongs, text where a list or an object does), is nulled and listed: rule
  ``unreadable_value``, action ``nulled``, the field named by its path (``Creators[].CreatorID``),
  the value as received (a list or an object as JSON text).
- **Duplicate keys.** Copies of a record that are identical collapse into one (counted). Copies that
  differ are resolved by one rule, whatever order they came in: the newest where the source dates
  its records (the Art Institute's ``updated_at``: a record changed during the harvest, not a
  problem of the source; the older copy is counted, not listed), else the most complete (the most
  values), else the first by content (its JSON text). Each copy left out is listed on the record
  kept: rule ``duplicate_key``, action ``dropped``, the raw value its page and the fields in which
  it differs.

Both travel in the raw frame's provenance column ``harvest_issues`` (``shared.issues.RECEIVED_ISSUES``)
into the clean record's ``issues`` (``transforms.model.identity``), so they are counted against
their rule's threshold before the snapshot is written (``harvest.raw.refuse_changed_source``) and
listed in ``record_issues``, like every rule's.
"""

import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from itertools import accumulate, repeat
from typing import Any, NamedTuple

import polars as pl
import pyarrow as pa
from polars._typing import PolarsDataType  # a schema's dtype: pl.List(...) or pl.String

from harvest.schemas import PROVENANCE_SCHEMA
from shared.issues import (
    DROPPED,
    DUPLICATE_KEY,
    ISSUE,
    NULLED,
    RECEIVED_ISSUES,
    UNREADABLE_VALUE,
    gather_issues,
    issue,
)

# How much of a dropped copy's differing fields a duplicate_key issue quotes.
QUOTED_CHARS = 500
_NO_ISSUES = pl.lit([], pl.List(ISSUE))
_INTEGER = re.compile(r"\s*[+-]?\d+\s*")
DUPLICATE_COUNTS = ("duplicates/identical", "duplicates/superseded", "duplicates/differing")
# A row's place in the order the records came in (page order), across every batch of a harvest.
ROW = "__row"

# --- type drift ---------------------------------------------------------------------------------


def _as_text(dtype: PolarsDataType) -> PolarsDataType:
    """``dtype`` with every leaf a String: the records are first read as text, nesting kept."""
    if isinstance(dtype, pl.List):
        return pl.List(_as_text(dtype.inner))
    if isinstance(dtype, pl.Struct):
        return pl.Struct({f.name: _as_text(f.dtype) for f in dtype.fields})
    return pl.String


def _read(text: pl.Expr, dtype: PolarsDataType) -> pl.Expr:
    """``text`` (of ``_as_text(dtype)``) read as ``dtype``: null where a leaf cannot be read."""
    if isinstance(dtype, pl.List):
        return text.list.eval(_read(pl.element(), dtype.inner))
    if isinstance(dtype, pl.Struct):
        fields = (_read(text.struct.field(f.name), f.dtype).alias(f.name) for f in dtype.fields)
        return pl.when(text.is_not_null()).then(pl.struct(*fields))
    if dtype == pl.String:
        return text
    value = text.str.strip_chars()
    if dtype == pl.Boolean:
        return value.str.to_lowercase().replace_strict(
            {"true": True, "false": False, "1": True, "0": False}, default=None, return_dtype=pl.Boolean
        )
    if dtype.is_integer():  # 3.0 is the integer 3; 3.5 is no integer
        number = value.cast(pl.Float64, strict=False)
        whole = pl.when(number == number.floor()).then(number).cast(dtype, strict=False)
        return pl.coalesce(value.cast(dtype, strict=False), whole)
    return value.cast(dtype, strict=False)


class _Leaf(NamedTuple):
    """A leaf field that is not text: its path (``Creators[].CreatorID``), its type, all its values
    in the frame as one flat column (cheap to count), and its values per record (a List where it
    is ``listed``: inside a list)."""

    path: str
    dtype: PolarsDataType
    flat: pl.Expr
    per_record: pl.Expr
    listed: bool


def _leaves(node: pl.Expr, dtype: PolarsDataType, path: str, *, listed: bool = False) -> Iterator[_Leaf]:
    """The leaves of ``node`` (of ``_as_text(dtype)``) that are not text."""
    if isinstance(dtype, pl.List):
        if listed:  # a list in a list: each record's occurrences, flattened
            inner = node.list.eval(pl.element().explode(empty_as_null=False))
            yield from _leaves(inner, dtype.inner, f"{path}[]", listed=True)
            return
        for leaf in _leaves(node, dtype.inner, f"{path}[]", listed=True):
            # The outermost list: its leaves' values, one column for the whole frame.
            yield leaf._replace(flat=leaf.flat.explode(empty_as_null=False))
    elif isinstance(dtype, pl.Struct):
        for f in dtype.fields:
            child = node.list.eval(pl.element().struct.field(f.name)) if listed else node.struct.field(f.name)
            yield from _leaves(child, f.dtype, f"{path}.{f.name}", listed=listed)
    elif dtype != pl.String:
        yield _Leaf(path, dtype, node, node, listed)


def _unreadable(leaf: _Leaf) -> pl.Expr:
    """The pending ``unreadable_value`` issue of one leaf: its unreadable values as received."""
    values, dtype = leaf.per_record, leaf.dtype
    if not leaf.listed:
        bad = values.is_not_null() & _read(values, dtype).is_null()
        return issue(UNREADABLE_VALUE, leaf.path, when=bad, raw_value=values, action=NULLED)
    element = pl.element()
    bad = values.list.eval(element.filter(element.is_not_null() & _read(element, dtype).is_null()))
    return issue(
        UNREADABLE_VALUE, leaf.path, when=bad.list.len() > 0, raw_value=bad.list.join("; "), action=NULLED
    )


class _Misshapen(NamedTuple):
    """A value not of its field's shape: its record's row, the field's path, the value as received."""

    row: int
    path: str
    value: Any


_CONTAINERS = frozenset({list, dict})
_NONE = type(None)
_EMPTY: dict[str, Any] = {}


def _text_column(
    values: list[Any], rows: list[int], dtype: PolarsDataType, path: str, misshapen: list[_Misshapen]
) -> pa.Array:
    """``values`` (received for the field at ``path``, one per record or list item of the records
    at ``rows``; None where absent) as an Arrow array of ``_as_text(dtype)``. A value not of the
    field's shape (a list or an object where text belongs, anything but a list where a list does,
    anything but an object where an object does) is null, and added to ``misshapen``.

    Built column by column, each a flat Python list read at C speed (Arrow, or Polars where a
    leaf's values are not all text): Polars' frame constructor walks every nested record value by
    value, 2-3x slower on the Walters records (docs/performance.md), and reads a misshapen value as
    text ("{1}" for an object) or fails the whole batch on it."""
    kinds = set(map(type, values))
    if isinstance(dtype, pl.List):
        shaped: set[type] = {list, _NONE}
    elif isinstance(dtype, pl.Struct):
        shaped = {dict, _NONE}
    else:
        shaped = kinds - _CONTAINERS
    if not kinds <= shaped:
        for i, value in enumerate(values):
            if type(value) not in shaped:
                misshapen.append(_Misshapen(rows[i], path, value))
                values[i] = None
        kinds = (kinds & shaped) | {_NONE}
    absent = pa.array([value is None for value in values], pa.bool_()) if _NONE in kinds else None
    if isinstance(dtype, pl.List):
        lengths = [0 if value is None else len(value) for value in values]
        items = [item for value in values if value is not None for item in value]
        item_rows = [row for row, length in zip(rows, lengths, strict=True) for _ in range(length)]
        inner = _text_column(items, item_rows, dtype.inner, f"{path}[]", misshapen)
        offsets = pa.array([0, *accumulate(lengths)], pa.int64())
        return pa.LargeListArray.from_arrays(offsets, inner, mask=absent)
    if isinstance(dtype, pl.Struct):
        records = [_EMPTY if value is None else value for value in values] if absent is not None else values
        children = [
            _text_column(
                list(map(dict.get, records, repeat(f.name))), rows, f.dtype, f"{path}.{f.name}", misshapen
            )
            for f in dtype.fields
        ]
        return pa.StructArray.from_arrays(children, names=[f.name for f in dtype.fields], mask=absent)
    if int in kinds:  # an integer's digits, as Polars writes them, and at any size (Polars: 128 bits)
        values = [str(value) if type(value) is int else value for value in values]
        kinds = (kinds - {int}) | {str}
    if kinds <= {str, _NONE}:
        return pa.array(values, pa.large_string())
    # Floats and booleans as Polars writes them as text.
    return pl.Series(values, dtype=pl.String, strict=False).to_arrow()


def _as_received(
    records: Sequence[dict[str, Any]], schema: pl.Schema
) -> tuple[pl.DataFrame, list[_Misshapen]]:
    """The records read as text (``_as_text``: every leaf a String, nesting kept) and the values
    not of their field's shape, nulled (``_text_column``)."""
    text_schema = pl.Schema({name: _as_text(dtype) for name, dtype in schema.items()})
    rows, misshapen = list(range(len(records))), []
    columns = [
        _text_column(list(map(dict.get, records, repeat(name))), rows, dtype, name, misshapen)
        for name, dtype in text_schema.items()
    ]
    frame = pl.DataFrame(pl.from_arrow(pa.Table.from_arrays(columns, names=list(text_schema))))
    return frame.cast(text_schema), misshapen


def _misshapen_issues(misshapen: list[_Misshapen], height: int) -> pl.Series:
    """Per record, an ``unreadable_value`` issue for each field that held values not of its shape:
    those values as received (JSON text, "; " between them), nulled."""
    found: list[dict[str, dict[str, Any]]] = [{} for _ in range(height)]
    for row, path, value in misshapen:
        text = json.dumps(value, ensure_ascii=False, default=str)
        listed = found[row].setdefault(
            path, {"field": path, "rule": UNREADABLE_VALUE.name, "raw_value": None, "action": NULLED}
        )
        listed["raw_value"] = text if listed["raw_value"] is None else f"{listed['raw_value']}; {text}"
    return pl.Series(RECEIVED_ISSUES, [list(issues.values()) for issues in found], dtype=pl.List(ISSUE))


def read_records(records: Sequence[dict[str, Any]], schema: pl.Schema) -> pl.DataFrame:
    """The records as a frame of ``schema``, each value read as its field's type (type drift read,
    see the module), plus ``harvest_issues``: the values that could not be read, nulled (a value not
    of its field's shape, a list where text belongs, among them).

    Vectorised: the records are read once as text; the leaves are counted in the whole frame, and
    only a leaf that lost values is looked at record by record."""
    text, misshapen = _as_received(records, schema)
    typed = text.select(_read(pl.col(name), dtype).alias(name) for name, dtype in schema.items())
    leaves = [leaf for name, dtype in schema.items() for leaf in _leaves(pl.col(name), dtype, name)]
    lost = []
    if leaves:
        present = [leaf.flat.is_not_null().sum().alias(leaf.path) for leaf in leaves]
        before, after = text.select(present).row(0), typed.select(present).row(0)
        lost = [leaf for leaf, n, m in zip(leaves, before, after, strict=True) if n != m]
    if not lost and not misshapen:  # the common case: every value read
        return typed.with_columns(_NO_ISSUES.alias(RECEIVED_ISSUES))
    issues = gather_issues(*(_unreadable(leaf) for leaf in lost))
    if misshapen:
        issues = pl.concat_list(_misshapen_issues(misshapen, text.height), issues)
    return typed.with_columns(text.select(issues.alias(RECEIVED_ISSUES)))


def unreadable_by_field(frame: pl.LazyFrame) -> dict[str, int]:
    """For the raw asset's metadata: per field that held values ``read_records`` could not read,
    the records it nulled them in (``unreadable/<field path>``)."""
    counts = (
        frame.select(pl.col(RECEIVED_ISSUES).explode(empty_as_null=False))
        .unnest(RECEIVED_ISSUES)
        .filter(pl.col("rule") == UNREADABLE_VALUE.name)
        .group_by("field")
        .len()
        .sort("field")
        .collect()
    )
    return {f"unreadable/{field}": n for field, n in counts.iter_rows()}


def reads_as(value: Any, kind: type) -> bool:
    """Whether a key as received reads as a ``kind``, as ``read_records`` reads it: an int also
    when sent as its digits ("12")."""
    if isinstance(value, bool):  # a bool is an int to Python, not to a source
        return False
    if isinstance(value, kind):
        return True
    return kind is int and isinstance(value, str) and _INTEGER.fullmatch(value) is not None


# --- duplicate keys -----------------------------------------------------------------------------


def _values(value: Any) -> int:
    """How many non-null leaf values ``value`` holds (a record's completeness)."""
    if isinstance(value, dict):
        return sum(_values(v) for v in value.values())
    if isinstance(value, list):
        return sum(_values(v) for v in value)
    return value is not None


def _instant(value: Any) -> tuple[int, Any]:
    """A version value in order: an ISO 8601 timestamp as its instant (offsets differ), else as is."""
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return (1, value)
        return (2, parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC))
    return (0, 0) if value is None else (1, value)


def _content(row: dict[str, Any], columns: Sequence[str]) -> str:
    return json.dumps({c: row[c] for c in columns}, sort_keys=True, default=str, ensure_ascii=False)


def _quote(dropped: dict[str, Any], kept: dict[str, Any], columns: Sequence[str], where: str) -> str:
    """What a dropped copy held: where it came from and its fields that differ from the kept one."""
    differing = {c: dropped[c] for c in columns if dropped[c] != kept[c]}
    text = json.dumps(differing, default=str, ensure_ascii=False)
    place = f"page {dropped['page']}" if where == "page" else f"row {dropped[ROW] + 1}"
    quoted = f"{place}: {text}"
    return quoted if len(quoted) <= QUOTED_CHARS else quoted[: QUOTED_CHARS - 1] + "…"


def _choose(
    copies: list[dict[str, Any]], columns: Sequence[str], *, version: str | None
) -> tuple[dict[str, Any], list[dict[str, Any]], int, int]:
    """The copy kept, the differing copies dropped, and how many were identical or superseded."""
    distinct: dict[str, dict[str, Any]] = {}
    for row in sorted(copies, key=lambda r: (r.get("page") or 0, r[ROW])):
        distinct.setdefault(_content(row, columns), row)  # identical: the first page's copy
    candidates = list(distinct.items())
    superseded = 0
    if version is not None:
        newest = max(_instant(row[version]) for _, row in candidates)
        current = [(text, row) for text, row in candidates if _instant(row[version]) == newest]
        superseded, candidates = len(candidates) - len(current), current
    candidates.sort(key=lambda pair: (-_values({c: pair[1][c] for c in columns}), pair[0]))
    kept, *dropped = (row for _, row in candidates)
    return kept, dropped, len(copies) - len(distinct), superseded


def resolve_duplicates(
    frame: pl.DataFrame, *, key: str, version: str | None = None
) -> tuple[pl.DataFrame, dict[str, int]]:
    """``frame`` with each non-null ``key`` once (see the module for the rule), rows in their
    order, the copies dropped listed in ``harvest_issues`` (added, empty, where the frame has
    none), and counts: ``duplicates/identical``, ``duplicates/superseded`` (older versions, by
    ``version``), ``duplicates/differing`` (dropped copies listed as ``duplicate_key``)."""
    if RECEIVED_ISSUES not in frame.columns:
        frame = frame.with_columns(_NO_ISSUES.alias(RECEIVED_ISSUES))
    indexed = frame.with_row_index(ROW)
    repeated = indexed.filter(pl.col(key).is_duplicated() & pl.col(key).is_not_null())
    if repeated.is_empty():
        return frame, dict.fromkeys(DUPLICATE_COUNTS, 0)
    kept, counts = choose_copies(repeated, key=key, version=version)
    return keep_copies(indexed.lazy(), kept, key=key).collect(), counts


def choose_copies(
    repeated: pl.DataFrame, *, key: str, version: str | None = None
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Of ``repeated``, every copy of each repeated key (with its ``ROW``), the copy kept of each: a
    frame of ``ROW`` and the ``duplicate_key`` issues listing the copies dropped (``__found``),
    and the counts of ``resolve_duplicates``."""
    counts = dict.fromkeys(DUPLICATE_COUNTS, 0)
    columns = [c for c in repeated.columns if c not in PROVENANCE_SCHEMA and c != ROW]
    where = "page" if "page" in repeated.columns else "row"
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in repeated.sort(ROW).to_dicts():  # few rows: the repeated keys only
        groups.setdefault(row[key], []).append(row)
    kept_rows, notes = [], []
    for copies in groups.values():
        kept, dropped, identical, superseded = _choose(copies, columns, version=version)
        counts["duplicates/identical"] += identical
        counts["duplicates/superseded"] += superseded
        counts["duplicates/differing"] += len(dropped)
        kept_rows.append(kept[ROW])
        quoted = " | ".join(_quote(row, kept, columns, where) for row in dropped) if dropped else None
        notes.append(quoted)
    found = pl.DataFrame(
        {ROW: kept_rows, "__dropped": notes, key: [copies[0][key] for copies in groups.values()]},
        schema={ROW: pl.UInt32, "__dropped": pl.String, key: repeated.schema[key]},
    ).with_columns(
        __found=gather_issues(
            issue(
                DUPLICATE_KEY,
                key,
                when=pl.col("__dropped").is_not_null(),
                raw_value=pl.col("__dropped"),
                action=DROPPED,
            )
        )
    )
    return found.drop("__dropped"), counts


def keep_copies(frame: pl.LazyFrame, kept: pl.DataFrame, *, key: str) -> pl.LazyFrame:
    """``frame`` (with ``ROW``) without the copies of the repeated keys that ``kept``
    (``choose_copies``) leaves out, the issues it found added to the kept copies' ``harvest_issues``,
    rows in their order, ``ROW`` dropped."""
    repeated = pl.col(key).is_in(kept[key].implode())
    return (
        frame.filter(~repeated | pl.col(ROW).is_in(kept[ROW].implode()))
        .join(kept.drop(key).lazy(), on=ROW, how="left", maintain_order="left")
        .with_columns(
            pl.concat_list(
                pl.col(RECEIVED_ISSUES).fill_null(_NO_ISSUES), pl.col("__found").fill_null(_NO_ISSUES)
            )
        )
        .drop(ROW, "__found")
    )
