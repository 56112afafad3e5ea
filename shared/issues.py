"""Record-level rules: what the clean stage does with a value it cannot trust, and the list it keeps.

A record's problems travel with it: the clean objects and agents carry a column ``issues``, a list
of ``{field, rule, raw_value, action}`` structs (empty when the record is clean), found by the
shared parsers (``transforms.dates``, ``transforms.dimensions``, ``transforms.people``), the
sources' clean functions and the harvest (``harvest.received``: a value it could not read as its
field's type, a copy of a repeated key it dropped; carried in the raw column ``harvest_issues``),
and listed by ``collect_issues`` (which ``transforms.model.conform_to`` calls, so a source that
conforms its records gets them listed). ``field`` is the source's own
field name (``DateBeginYear``), so a curator can find it in the collections-management system;
``action`` says what the pipeline did:

``nulled``
    the value was not published (null);
``replaced``
    a value from a better field of the same record was published instead (e.g. the date text);
``kept``
    the value was published as received, and flagged;
``dropped``
    the source sent the record twice with different content: one copy was published, this one
    left out (``raw_value`` says what it held).

A rule never fails a run on its own: only when it fires on more than its declared share of a
source's records (``Rule.max_share``), which means the feed has changed, does the harvest refuse
the snapshot (``harvest.raw``). The thresholds are declared here, beside the rules, and nowhere
else.
"""

from dataclasses import dataclass

import polars as pl

from shared.lookup import lookup

ISSUES = "issues"
ISSUE = pl.Struct({"field": pl.String, "rule": pl.String, "raw_value": pl.String, "action": pl.String})
NULLED, REPLACED, KEPT, DROPPED = "nulled", "replaced", "kept", "dropped"
# The raw records' own issues, found by the harvest as it reads them (``harvest.received``): a
# provenance column beside source/page/harvested_at, a List of ``ISSUE``, carried into the clean
# record's ``issues`` by ``transforms.model.identity``.
RECEIVED_ISSUES = "harvest_issues"

# The plausible years of a museum object or a life: from the Upper Palaeolithic (the oldest
# figurative art is about 43,000 BC; objects of the 25th millennium BC are in collections) up to
# the current year, which the asset reads from the clock and passes in. Sentinels such as -99999
# and 9999, and typos with an extra digit (15230 for 1523), fall outside.
EARLIEST_YEAR = -50_000
# Larger than any object a museum measures (the Bayeux Tapestry is 68.4 m long): a size beyond
# 100 m is a misplaced decimal point or a misread number.
MAX_DIMENSION_CM = 10_000.0
# A rule firing on more than this share of a source's records means the source has changed.
DEFAULT_MAX_SHARE = 0.01


@dataclass(frozen=True)
class Rule:
    """A record-level rule: its name (the ``rule`` column), what it means for a curator, and the
    share of a source's records above which it blocks the run (1.0: never)."""

    name: str
    problem: str
    max_share: float = DEFAULT_MAX_SHARE


IMPLAUSIBLE_YEAR = Rule(
    "implausible_year",
    f"a year outside the plausible range ({-EARLIEST_YEAR} BC to this year): a sentinel, a typo "
    "(an extra digit) or a year in another calendar",
)
YEAR_CONTRADICTED_BY_TEXT = Rule(
    "year_contradicted_by_text", "the structured year lies outside the range the date text gives"
)
BEGIN_AFTER_END = Rule("begin_after_end", "the structured start year is after the end year")
IMPLAUSIBLE_DIMENSION = Rule(
    "implausible_dimension", f"a size that reads as more than {MAX_DIMENSION_CM / 100:.0f} m"
)
# 0/0 is how the sources write "no coordinates" (5% of the Walters' places): listed, never blocking.
COORDINATE_SENTINEL = Rule(
    "coordinate_sentinel", "coordinates 0/0, a placeholder for unknown coordinates", max_share=1.0
)
BLANK_TITLE = Rule("blank_title", "a title of whitespace (or markup) only")
# Found by the harvest (``harvest.received``), before the clean stage.
DUPLICATE_KEY = Rule(
    "duplicate_key",
    "the source holds this key twice with different content; the most complete copy was kept "
    "(the one with the most values, then the first by content)",
)
UNREADABLE_VALUE = Rule("unreadable_value", "a value that cannot be read as its field's type")
# transforms.agent_types: a kind read from a name's shape alone, for a curator to confirm.
AGENT_TYPE_GUESSED = Rule(
    "agent_type_guessed",
    "the kind of maker (person, group, culture, anonymous) was guessed from the name alone",
    max_share=1.0,
)

