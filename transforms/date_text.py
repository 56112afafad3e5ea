"""The free-text date grammar behind `transforms.dates.parse_dates`.

Every function here builds a Polars expression; nothing runs per row in Python. The text is handled
in four steps, each a helper:

1. `normalise_text` lower-cases the text and rewrites spelling variants to one form (dashes, era
   markers, ordinal words, "c."/"cent." for century, calendar dates, catalogue noise such as
   "Dynasty 18") so the grammar below only has to know one spelling of each thing.
2. `is_uncertain` flags hedged dates; `strip_hedges` then removes the hedges ("ca.", "?") and turns
   range words ("to", "or", "between ... and") into "-".
3. `prepare_segment` works on one ";"-separated part of the text ("Blade: ...; Hilt: ..."). When the
   part gives a Hijri year and its CE equivalent ("1028 AH/AD 1618-1619") the AH half is removed, so
   the stated CE year wins over a computed one. Before the split into parts, `strip_dual_dates`
   does the same for a dual date in any other calendar ("7000 AM/AD 1492", "2500 BE/1957 CE").
4. `match_segment` finds the first date expression of the part with one regex (named groups) and
   `segment_years` turns the groups into a chronological (start, end) pair and a precision.

Grammar of a date expression (after normalisation), first match in the part wins:

    [before|after] TERM [- TERM [- YEAR]]
    TERM = [QUALIFIER] [ad|bc|ah] NUMBER [st|nd|rd|th|d|s] [century|millennium] [ad|bc|ah]

A TERM is a year ("1878"), a decade ("1920s"), hundreds ("1800s", read as 1800-1899), a century
("5th century bc") or a millennium. Ordinals must have "century" or "millennium" on either term of
the range ("15th-16th century"); a bare ordinal is not a date ("18th dynasty").
"""

import polars as pl

from shared.lookup import lookup

# --- kinds of TERM and what they span ---------------------------------------------------------
YEAR, DECADE, HUNDREDS, CENTURY, MILLENNIUM = "year", "decade", "hundreds", "century", "millennium"
# The public precision vocabulary; "hundreds" ("1800s") is reported as a century.
PRECISION_OF_KIND = {YEAR: "year", DECADE: "decade", HUNDREDS: "century", CENTURY: "century"}
PRECISION_OF_KIND[MILLENNIUM] = "millennium"
RANGE = "range"

_ORDINAL_SUFFIXES = ["st", "nd", "rd", "th", "d"]

# Qualifier -> (lo, hi, den): the qualified part is [lo/den, hi/den) of the term's span.
# Keys are the qualifier with whitespace and dashes removed.
_QUALIFIER_FRACTIONS = {
    "early": (0, 1, 3),
    "mid": (1, 2, 3),
    "late": (2, 3, 3),
    "earlymid": (0, 2, 3),
    "midlate": (1, 3, 3),
    "1sthalf": (0, 1, 2),
    "2ndhalf": (1, 2, 2),
    "1stquarter": (0, 1, 4),
    "2ndquarter": (1, 2, 4),
    "3rdquarter": (2, 3, 4),
    "4thquarter": (3, 4, 4),
    "lastquarter": (3, 4, 4),
}

_ORDINAL_WORDS = {
    r"twenty[\s-]first": "21st",
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
    "sixth": "6th",
    "seventh": "7th",
    "eighth": "8th",
    "ninth": "9th",
    "tenth": "10th",
    "eleventh": "11th",
    "twelfth": "12th",
    "thirteenth": "13th",
    "fourteenth": "14th",
    "fifteenth": "15th",
    "sixteenth": "16th",
    "seventeenth": "17th",
    "eighteenth": "18th",
    "nineteenth": "19th",
    "twentieth": "20th",
}

_ORD = r"(?:st|nd|rd|th|d)"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"

