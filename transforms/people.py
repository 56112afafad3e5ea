"""Agent display strings parsed into name, nationality and life / activity years.

Accepted shapes (all seen in the sources):

* Walters creators export, column ``date``: ``" (Persian, ca. 1565-1635)"``, ``" (Japanese)"``,
  ``" (died 898 AH/AD 1492)"``, ``""``;
* Walters object ``Creators[].ConcatDisplayName``: ``"Riza 'Abbasi (Persian, ca. 1565-1635)"``,
  ``"Achilles Painter (Greek, active ca. 470-ca. 425 BC) (?)"``, ``"Venetian ()"``;
* AIC ``artist_display``: ``"Walter Shirlaw\\nAmerican, 1838\u20131909"`` (an en dash; name on the
  first line, bio on the second) or ``"Giovanni Battista Piranesi (Italian, 1720-1778)\\npublished by ..."``.

Rules:

1. Only the first line names the agent. Its *bio* is the first bracket group holding more than a
   "?" (one level of nested brackets allowed: "(1096 (?)-1141)"); without one, the second line is the
   bio (AIC). ``display_name`` is the first line with the bio bracket and empty "()" removed, cleaned;
   attribution markers outside it stay ("Achilles Painter (?)", "Anthony van Dyck and workshop").
2. ``nationality`` is the bio's text before the first comma (or before the first digit:
   "Roman 43 BC-17/18 AD"), unless it is a date phrase ("active ...", "ca. ...", "early 16th
   century") or has no capital letter ("signature illegible"). Only the first clause is read, so the
   Walters duplicate "Japanese, Japanese" gives "Japanese". Spelling is kept ("Japanesse").
3. The rest of the bio is split into clauses at "," and ";" and read clause by clause; the first
   clause of each kind wins ("1807-1884; 1807/8-1884"):

   * ``born|b.|baptized Y`` -> birth_year; ``died|d. Y`` -> death_year (first year of a range);
   * a bare range ``Y-Y`` -> birth and death ("1565-1635", "1910-" open, "-1919" open, "1837-present");
     explicit born/died clauses take precedence over it;
   * ``active|act.|fl.|flourished|documented|reigned|master|founded|est. ...`` -> active_start/end;
     so do a bare century ("19th century") and a bare single year ("ca. 1800"), which in these
     sources describe when someone worked, not a birth;
   * approximations are read as the stated year: "ca.", "c.", "before", "after", "by", "probably",
     "(?)", "?"; of alternatives the first counts: "1594 or 1595", "1620/1", "1564/5";
   * BC/BCE years are negative; a trailing BC applies to both ends ("65 - 8 BC" is -65..-8) unless
     the first end has its own era ("59 BC-AD 17" is -59..17); "-255--184" (the Roman records'
     negative years) is read as written;
   * Hijri dates are dropped in favour of their AD equivalent: "died 898 AH/AD 1492" is 1492;
   * an abbreviated end year takes the start's century: "active 1738-49" is 1738..1749;
   * periods ("19th century", "early 16th century", "1870s", "1738-49") are read by the objects'
     parser (``transforms.dates.parse_period``), with its one convention for centuries and decades
     (``transforms.dates``: the 15th century is 1401-1500).

Not handled (left null): reign titles ("King of France 1830-1848"), "until 1890", garbled ranges
("1596/1597 7-1660"), written-out years, and places inside the bracket other than as nationality
("Kinshindo" in "Moriya Jihei (Kinshindo)" is taken for a nationality: no vocabulary is consulted).
"""

import polars as pl

from shared.issues import IMPLAUSIBLE_YEAR, NULLED, issue, plausible_year, with_issues
from transforms.dates import parse_period
from transforms.text import clean_text

OUTPUT_COLUMNS = (
    "display_name",
    "nationality",
    "birth_year",
    "death_year",
    "active_start_year",
    "active_end_year",
)

# One bracket group with at most one nested level, whose content has a character other than
# space and "?" at its top level: "(Italian, 1474/1475-1552)", "(1096 (?)-1141)", not "(?)" or "()".
_NESTED = r"(?:[^()]|\([^()]*\))"
_BIO_BRACKET = rf"\(({_NESTED}*[^()\s?]{_NESTED}*)\)"

# Words that open a date phrase: such a first clause is not a nationality.
_DATE_WORD = (
    r"(?i)^(?:active|act\.|acitve|actve|fl\.|flourished|born|b\.|baptized|died|d\.|ca\.|c\.|circa|"
    r"before|after|until|probably|documented|reigned|master|founded|est\.|first active|present|"
    r"(?:early|mid|late)[\s-]*\d|\d|-|\?)"
)
_ACTIVE_WORD = (
    r"(?:first active|active|act\.|acitve|actve|fl\.|flourished|documented|reigned|master|founded|est\.)"
)
# A year with optional era, once the text is normalised: "1565", "-255", "470 bc", "17 ad".
_YEAR = r"(-?\d{1,4})(?: (bc|ad))?"
_RANGE = rf"^(?:{_YEAR})?-(?:{_YEAR}|present)?$"