RULES = {
    rule.name: rule
    for rule in (
        IMPLAUSIBLE_YEAR,
        YEAR_CONTRADICTED_BY_TEXT,
        BEGIN_AFTER_END,
        IMPLAUSIBLE_DIMENSION,
        COORDINATE_SENTINEL,
        BLANK_TITLE,
        DUPLICATE_KEY,
        UNREADABLE_VALUE,
        AGENT_TYPE_GUESSED,
    )
}

_ACTION_WORDS = {
    NULLED: "not published (left empty)",
    REPLACED: "published with a value from another field of the record",
    KEPT: "published as received",
    DROPPED: "this copy was left out, the other published",
}


def plausible_year(year: pl.Expr, *, latest_year: int) -> pl.Expr:
    """True where ``year`` lies in the plausible range; null where it is null."""
    return year.is_between(EARLIEST_YEAR, latest_year)


# Each rule's finding waits in a column of its own, named by field and rule (a nullable struct,
# null where it did not fire), until `collect_issues` gathers them into the record's list once.
# Appending to a list column at every step would cost a row-at-a-time list operation per step
# (microseconds a row); building the list once from fixed-width columns is vectorised.
PENDING_PREFIX = "__issue__"
PENDING = rf"^{PENDING_PREFIX}.*$"


def issue(rule: Rule, field: str, *, when: pl.Expr, raw_value: pl.Expr, action: str | pl.Expr) -> pl.Expr:
    """A pending issue column (named by ``field`` and ``rule``): the issue struct where ``when``
    holds, else null. Add it with ``with_issues`` (or in a select); ``collect_issues`` lists it."""
    return (
        pl.when(when)
        .then(
            pl.struct(
                field=pl.lit(field, pl.String),
                rule=pl.lit(rule.name, pl.String),
                raw_value=raw_value.cast(pl.String),
                action=action if isinstance(action, pl.Expr) else pl.lit(action, pl.String),
            )
        )
        .alias(f"{PENDING_PREFIX}{field}__{rule.name}")
    )


def with_issues(lf: pl.LazyFrame, *issues: pl.Expr) -> pl.LazyFrame:
    """``lf`` with these pending issues (``issue``) added; every other column is kept."""
    return lf.with_columns(*issues)


def pending_issues() -> pl.Expr:
    """The pending issue columns, to carry through a select."""
    return pl.col(PENDING)


def collect_issues(lf: pl.LazyFrame) -> pl.LazyFrame:
    """``lf`` with its pending issues gathered into ``issues`` (List of ``ISSUE``, empty when none
    fired; appended to an ``issues`` column it already has) and the pending columns dropped. A
    pending column may also be a list of issues (the harvest's, ``RECEIVED_ISSUES``, carried by
    ``transforms.model.identity``): those come first, in the order the record met them."""
    schema = lf.collect_schema()
    pending = [name for name in schema.names() if name.startswith(PENDING_PREFIX)]
    if not pending:
        return lf if ISSUES in schema else lf.with_columns(pl.lit([], pl.List(ISSUE)).alias(ISSUES))
    lists = [name for name in pending if isinstance(schema[name], pl.List)]
    found = gather_issues(*(pl.col(name) for name in pending if name not in lists))
    # A record the harvest read before it kept its own issues has none (null): an empty list.
    received = [pl.col(name).cast(pl.List(ISSUE)).fill_null(pl.lit([], pl.List(ISSUE))) for name in lists]
    existing = [pl.col(ISSUES)] if ISSUES in schema else []  # rare: records collected once already
    if existing or received:
        found = pl.concat_list(*existing, *received, found)
    return lf.with_columns(found.alias(ISSUES)).drop(pending)