# (pattern, replacement) applied in order by `normalise_text`; the order matters (see comments).
_NORMALISE = [
    # All dash-like characters are range separators ("1480\u201384" is 1480-84).
    (r"[\u2010-\u2015\u2212]", "-"),
    (r"(\d)'s\b", "${1}s"),  # 1920's
    (r"(\d),(\d{3})\b", "${1}${2}"),  # 10,000 BC
    # Era markers: B.C., B.C.E., BCE -> bc; A.D., C.E., CE -> ad; A.H. -> ah. Before "c." is read as
    # circa or century, so "c.e." is not mistaken for either.
    (r"\bb\.\s?c\.?(?:\s?e\b\.?)?|\bbce\b", "bc"),
    (r"\ba\.\s?d\.?|\bc\.\s?e\b\.?|\bce\b", "ad"),
    (r"\ba\.\s?h\.?", "ah"),
    # Other calendars' dotted markers next to a year: "2500 B.E.", "A.M. 7000" -> "be", "am".
    (r"(\d)\s*\b([a-z])\.\s?([a-z])\.", "${1} ${2}${3}"),
    (r"\b([a-z])\.\s?([a-z])\.\s*(\d)", "${1}${2} ${3}"),
    (r"(\d)(bc|ad|ah)\b", "${1} ${2}"),  # 1603ad
    (r"\b(bc|ad|ah)(\d)", "${1} ${2}"),  # AD1689
    # Century spellings: "5th c. BC", "5th cent.", "18th-century", "centuries".
    (rf"(\d{_ORD})[\s-]*(?:centur(?:y|ies)\b|cent\b\.?|c\.|c\b)", "${1} century"),
    (r"\bmill?enn?i(?:um|a)\b", "millennium"),
    (rf"(\d{_ORD})-millennium", "${1} millennium"),
    # Calendar dates keep only their year: "1888-03-12", "12/03/1888", "June 12, 1888", "12 June 1888".
    (r"\b(\d{3,4})-\d{1,2}-\d{1,2}\b", "${1}"),
    (r"\b\d{1,2}/\d{1,2}/(\d{3,4})\b", "${1}"),
    (rf"\b{_MONTH}\s+\d{{1,2}}{_ORD}?\s*,?\s*(\d{{3,4}})\b", "${1}"),
    (rf"\b\d{{1,2}}{_ORD}?\s+{_MONTH},?\s+(\d{{3,4}})\b", "${1}"),
    # Catalogue numbers that are not dates ("Dynasty 18", "18th Dynasty", "no. 3").
    (r"\b(?:dynasty|dyn\.|nos?\.|number|vol\.|volume|plate|fol\.|folio|regnal year|inv\.)\s*\d+\w*", " "),
    (rf"\b\d+{_ORD}\s+(?:dynasty|regnal|reign|edition|ed\.|state|impression|olympiad)\b", " "),
    (r"\s+", " "),
]

_UNCERTAIN = (
    r"\b(?:circa|ca|approx|approximately|about|around|probably|possibly|perhaps|likely|presumably)\b"
    r"|\bc\.?\s*\d"  # c. 1500, c1500
    r"|\?"
    r"|\bor\b"  # 11th or 12th century
    rf"|(?:\d|\d{_ORD}|\ds|century)\s*/\s*\d"  # 1867/1880, 19th/20th century
)

_HEDGES = [
    (r"\b(?:circa|ca|approx|approximately|about|around)\b\.?", " "),
    (r"\bc\.?\s*(\d)", "${1}"),
    (r"\?", " "),
    (r"\bbetween\s+(.*?)\s+and\s+", "${1}-"),
    (r"\s+(?:to|or|until|till)\s+", "-"),
]

# An AH ordinal or range of them: "10th", "12th-early 13th".
_AH_ORDINALS = rf"(?:\d{{1,4}}{_ORD}(?:\s*-\s*(?:(?:early|mid|late)[\s-]*)?\d{{1,4}}{_ORD})?)"

