"""Object dates: integer start and end years from structured fields or free date text.

`parse_dates` adds these columns and keeps every other column and row as it is:

``date_start_year``, ``date_end_year`` (Int32)
    Chronological years, negative for BCE (1 BC = -1, no year 0 in the text); null when unknown.
    Where both are set, start <= end, always.
``date_precision`` (String)
    How finely the date text states the date: ``"year"`` (one year, or a full calendar date),
    ``"decade"`` ("1920s"), ``"century"`` ("5th century BC", "early 16th century", "1800s"),
    ``"millennium"``, ``"range"`` (two different years, mixed units, or an open bound such as
    "before 1842"). A range within one unit keeps the unit ("15th-16th century" is "century").
    When the text gives no date but the structured years are used: "year" if begin == end, else
    "range". Null when the years are unknown.
``date_uncertain`` (Boolean, never null)
    The text hedges: "ca."/"c."/"circa"/"about", "?", "probably"/"possibly", "or" and "/"
    alternatives.
``date_source`` (String)
    ``"structured"`` (the source's begin/end years), ``"text"`` (parsed from the text) or null.
Flags (Boolean, never null), for the metadata counts:
    ``date_sentinel``: the structured pair was 0/0, the sources' "no date";
    ``date_bce``: the resulting start year is BCE;
    ``date_hijri``: the text gives a Hijri (AH) date; the years are CE regardless, the stated CE year
    when the text has one ("1028 AH/AD 1618-1619"), else converted as CE = AH - AH/33 + 622;
    ``date_inverted``: the structured begin > end;
    ``date_inverted_resolved``: inverted, and the text gave a consistent range that was used;
    ``date_contradicted``: the structured pair does not overlap the text's range at all, so the text
    was used.

Rules:

- Years outside the plausible range (``shared.issues``: 50,000 BC to ``latest_year``) are never
  used, from the fields or from the text: sentinels (9999, -99999), typos with an extra digit (15230
  for 1523), a year in another calendar the text does not convert. Such a structured year is
  replaced from the text when the text gives a date, else nulled.
- Structured years are used when they are real: both set and plausible, not the 0/0 sentinel, begin <= end, and
  overlapping the range the text gives (if it gives one). They are kept as given (Walters writes
  "1st century" as 0..99) and win over a text that reads a little differently, because the museum
  set them deliberately (e.g. widening "ca. 1480"); a pair that misses the text's range entirely
  ("2nd half 19th century" stored as 2..2) is a slip, and the text wins.
- Otherwise the text is parsed (grammar in `transforms.date_text`). An inverted structured pair is
  replaced by the text only when the text gives both years; otherwise both years are null. Nothing is
  ever swapped.
- Every value not used is listed in the ``issues`` column (``shared.issues``), named by the
  source's field (``text``, ``begin``, ``end``): ``implausible_year`` (a structured or text year out
  of range), ``year_contradicted_by_text`` (each structured year outside the text's range),
  ``begin_after_end``; the action is ``replaced`` when the text's years were used, else ``nulled``.
- The one convention for periods, objects' and agents' alike (``parse_period`` reads an agent's
  "active 15th century" with the same grammar): centuries count from year 1: 15th century = 1401-1500; 5th century BC = -500..-401; 2nd millennium
  BC = -2000..-1001. "early"/"mid"/"late" are the first/middle/last third of the span (early 15th
  century = 1401-1433), "first/second half" and "1st..4th quarter" likewise. "1800s" is 1800-1899.
- "ca." does not widen the years; it only sets ``date_uncertain``.
- A text with several ";"-separated parts ("Blade: 1551-1552; Hilt: 1761") covers them all: earliest
  start to latest end. Within a part the first date expression counts
  ("1580-1620, with later additions" is 1580-1620).
"""

from collections.abc import Callable

import polars as pl

from shared.issues import (
    BEGIN_AFTER_END,
    IMPLAUSIBLE_YEAR,
    NULLED,
    REPLACED,
    YEAR_CONTRADICTED_BY_TEXT,
    issue,
    plausible_year,
)
from transforms import date_text

# Temporary columns, dropped before returning; the prefix keeps them clear of source columns.
_TMP = "__parse_dates_"
_PARTS, _UNCERTAIN, _HIJRI = f"{_TMP}parts", f"{_TMP}uncertain", f"{_TMP}hijri"
_START, _END, _PRECISIONS = f"{_TMP}start", f"{_TMP}end", f"{_TMP}precisions"
_BEGIN_S, _END_S = f"{_TMP}begin", f"{_TMP}end_s"
# Flags joined back for the issues (a structured year out of range, the text's, a structured year
# outside the text's range), dropped once the issues are built.
_IMPLAUSIBLE_B, _IMPLAUSIBLE_E = f"{_TMP}implausible_begin", f"{_TMP}implausible_end"
_IMPLAUSIBLE_TEXT = f"{_TMP}implausible_text"
_OUTSIDE_B, _OUTSIDE_E = f"{_TMP}outside_begin", f"{_TMP}outside_end"
_FLAGS = [_IMPLAUSIBLE_B, _IMPLAUSIBLE_E, _IMPLAUSIBLE_TEXT, _OUTSIDE_B, _OUTSIDE_E]