def gather_issues(*pending: pl.Expr) -> pl.Expr:
    """Pending issues (``issue`` expressions or columns, each an ``ISSUE`` or null) as one List of
    ``ISSUE`` per record, the nulls left out: empty when none fired."""
    if not pending:
        return pl.lit([], pl.List(ISSUE))
    return pl.concat_arr(p.cast(ISSUE) for p in pending).arr.to_list().list.eval(pl.element().drop_nulls())


def plausible_or_null(year: pl.Expr, field: str, *, latest_year: int) -> tuple[pl.Expr, pl.Expr]:
    """A structured year kept where plausible, else null, and its ``implausible_year`` issue."""
    implausible = ~plausible_year(year, latest_year=latest_year)
    return (
        pl.when(~implausible).then(year),
        issue(IMPLAUSIBLE_YEAR, field, when=implausible, raw_value=year, action=NULLED),
    )


# --- the issues as rows ---------------------------------------------------------------------------


def issue_rows(records: pl.LazyFrame, *, key: str, number: str | None = None) -> pl.LazyFrame:
    """One row per (record, field, rule): ``source``, ``record_key`` (the record's ``key``),
    ``object_number`` (from ``number``, null without one), ``field``, ``rule``, ``raw_value``,
    ``action``; records in their order, each record's issues in the order they were found."""
    return (
        records.select(
            "source",
            record_key=pl.col(key),
            object_number=pl.col(number) if number else pl.lit(None, pl.String),
            issue=pl.col(ISSUES),
        )
        .filter(pl.col("issue").list.len() > 0)
        .explode("issue", empty_as_null=False)
        .unnest("issue")
        .unique(["record_key", "field", "rule"], keep="first", maintain_order=True)
    )


def describe_issues(rows: pl.LazyFrame) -> pl.LazyFrame:
    """``rows`` (``issue_rows``) with ``message``: what was wrong and what was done, worded for the
    collections-management team ("DateBeginYear is 15230: a year outside the plausible range ...;
    published with a value from another field of the record. Please correct it in the source.")."""
    problem = lookup(
        pl.col("rule"), {name: rule.problem for name, rule in RULES.items()}, default=pl.col("rule")
    )
    return rows.with_columns(
        message=pl.concat_str(
            pl.col("field"),
            pl.lit(" is "),
            pl.when(pl.col("raw_value").is_null())
            .then(pl.lit("empty"))
            .otherwise(pl.concat_str(pl.lit('"'), pl.col("raw_value"), pl.lit('"'))),
            pl.lit(": "),
            problem,
            pl.lit("; "),
            lookup(pl.col("action"), _ACTION_WORDS, default=pl.col("action")),
            pl.lit(". Please correct it in the source."),
        )
    )


def count_by_rule(rows: pl.LazyFrame, *, records: int) -> pl.LazyFrame:
    """Per rule that fired: the records it fired on, their share of ``records``, the rule's
    threshold and whether the share exceeds it (``blocks``). Sorted by rule."""
    counts = rows.group_by("rule").agg(records=pl.col("record_key").n_unique()).sort("rule")
    thresholds = pl.LazyFrame(
        {"rule": list(RULES), "max_share": [rule.max_share for rule in RULES.values()]},
        schema={"rule": pl.String, "max_share": pl.Float64},
    )
    return (
        counts.join(thresholds, on="rule", how="left", maintain_order="left")
        .with_columns(
            share=pl.col("records") / max(records, 1),
            max_share=pl.col("max_share").fill_null(DEFAULT_MAX_SHARE),
        )
        .with_columns(blocks=pl.col("share") > pl.col("max_share"))
        .select("rule", "records", "share", "max_share", "blocks")
    )