# Hijri text that also states the CE date: the AH parts are removed (order matters).
_AH_STRIP = [
    # "AD 1486-900 AH/AD 1494": the AH year sits inside a CE range; keep the CE range's dash.
    (r"(\bad\s*\d{1,4})\s*-\s*\d{1,4}\s*ah\s*/?", "${1}-"),
    # "AH 1012/AD 1603", "(AH 644)": prefix form, before the suffix form can claim the CE years.
    (r"\bah\s*\d{1,4}(?:\s*-\s*\d{1,4})?\s*/?", " "),
    # "10th century AH/AD 16th": the CE ordinal may leave out "century"; put it back.
    (
        rf"\b{_AH_ORDINALS}\s*century\s*ah\s*/?\s*ad\s*(\d{{1,4}}{_ORD})(?:\s*century\b)?",
        "ad ${1} century",
    ),
    # "12th-early 13th century AH/", then "1028 AH/", "885-886 AH/".
    (rf"\b{_AH_ORDINALS}\s*(?:century\s*)?ah\b\s*/?", " "),
    (r"\b\d{1,4}(?:\s*-\s*\d{1,4})?\s*ah\b\s*/?", " "),
]

# Dual dates in another calendar and AD/CE ("7000 AM/AD 1492", "2500 BE/1957 CE", "AD 1563/5323
# AM"): the AD years are kept, whatever the other calendar. Its marker is any era abbreviation
# other than "ad", "bc" and "ah" (Hijri dates have rules of their own, `_AH_STRIP`; the regex engine
# has no look-around, so the three are left out letter by letter): one or two letters before the
# year (AM, VS), up to four after it (BE, SE, AUC, Saka). Only where the AD side is stated: a year
# in another calendar alone is not converted (it is then out of the plausible range, or taken as
# written).
_OTHER_ERA_SHORT = r"(?:[a-z]|[c-z][a-z]|a[a-ce-gi-z]|b[abd-z])"
_OTHER_ERA = rf"(?:{_OTHER_ERA_SHORT}|[a-z]{{3,4}})"
_ERA_YEARS = rf"\d{{1,5}}{_ORD}?(?:\s*-\s*\d{{1,5}}{_ORD}?)?(?:\s*century)?"
_AD_YEARS = rf"(?:ad\s*{_ERA_YEARS}|{_ERA_YEARS}\s*ad\b)"
_OTHER_YEARS = rf"(?:\b{_OTHER_ERA_SHORT}\s*{_ERA_YEARS}|{_ERA_YEARS}\s*{_OTHER_ERA}\b)"
_DUAL_DATES = [
    (rf"{_OTHER_YEARS}\s*/\s*({_AD_YEARS})", "${1}"),
    (rf"({_AD_YEARS})\s*/\s*{_OTHER_YEARS}", "${1}"),
]

_QUALIFIER = (
    r"early\s*-\s*mid|mid\s*-\s*late|early|mid|late"
    r"|(?:1st|2nd)\s+half|(?:1st|2nd|3rd|4th|last)\s+quarter"
)


def _term(i: int) -> str:
    return (
        rf"(?:(?P<q{i}>{_QUALIFIER})(?:\s+of)?(?:\s+the)?[\s-]*)?"
        rf"(?:(?P<pre{i}>ad|bc|ah)\s*)?"
        rf"\b(?P<n{i}>\d{{1,5}})(?P<sfx{i}>st|nd|rd|th|d|s)?\b"
        rf"(?:\s*(?P<unit{i}>century|millennium)\b)?"
        rf"(?:\s*(?P<post{i}>bc|ad|ah)\b)?"
    )


DATE_PATTERN = (
    rf"(?:(?P<bound>before|after)\s+)?{_term(1)}(?:\s*-\s*{_term(2)}(?:\s*-\s*\b(?P<n3>\d{{1,5}})\b)?)?"
)


