"""JSON documents written as text by Polars expressions, with absent parts left out.

Polars writes a null struct field as ``"key": null``, and the Linked Art and IIIF schemas refuse
nulls in many places. So the exports build each document as JSON text, part by part: every part is
an expression that is either JSON text or null, and an object or array leaves its null parts out
(an array with no items is itself null, so it vanishes from its parent too). Values are encoded by Polars (``struct.json_encode``), which escapes strings; constant
parts are encoded once in Python. Everything is an expression: it streams, batch by batch.
"""

import json
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import polars as pl

_WRAP = "v"
# What JSON strings must escape: a quote, a backslash, a control character.
_NEEDS_ESCAPING = r'["\\\x00-\x1f]'


def constant(value: object) -> pl.Expr:
    """A constant part (a string, number, dict or list, with no None in it) as JSON text."""
    return pl.lit(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def value(text: pl.Expr) -> pl.Expr:
    """A string expression as a JSON string (quoted, escaped); null stays null.

    Most values need no escaping: those are only quoted. The rest (a quote, a backslash or a
    control character in them) are encoded by Polars' JSON writer, which is exact but slower."""
    text = text.cast(pl.String)
    quoted = pl.concat_str(pl.lit('"'), text, pl.lit('"'))
    encoded = pl.struct(text.alias(_WRAP)).struct.json_encode()
    escaped = encoded.str.strip_prefix(f'{{"{_WRAP}":').str.strip_suffix("}")
    return pl.when(text.str.contains(_NEEDS_ESCAPING)).then(escaped).otherwise(quoted)


def number(expr: pl.Expr) -> pl.Expr:
    """A numeric expression as a JSON number; null (and NaN or infinity, which JSON lacks) stays null."""
    finite = expr.cast(pl.Float64).is_finite()
    return pl.when(finite).then(expr.cast(pl.String))


def json_object(members: Mapping[str, pl.Expr | object]) -> pl.Expr:
    """An object of ``members`` (key -> JSON text expression, or a constant); null members are left
    out. Never null itself: where the whole object may be absent, guard it with a condition on its
    inputs (``pl.when(...).then(json_object(...))``)."""
    parts = [
        pl.concat_str(pl.lit(json.dumps(key) + ":"), part if isinstance(part, pl.Expr) else constant(part))
        for key, part in members.items()
    ]
    return pl.concat_str(pl.lit("{"), pl.concat_str(parts, separator=",", ignore_nulls=True), pl.lit("}"))


def one_item(item: pl.Expr) -> pl.Expr:
    """An array of one item (JSON text); null when the item is null."""
    return pl.concat_str(pl.lit("["), item, pl.lit("]"))  # concat_str is null when a part is


def json_array(items: Sequence[pl.Expr]) -> pl.Expr:
    """An array of ``items`` (JSON text expressions); null items are left out, and an array with
    none is null. Each item is used twice (its text, and whether there is any): pass columns or
    small expressions, not deep ones (``one_item`` nests without that cost)."""
    inner = pl.concat_str(list(items), separator=",", ignore_nulls=True)
    return pl.when(inner != "").then(pl.concat_str(pl.lit("["), inner, pl.lit("]")))


def joined_array(texts: pl.Expr) -> pl.Expr:
    """A list column of JSON texts as one array; an empty or null list is null."""
    return pl.when(texts.list.len() > 0).then(pl.concat_str(pl.lit("["), texts.list.join(","), pl.lit("]")))


def sink_documents(documents: pl.LazyFrame, path: str) -> None:
    """Write the single text column of ``documents`` as NDJSON, one document a line, streaming.

    The documents are already JSON: written as CSV of one column, unquoted, with no header, each
    line is exactly the document (JSON text holds no raw newline; a one-column row has no separator)."""
    (column,) = documents.collect_schema().names()
    documents.select(column).sink_csv(
        path, include_header=False, quote_style="never", line_terminator="\n", engine="streaming"
    )


def write_in_parts(target: Path, parts: Iterable[Callable[[Path], object]]) -> None:
    """``target`` as what each of ``parts`` writes, in order: each writes its NDJSON to one hidden
    file beside ``target``, appended to it and then overwritten by the next; the file is removed at
    the end. An export written a query at a time holds one query's rows, not the collection's."""
    part = target.with_name(f".{target.name}.part")
    try:
        with target.open("wb") as out:
            for write in parts:
                write(part)
                with part.open("rb") as written:
                    shutil.copyfileobj(written, out)
    finally:
        part.unlink(missing_ok=True)