def split_display_name(expr: pl.Expr) -> pl.Expr:
    """The agent's name: first line, bio bracket and empty "()" removed, cleaned (null if empty)."""
    first_line = expr.cast(pl.String).str.extract(r"^([^\r\n]*)", 1)
    name = first_line.str.replace(_BIO_BRACKET, " ").str.replace_all(r"\(\s*\)", " ")
    # A doubled closing bracket in the source ("(Italian, 1399/1400-1482))") leaves a stray ")".
    return clean_text(name.str.replace(r"^[\s)]+", ""))


def _bio(expr: pl.Expr) -> pl.Expr:
    """The bracketed bio of the first line, else the second line (AIC), cleaned."""
    text = expr.cast(pl.String)
    first_line = text.str.extract(r"^([^\r\n]*)", 1)
    second_line = text.str.extract(r"^[^\r\n]*\r?\n([^\r\n]*)", 1)
    return clean_text(pl.coalesce(first_line.str.extract(_BIO_BRACKET, 1), second_line))


def _nationality(bio: pl.Expr) -> pl.Expr:
    candidate = bio.str.extract(r"^([^,\d]*[^,\d\s])", 1)
    is_nationality = ~candidate.str.contains(_DATE_WORD) & candidate.str.contains(r"\p{Lu}")
    return pl.when(is_nationality).then(candidate.str.strip_chars(" -"))


def _dates_text(bio: pl.Expr, nationality: pl.Expr) -> pl.Expr:
    """The bio without its nationality, normalised so the clause regexes stay small.

    Lower case, "," as the only clause separator, one hyphen for any dash, no approximation words,
    alternatives reduced to the first, Hijri years dropped, eras written " bc"/" ad" after the year.
    """
    rest = pl.when(nationality.is_not_null()).then(bio.str.slice(nationality.str.len_chars())).otherwise(bio)
    t = rest.str.to_lowercase().str.replace_all(r"[\u2010-\u2015\u2212]", "-").str.replace_all(";", ",")
    t = t.str.replace_all(r"\(\s*\?\s*\)|\?|[()]", " ")
    # "411-416 AH/AD 1020-1025" -> "1020-1025"; "898 AH/AD 1492" -> "1492"; "8th century AH/AD".
    t = t.str.replace_all(r"\d+\s*-\s*\d+\s*ah/ad\s*(\d+\s*-\s*\d+)", "${1}")
    t = t.str.replace_all(r"\d+(?:st|nd|rd|th)?\s*(?:century\s*)?ah/ad\s*", "")
    t = t.str.replace_all(r"\bcent(?:uries|ury|\.)?", "century")
    # "active 1764 - died ca. 1778", "active ca. 1511-d. 1540/1": the death is its own clause.
    t = t.str.replace_all(r"-\s*(died|d\.)", ", ${1}")
    t = t.str.replace_all(r"\b(?:ca|circa|before|after|by|probably|about)\b\.?\s*|\bc\.\s*", "")
    t = t.str.replace_all(r"(\d+)\s*/\s*\d+", "${1}").str.replace_all(r"(\d+)\s+or\s+\d+", "${1}")
    t = t.str.replace_all(r"\bbce?\b\.?", " bc").str.replace_all(r"\b(?:ad|ce)\s+(\d+)", "${1} ad")
    t = t.str.replace_all(r"\b(?:ce)\b", " ad").str.replace_all(r"\s*-\s*", "-")
    return t.str.replace_all(r"\s+", " ").str.replace_all(r"\s*,[\s,]*", ", ").str.strip_chars(" ,")


def _clause(dates: pl.Expr, opening: str) -> pl.Expr:
    """Text of the first clause that starts with `opening` (a regex), without that opening."""
    return dates.str.extract(rf"(?:^|, )(?:{opening})\s*([^,]*)", 1).str.strip_chars()


def _signed(number: pl.Expr, is_bc: pl.Expr) -> pl.Expr:
    year = number.cast(pl.Int32)
    return pl.when(is_bc & (year > 0)).then(-year).otherwise(year)


def _first_year(text: pl.Expr) -> pl.Expr:
    """First year in a clause, signed: "1488-1492" -> 1488, "411 bc" -> -411."""
    g = text.str.extract_groups(rf"^{_YEAR}")
    return _signed(g.struct.field("1"), g.struct.field("2") == "bc")