def _replace_all(expr: pl.Expr, rules: list[tuple[str, str]]) -> pl.Expr:
    for pattern, replacement in rules:
        expr = expr.str.replace_all(pattern, replacement)
    return expr


def normalise_text(text: pl.Expr) -> pl.Expr:
    """Lower-cased text with one spelling per notion (see `_NORMALISE`); null stays null."""
    expr = text.cast(pl.String).str.to_lowercase()
    for word, numeral in _ORDINAL_WORDS.items():
        expr = expr.str.replace_all(rf"\b{word}\b", numeral)
    return _replace_all(expr, _NORMALISE).str.strip_chars()


def is_uncertain(norm: pl.Expr) -> pl.Expr:
    """True when the normalised text hedges: circa, "?", "probably", "or"/"/" alternatives."""
    return norm.str.contains(_UNCERTAIN).fill_null(False)


def strip_hedges(norm: pl.Expr) -> pl.Expr:
    """Remove hedge words and marks, and write range words ("to", "or", "between") as "-"."""
    return _replace_all(norm, _HEDGES)


def strip_dual_dates(text: pl.Expr) -> pl.Expr:
    """The text with the other half of each dual date that states its AD year removed
    (`_DUAL_DATES`). Only texts with a "/" are searched: the patterns are costly, and nulls are not."""
    dual = pl.when(text.str.contains("/", literal=True)).then(text)
    return pl.coalesce(_replace_all(dual, _DUAL_DATES), text)


def has_hijri(segment: pl.Expr) -> pl.Expr:
    return segment.str.contains(r"\bah\b")


def prepare_segment(segment: pl.Expr) -> pl.Expr:
    """One ";"-part ready for `match_segment`: stated CE preferred over AH, tidy separators."""
    has_ce = segment.str.contains(r"\bad\b")
    expr = pl.when(has_hijri(segment) & has_ce).then(_replace_all(segment, _AH_STRIP)).otherwise(segment)
    return _replace_all(
        expr,
        [
            # A bracket ends a date expression: "1246-1247 (AH 644)" must not read as an AH range.
            (r"[()\[\]]", " , "),
            # "1867/1880", "19th/20th century": alternatives read as a range (flagged uncertain).
            (rf"(\d|\d{_ORD}|\ds|century|bc|ad)\s*/\s*(\d|early|mid|late|ad\b|bc\b)", "${1}-${2}"),
            # "late 18th early 19th century": the dash is missing.
            (rf"(\d{_ORD})\s+(early|mid|late)\b", "${1}-${2}"),
            (r"\s+", " "),
        ],
    ).str.strip_chars()


def match_segment(segment: pl.Expr) -> pl.Expr:
    """Struct of the named groups of `DATE_PATTERN` at its first match (all null if none)."""
    return segment.str.extract_groups(DATE_PATTERN)


# --- from regex groups to years ------------------------------------------------------------------
# Each step below maps one struct to the next (groups -> terms -> spans -> years); `STEPS` lists
# them. The caller materialises every step as a column: written as one nested expression, the
# repeated field references would copy sub-expressions into each other and the expression tree
# would grow exponentially.


def _kind(n: pl.Expr, sfx: pl.Expr, unit: pl.Expr, other_unit: pl.Expr) -> pl.Expr:
    """Kind of one TERM; an ordinal takes its unit from the other term ("15th-16th century")."""
    unit = pl.coalesce(unit, other_unit)
    return (
        pl.when(n.is_null())
        .then(pl.lit(None, pl.String))
        .when(sfx.is_null())
        .then(pl.lit(YEAR))
        .when(sfx == "s")
        .then(
            pl.when((n % 100 == 0) & (n > 0))
            .then(pl.lit(HUNDREDS))
            .when(n % 10 == 0)
            .then(pl.lit(DECADE))
            .otherwise(pl.lit(YEAR))  # "1875s" is a typo for a year
        )
        .when(sfx.is_in(_ORDINAL_SUFFIXES) & (n > 0))
        .then(unit)  # null when there is no unit: a bare ordinal is not a date
    )