def _each_part(step: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """Apply a `date_text` step to every ";"-part of the text (a list column)."""
    return pl.col(_PARTS).list.eval(step(pl.element()))


def _part_field(name: str) -> pl.Expr:
    return pl.col(_PARTS).list.eval(pl.element().struct.field(name))


def parse_dates(lf: pl.LazyFrame, *, text: str, begin: str, end: str, latest_year: int) -> pl.LazyFrame:
    """Add date_start_year, date_end_year, date_precision, date_uncertain, date_source and flags,
    and the date's problems as pending issues (``shared.issues``: listed by ``collect_issues``).

    `text` names the free date text (String), `begin`/`end` the source's structured years (Int64,
    may be null), each by the source's field name (it names the field in ``issues``); `latest_year`
    is the last plausible year (the current year: the caller reads the clock). See the module
    docstring for the rules. Rows and their order are kept.
    """
    # Museums write the same few thousand date texts on many objects: parse each distinct
    # (text, begin, end) once and join the result back, instead of running the parser per row.
    keys = [text, begin, end]
    parsed = _parse_each(lf.select(keys).unique(), text=text, begin=begin, end=end, latest_year=latest_year)
    joined = lf.join(parsed, on=keys, how="left", nulls_equal=True, maintain_order="left")
    # The issues are built here, from flags the parse joined back: flags are cheap to join, the
    # issues' text fields are not.
    return joined.with_columns(_issues(text=text, begin=begin, end=end)).drop(_FLAGS)


def _issues(*, text: str, begin: str, end: str) -> list[pl.Expr]:
    """The pending issues of each row from the flags `_resolve` set (see the module docstring)."""
    action = pl.when(pl.col("date_source") == "text").then(pl.lit(REPLACED)).otherwise(pl.lit(NULLED))
    return [
        issue(IMPLAUSIBLE_YEAR, begin, when=pl.col(_IMPLAUSIBLE_B), raw_value=pl.col(begin), action=action),
        issue(IMPLAUSIBLE_YEAR, end, when=pl.col(_IMPLAUSIBLE_E), raw_value=pl.col(end), action=action),
        issue(IMPLAUSIBLE_YEAR, text, when=pl.col(_IMPLAUSIBLE_TEXT), raw_value=pl.col(text), action=NULLED),
        issue(
            YEAR_CONTRADICTED_BY_TEXT,
            begin,
            when=pl.col(_OUTSIDE_B),
            raw_value=pl.col(begin),
            action=REPLACED,
        ),
        issue(
            YEAR_CONTRADICTED_BY_TEXT, end, when=pl.col(_OUTSIDE_E), raw_value=pl.col(end), action=REPLACED
        ),
        issue(BEGIN_AFTER_END, begin, when=pl.col("date_inverted"), raw_value=pl.col(begin), action=action),
    ]


def _parse_each(lf: pl.LazyFrame, *, text: str, begin: str, end: str, latest_year: int) -> pl.LazyFrame:
    norm = date_text.normalise_text(pl.col(text))
    lf = lf.with_columns(
        date_text.is_uncertain(norm).alias(_UNCERTAIN),
        # Read before the AH parts are stripped from texts that also give the CE year.
        date_text.has_hijri(norm).fill_null(False).alias(_HIJRI),
        # Every ";"-part is parsed alike ("Blade: 1551-1552; Hilt: 1761"). Each step is its own
        # column: nesting them in one expression would copy sub-expressions exponentially.
        date_text.strip_dual_dates(date_text.strip_hedges(norm)).str.split(";").alias(_PARTS),
    )
    lf = lf.with_columns(_each_part(lambda part: date_text.match_segment(date_text.prepare_segment(part))))
    for step in date_text.STEPS:
        lf = lf.with_columns(_each_part(step))
    lf = lf.with_columns(
        # The text covers all its parts: earliest start to latest end.
        _part_field("start").list.min().alias(_START),
        _part_field("end").list.max().alias(_END),
        _part_field("precision").list.drop_nulls().alias(_PRECISIONS),
        # Out-of-range structured years (beyond Int32) count as missing, not as an error.
        pl.col(begin).cast(pl.Int32, strict=False).alias(_BEGIN_S),
        pl.col(end).cast(pl.Int32, strict=False).alias(_END_S),
    )
    temporary = [_PARTS, _UNCERTAIN, _HIJRI, _START, _END, _PRECISIONS, _BEGIN_S, _END_S]
    return lf.with_columns(**_resolve(begin=begin, end=end, latest_year=latest_year)).drop(temporary)


def parse_period(lf: pl.LazyFrame, *, text: str, start: str, end: str) -> pl.LazyFrame:
    """Add ``start`` and ``end`` (Int32, negative for BCE; null without a date) read from the
    period in column ``text`` ("early 16th century", "1870s", "1738-49", "470-425 BC", "1565") by
    the objects' grammar (``transforms.date_text``) and convention (module docstring): one parser
    for objects' dates and agents' active periods. Hedges are ignored, only the first ";"-part
    counts, and no structured years are consulted. Rows and their order are kept."""
    column = f"{_TMP}period"
    norm = date_text.normalise_text(pl.col(text))
    segment = date_text.strip_dual_dates(date_text.strip_hedges(norm)).str.split(";").list.first()
    # Each step in a column of its own, as in `_parse_each`.
    lf = lf.with_columns(date_text.match_segment(date_text.prepare_segment(segment)).alias(column))
    for step in date_text.STEPS:
        lf = lf.with_columns(step(pl.col(column)).alias(column))
    years = pl.col(column).struct
    return lf.with_columns(
        years.field("start").cast(pl.Int32).alias(start), years.field("end").cast(pl.Int32).alias(end)
    ).drop(column)


def _text_precision() -> pl.Expr:
    """One part: its precision. Several: their common unit ("Bust: 19th century; Plaquette: 18th
    century" is "century"), else "range"."""
    precisions = pl.col(_PRECISIONS)
    first = precisions.list.first()
    common = (precisions.list.n_unique() == 1) & ((precisions.list.len() == 1) | (first != "year"))
    return pl.when(common).then(first).when(precisions.list.len() > 1).then(pl.lit(date_text.RANGE))


def _resolve(*, begin: str, end: str, latest_year: int) -> dict[str, pl.Expr]:
    """Final columns: structured years when real, else the text, with the quirk flags, and the
    flags `_issues` reads (temporary)."""
    raw_b, raw_e = pl.col(begin), pl.col(end)
    # A year out of the plausible range is not a year: it counts as missing from here on.
    implausible_b = (~plausible_year(raw_b, latest_year=latest_year)).fill_null(False)
    implausible_e = (~plausible_year(raw_e, latest_year=latest_year)).fill_null(False)
    b = pl.when(~implausible_b).then(pl.col(_BEGIN_S))
    e = pl.when(~implausible_e).then(pl.col(_END_S))
    ts, te = pl.col(_START), pl.col(_END)
    implausible_text = (
        ~plausible_year(ts, latest_year=latest_year) | ~plausible_year(te, latest_year=latest_year)
    ).fill_null(False)
    ts = pl.when(~implausible_text).then(ts.cast(pl.Int32, strict=False))
    te = pl.when(~implausible_text).then(te.cast(pl.Int32, strict=False))
    # Parts open at different ends ("before 1842; after 1900") can cross: unknown, never swapped.
    crossed = (ts > te).fill_null(False)
    ts, te = pl.when(~crossed).then(ts), pl.when(~crossed).then(te)

    sentinel = ((b == 0) & (e == 0)).fill_null(False)
    inverted = (b > e).fill_null(False)
    plausible = b.is_not_null() & e.is_not_null() & ~sentinel & ~inverted
    # A structured pair that does not even overlap the text's full range is a data-entry slip
    # ("2nd half 19th century" stored as 2..2, "early 1st millennium BC" as -10000..-7500):
    # the text, which people read, wins, and the row is flagged.
    contradicted = (plausible & ts.is_not_null() & te.is_not_null() & ((b > te) | (e < ts))).fill_null(False)
    real = plausible & ~contradicted
    text_any = ts.is_not_null() | te.is_not_null()
    # An inverted pair may only be replaced by a full range from the text.
    use_text = ~real & text_any & (~inverted | (ts.is_not_null() & te.is_not_null()))
    start = pl.when(real).then(b).when(use_text).then(ts)
    structured_precision = pl.when(b == e).then(pl.lit("year")).otherwise(pl.lit(date_text.RANGE))
    return {
        "date_start_year": start,
        "date_end_year": pl.when(real).then(e).when(use_text).then(te),
        "date_precision": pl.when(real | use_text).then(
            pl.when(text_any).then(_text_precision()).otherwise(structured_precision)
        ),
        "date_uncertain": pl.col(_UNCERTAIN),
        "date_source": pl.when(real).then(pl.lit("structured")).when(use_text).then(pl.lit("text")),
        "date_sentinel": sentinel,
        "date_bce": (start < 0).fill_null(False),
        "date_hijri": pl.col(_HIJRI),
        "date_inverted": inverted,
        "date_inverted_resolved": inverted & use_text,
        "date_contradicted": contradicted,
        _IMPLAUSIBLE_B: implausible_b,
        _IMPLAUSIBLE_E: implausible_e,
        _IMPLAUSIBLE_TEXT: implausible_text,
        _OUTSIDE_B: (contradicted & ((b < ts) | (b > te))).fill_null(False),
        _OUTSIDE_E: (contradicted & ((e < ts) | (e > te))).fill_null(False),
    }