def _year_range(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Start and end of "Y-Y" (either end may be open) or of a single year "Y" (start = end)."""
    g = text.str.extract_groups(_RANGE)
    start_era, end_era = g.struct.field("2"), g.struct.field("4")
    end_bc = end_era == "bc"
    # A trailing BC covers the start too unless the start carries its own era.
    start_bc = (start_era == "bc") | (start_era.is_null() & end_bc.fill_null(False))
    start = _signed(g.struct.field("1"), start_bc)
    end = _signed(g.struct.field("3"), end_bc.fill_null(False))
    # "1738-49": a short end year below the start takes the start's century.
    century_end = (start // 100) * 100 + end
    end = (
        pl.when((end < start) & (end < 100) & (start >= 100))
        .then(pl.when(century_end >= start).then(century_end).otherwise(century_end + 100))
        .otherwise(end)
    )
    single = text.str.extract_groups(rf"^{_YEAR}$")
    single_year = _signed(single.struct.field("1"), single.struct.field("2") == "bc")
    has_range = g.struct.field("1").is_not_null() | g.struct.field("3").is_not_null()
    return (
        pl.when(has_range).then(start).otherwise(single_year),
        pl.when(has_range).then(end).otherwise(single_year),
    )


def parse_life_dates(lf: pl.LazyFrame, *, display: str, latest_year: int) -> pl.LazyFrame:
    """Add display_name, nationality (String) and birth_year, death_year, active_start_year,
    active_end_year (Int32, negative for BC, null when the text gives none).

    Years outside the plausible range (``shared.issues``, up to ``latest_year``) are nulled and
    the record gets one ``implausible_year`` issue naming ``display`` with its text."""
    # Each stage is materialised in a temporary column: as one nested expression every output
    # would re-run the whole normalisation chain.
    tmp = {name: f"__people_{name}" for name in ("bio", "nationality", "dates")}
    raw = pl.col(display)
    lf = lf.with_columns(split_display_name(raw).alias("display_name"), _bio(raw).alias(tmp["bio"]))
    lf = lf.with_columns(_nationality(pl.col(tmp["bio"])).alias(tmp["nationality"]))
    lf = lf.with_columns(_dates_text(pl.col(tmp["bio"]), pl.col(tmp["nationality"])).alias(tmp["dates"]))
    dates = pl.col(tmp["dates"])

    active_clause = _clause(dates, _ACTIVE_WORD).str.replace(r"^(?:in [^,]*|from|beginning)\s*", "")
    clauses = {
        "life": dates.str.extract(rf"(?:^|, )((?:{_YEAR})?-(?:{_YEAR}|present)?)(?:,|$)", 1),
        "born": _clause(dates, r"born|b\.|baptized"),
        "died": _clause(dates, r"died in|died|d\."),
        # Activity: an "active ..." clause, else a bare century or decade, else a bare single year.
        # ("15th and early 16th century" is a range to the period parser: "15th-early 16th century".)
        "active": pl.coalesce(
            pl.when(active_clause.str.len_chars() > 0).then(active_clause),
            dates.str.extract(r"(?:^|, )((?:early|mid|late|\d)[^,]*century[^,]*)", 1),
            dates.str.extract(r"(?:^|, )(\d{3}0'?s)(?:,|$)", 1),
            dates.str.extract(r"(?:^|, )(\d{1,4}(?: bc| ad)?)(?:,|$)", 1),
        ).str.replace_all(r"\band\b", "-"),
        # Open-ended activity: "active from 1389", "first active 1700", "founded 1756", "est. 1842".
        "open_ended": dates.str.contains(r"(?:^|, )(?:active (?:from|beginning)|first active|founded|est\.)"),
    }
    tmp |= {name: f"__people_{name}" for name in clauses}
    lf = lf.with_columns(expr.alias(tmp[name]) for name, expr in clauses.items())

    life_start, life_end = _year_range(pl.col(tmp["life"]))
    tmp |= {name: f"__people_{name}" for name in ("active_start", "active_end")}
    lf = parse_period(lf, text=tmp["active"], start=tmp["active_start"], end=tmp["active_end"])
    active_start, active_end = pl.col(tmp["active_start"]), pl.col(tmp["active_end"])
    years = {
        "birth_year": pl.coalesce(_first_year(pl.col(tmp["born"])), life_start).cast(pl.Int32),
        "death_year": pl.coalesce(_first_year(pl.col(tmp["died"])), life_end).cast(pl.Int32),
        "active_start_year": active_start.cast(pl.Int32),
        "active_end_year": pl.when(pl.col(tmp["open_ended"])).then(None).otherwise(active_end).cast(pl.Int32),
    }
    lf = lf.with_columns(nationality=pl.col(tmp["nationality"]), **years)
    implausible = {name: ~plausible_year(pl.col(name), latest_year=latest_year) for name in years}
    lf = with_issues(
        lf,
        issue(
            IMPLAUSIBLE_YEAR,
            display,
            when=pl.any_horizontal(implausible.values()).fill_null(False),
            raw_value=raw,
            action=NULLED,
        ),
    )
    return lf.with_columns(
        pl.when(~implausible[name].fill_null(False)).then(pl.col(name)).alias(name) for name in years
    ).drop(tmp.values())