def read_terms(m: pl.Expr) -> pl.Expr:
    """Step 1: regex groups -> numbers, kinds and era markers of the two terms."""

    def group(name: str) -> pl.Expr:
        return m.struct.field(name)

    def number(name: str) -> pl.Expr:
        return group(name).cast(pl.Int64, strict=False)

    n1, n2 = number("n1"), number("n2")
    return pl.struct(
        n1=n1,
        n2=n2,
        n3=number("n3"),
        digits1=group("n1").str.len_chars(),
        digits2=group("n2").str.len_chars(),
        digits3=group("n3").str.len_chars(),
        kind1=_kind(n1, group("sfx1"), group("unit1"), group("unit2")),
        kind2=_kind(n2, group("sfx2"), group("unit2"), group("unit1")),
        own1=pl.coalesce(group("pre1"), group("post1")),
        own2=pl.coalesce(group("pre2"), group("post2")),
        q1=group("q1"),
        q2=group("q2"),
        bound=group("bound"),
    )


def _expand_abbreviated(
    first: pl.Expr, last: pl.Expr, first_digits: pl.Expr, last_digits: pl.Expr
) -> pl.Expr:
    """The end of a range in full when it is abbreviated: 1480-84 -> 1484, 1899-02 -> 1902.

    An end with fewer digits and a smaller value than the start is abbreviated; any other is kept.
    """
    scale = pl.when(last_digits == 1).then(10).when(last_digits == 2).then(100).otherwise(1000)
    full = first - first % scale + last
    full = pl.when(full < first).then(full + scale).otherwise(full)
    return pl.when((last_digits < first_digits) & (last < first)).then(full).otherwise(last)


def complete_terms(t: pl.Expr) -> pl.Expr:
    """Step 2: abbreviated range ends written out, and the era of the first term."""
    f = t.struct.field
    n1, n2, kind1, kind2, own1, own2 = f("n1"), f("n2"), f("kind1"), f("kind2"), f("own1"), f("own2")
    # "1480-84": a shorter, smaller end of a year/decade range is abbreviated; never with BC, where
    # "1450-730 BC" is a real descending pair.
    plain = kind1.is_in([YEAR, DECADE]) & kind2.is_in([YEAR, DECADE])
    no_bc = (own1.fill_null("") != "bc") & (own2.fill_null("") != "bc")
    n2_full = (
        pl.when(plain & no_bc).then(_expand_abbreviated(n1, n2, f("digits1"), f("digits2"))).otherwise(n2)
    )
    # "AD 1486-AD 1494-1495" (left by the AH strip): the last year closes the range.
    closes = f("n3").is_not_null() & (kind2 == YEAR)
    return t.struct.with_fields(
        n2=pl.when(closes)
        .then(_expand_abbreviated(n2, f("n3"), f("digits2"), f("digits3")))
        .otherwise(n2_full),
        # A trailing BC (or AH) marks both ends: "1292-1190 BC", "885-886 AH".
        era1=pl.coalesce(own1, pl.when(own2.is_in(["bc", "ah"])).then(own2)),
    )


def _span(n: pl.Expr, kind: pl.Expr, era: pl.Expr, qualifier: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Chronological (start, end) of one TERM; negative years are BCE.

    Centuries and millennia count from year 1: 15th century = 1401-1500, 5th century BC = -500..-401.
    A qualifier takes its fraction of decades and longer spans, never of a single year.
    """
    width = (
        pl.when(kind == DECADE)
        .then(10)
        .when(kind.is_in([HUNDREDS, CENTURY]))
        .then(100)
        .when(kind == MILLENNIUM)
        .then(1000)
        .otherwise(1)
    )
    first = pl.when(kind.is_in([CENTURY, MILLENNIUM])).then((n - 1) * width + 1).otherwise(n)
    bc = era == "bc"
    start = pl.when(bc).then(-(first + width - 1)).otherwise(first)
    end = pl.when(bc).then(-first).otherwise(first + width - 1)

    key = qualifier.str.replace_all(r"[\s-]", "")
    lo, hi, den = (lookup(key, {k: v[i] for k, v in _QUALIFIER_FRACTIONS.items()}) for i in range(3))
    qualified = lo.is_not_null() & (width >= 10)
    start, end = (
        pl.when(qualified).then(start + width * lo // den).otherwise(start),
        pl.when(qualified).then(start + width * hi // den - 1).otherwise(end),
    )
    # Hijri to CE: CE = AH - AH/33 + 622 (integer division).
    ah = era == "ah"
    return (
        pl.when(ah).then(start - start // 33 + 622).otherwise(start),
        pl.when(ah).then(end - end // 33 + 622).otherwise(end),
    )


def first_span(t: pl.Expr) -> pl.Expr:
    """Step 3: span of the first term, and where the second would end if it were BC."""
    f = t.struct.field
    start1, end1 = _span(f("n1"), f("kind1"), f("era1"), f("q1"))
    _, end2_bc = _span(f("n2"), f("kind2"), pl.lit("bc"), f("q2"))
    return t.struct.with_fields(start1=start1, end1=end1, end2_bc=end2_bc)


def second_span(t: pl.Expr) -> pl.Expr:
    """Step 4: era and span of the second term."""
    f = t.struct.field
    own1, own2 = f("own1"), f("own2")
    # A leading BC carries forward only when that gives a consistent range: "600 BC-525" is BC at
    # both ends, "100 BC-200" is 100 BC to AD 200.
    inherit_bc = own2.is_null() & (own1 == "bc") & (f("end2_bc") >= f("start1"))
    era2 = pl.coalesce(own2, pl.when(own1 == "ah").then(own1), pl.when(inherit_bc).then(pl.lit("bc")))
    start2, end2 = _span(f("n2"), f("kind2"), era2, f("q2"))
    return t.struct.with_fields(start2=start2, end2=end2)


def segment_years(t: pl.Expr) -> pl.Expr:
    """Step 5: struct {start, end, precision} of one part.

    start/end are null when the part has no date or gives an inconsistent one (end before start:
    such a range is dropped, never swapped).
    """
    f = t.struct.field
    has2, bound = f("n2").is_not_null(), f("bound")
    start = pl.when(~has2 & (bound == "before")).then(None).otherwise(f("start1"))
    end = pl.when(has2).then(f("end2")).when(bound == "after").then(None).otherwise(f("end1"))

    valid = f("kind1").is_not_null() & (~has2 | f("kind2").is_not_null())
    consistent = start.is_null() | end.is_null() | (start <= end)
    ok = valid & consistent & (start.is_not_null() | end.is_not_null())

    precision1 = lookup(f("kind1"), PRECISION_OF_KIND)
    precision2 = lookup(f("kind2"), PRECISION_OF_KIND)
    precision = (
        pl.when(~has2 & bound.is_not_null())
        .then(pl.lit(RANGE))  # open-ended: "before 1842"
        .when(start == end)
        .then(pl.lit("year"))
        .when(~has2)
        .then(precision1)
        .when((precision1 == precision2) & (precision1 != "year"))
        .then(precision1)  # "15th-16th century", "1880s-1890s"
        .otherwise(pl.lit(RANGE))
    )
    return pl.struct(
        start=pl.when(ok).then(start),
        end=pl.when(ok).then(end),
        precision=pl.when(ok).then(precision),
    )


# The steps from `match_segment`'s groups to `segment_years`, each to be materialised in turn.
STEPS = [read_terms, complete_terms, first_span, second_span, segment_years]
