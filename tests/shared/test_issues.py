"""The record-level rules (shared.issues), each on a few rows, and their invariants."""

import copy
from collections.abc import Sequence

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvest.artic.clean import clean_artic_agents, clean_artic_artworks
from harvest.artic.replay import load_artic_records
from harvest.artic.schemas import ARTIC_AGENT_SCHEMA, ARTIC_ARTWORK_SCHEMA
from harvest.raw import records_to_frame
from harvest.walters.clean import clean_walters_objects
from harvest.walters.replay import load_walters_objects
from harvest.walters.schemas import WALTERS_OBJECT_SCHEMA
from shared.issues import (
    EARLIEST_YEAR,
    MAX_DIMENSION_CM,
    RULES,
    collect_issues,
    count_by_rule,
    issue_rows,
)
from tests.conftest import HARVESTED_AT, LATEST_YEAR
from transforms.dates import parse_dates
from transforms.dimensions import OUTPUT_COLUMNS, parse_dimensions
from transforms.model import AGENT_SCHEMA, OBJECT_SCHEMA, conform_to, list_record_issues
from transforms.people import parse_life_dates

SCHEMA = {"DateText": pl.String, "DateBeginYear": pl.Int64, "DateEndYear": pl.Int64}


def dates(rows: Sequence[tuple[str | None, int | None, int | None]]) -> pl.DataFrame:
    lf = pl.LazyFrame(rows, schema=SCHEMA, orient="row")
    return (
        parse_dates(lf, text="DateText", begin="DateBeginYear", end="DateEndYear", latest_year=LATEST_YEAR)
        .pipe(collect_issues)
        .collect(engine="streaming")
    )


def issues(frame: pl.DataFrame) -> list[set[tuple[str, str, str | None, str]]]:
    """Per row, its issues as (field, rule, raw_value, action)."""
    return [{tuple(i.values()) for i in row} for row in frame["issues"].to_list()]


def years(frame: pl.DataFrame) -> list[tuple[int | None, int | None]]:
    return list(zip(frame["date_start_year"], frame["date_end_year"], strict=True))


# --- implausible years -----------------------------------------------------------------------


def test_structured_years_out_of_range_are_replaced_from_the_text_or_nulled() -> None:
    out = dates(
        [
            ("1523", 15230, 15230),  # an extra digit: the text has the year
            (None, 9999, 9999),  # a sentinel, nothing to replace it with
            ("ca. 1480", -99999, 1490),  # one sentinel makes the pair untrusted: the text wins
            (None, 1500, LATEST_YEAR + 1),  # the future
            ("25,000 BC", -25000, -25000),  # prehistory is plausible
            ("ca. 1480", 1480, 1490),  # nothing wrong
        ]
    )
    assert years(out) == [
        (1523, 1523),
        (None, None),
        (1480, 1480),
        (None, None),
        (-25000, -25000),
        (1480, 1490),
    ]
    assert issues(out) == [
        {
            ("DateBeginYear", "implausible_year", "15230", "replaced"),
            ("DateEndYear", "implausible_year", "15230", "replaced"),
        },
        {
            ("DateBeginYear", "implausible_year", "9999", "nulled"),
            ("DateEndYear", "implausible_year", "9999", "nulled"),
        },
        {("DateBeginYear", "implausible_year", "-99999", "replaced")},
        {("DateEndYear", "implausible_year", str(LATEST_YEAR + 1), "nulled")},
        set(),
        set(),
    ]


def test_an_implausible_year_in_the_text_is_not_used() -> None:
    out = dates([("9999", None, None), ("1850", 1850, 1850), ("75000 BC", None, None)])
    assert years(out) == [(None, None), (1850, 1850), (None, None)]
    assert issues(out) == [
        {("DateText", "implausible_year", "9999", "nulled")},
        set(),
        {("DateText", "implausible_year", "75000 BC", "nulled")},
    ]


# --- dual dates in other calendars -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("971 AH/AD 1563", (1563, 1563)),
        ("7000 AM/AD 1492", (1492, 1492)),  # Anno Mundi (Byzantine)
        ("5620 AM/1860 CE", (1860, 1860)),  # Anno Mundi (Hebrew), CE after the year
        ("2500 BE/1957 CE", (1957, 1957)),  # Buddhist Era
        ("A.M. 7250/A.D. 1742", (1742, 1742)),  # dotted markers
        ("1896 VS/1839 CE", (1839, 1839)),  # Vikram Samvat
        ("1500 Saka/AD 1578", (1578, 1578)),
        ("AD 1563/971 AH", (1563, 1563)),  # AD first
        ("1850/1860", (1850, 1860)),  # alternatives, not a dual date
    ],
)
def test_a_dual_date_takes_its_ad_year_whatever_the_other_calendar(
    text: str, expected: tuple[int, int]
) -> None:
    out = dates([(text, None, None)])
    assert years(out) == [expected]
    assert issues(out) == [set()]


def test_a_year_in_another_calendar_alone_is_implausible_not_converted() -> None:
    out = dates([("2500 BE", None, None), ("7000 AM", 7000, 7000)])
    assert years(out) == [(None, None), (None, None)]
    assert issues(out)[1] == {
        ("DateBeginYear", "implausible_year", "7000", "nulled"),
        ("DateEndYear", "implausible_year", "7000", "nulled"),
        ("DateText", "implausible_year", "7000 AM", "nulled"),
    }


# --- structured years against the text --------------------------------------------------------


def test_structured_years_the_text_contradicts_are_replaced_each_field_named() -> None:
    out = dates(
        [
            ("150", 1500, 1500),  # x10 that stays in range: the text gives it away
            ("1523", 1523, 15230),  # one field typo'd
            ("ca. 1480", 1470, 1500),  # overlaps: the museum widened it on purpose
            ("1793-1852", 1735, 1787),  # sample 51.943: misses the text entirely
        ]
    )
    assert years(out) == [(150, 150), (1523, 1523), (1470, 1500), (1793, 1852)]
    assert issues(out) == [
        {
            ("DateBeginYear", "year_contradicted_by_text", "1500", "replaced"),
            ("DateEndYear", "year_contradicted_by_text", "1500", "replaced"),
        },
        {("DateEndYear", "implausible_year", "15230", "replaced")},
        set(),
        {
            ("DateBeginYear", "year_contradicted_by_text", "1735", "replaced"),
            ("DateEndYear", "year_contradicted_by_text", "1787", "replaced"),
        },
    ]


def test_begin_after_end_is_replaced_from_the_text_or_nulled() -> None:
    out = dates([("mid 13th century", 1725, 1299), (None, 1510, 1500), ("1500-1510", 1500, 1510)])
    assert years(out) == [(1234, 1266), (None, None), (1500, 1510)]
    assert issues(out) == [
        {("DateBeginYear", "begin_after_end", "1725", "replaced")},
        {("DateBeginYear", "begin_after_end", "1510", "nulled")},
        set(),
    ]


# --- dimensions ------------------------------------------------------------------------------


def test_a_dimension_that_parses_to_nonsense_is_nulled() -> None:
    texts = [
        "1200 x 30 in. (30480 x 76.2 cm)",  # a slip of the keyboard: 304 m
        "13 x 9 in. (33 x 22.9 cm)",
        "Diam: 150000 mm",
        None,
    ]
    out = (
        parse_dimensions(pl.LazyFrame({"Dimensions": texts}), text="Dimensions")
        .pipe(collect_issues)
        .collect(engine="streaming")
    )
    assert out.select("height_cm", "width_cm", "diameter_cm").rows() == [
        (None, 76.2, None),
        (33.0, 22.9, None),
        (None, None, None),
        (None, None, None),
    ]
    assert issues(out) == [
        {("Dimensions", "implausible_dimension", texts[0], "nulled")},
        set(),
        {("Dimensions", "implausible_dimension", texts[2], "nulled")},
        set(),
    ]


# --- records: coordinates and titles ----------------------------------------------------------


@pytest.fixture(scope="module")
def walters_records() -> dict[int, dict]:
    return {record["ObjectID"]: record for record in load_walters_objects()}


def _clean_walters(records: list[dict]) -> pl.DataFrame:
    raw = records_to_frame(
        records, [1] * len(records), WALTERS_OBJECT_SCHEMA, source="walters", harvested_at=HARVESTED_AT
    )
    return clean_walters_objects(raw.lazy(), latest_year=LATEST_YEAR).collect()


def test_walters_coordinate_sentinels_and_blank_titles_are_listed(walters_records: dict[int, dict]) -> None:
    sentinel = walters_records[7]  # a Geography with 0.0/0.0 (Etruria)
    blank, markup, untitled = (copy.deepcopy(walters_records[i]) for i in (5562, 33139, 92619))
    blank["Title"], markup["Title"] = " \t ", "<p> </p>"
    out = _clean_walters([sentinel, blank, markup, untitled]).sort("object_key")
    by_key = dict(zip(out["object_key"], issues(out), strict=True))
    assert by_key["walters:7"] == {("Geographies", "coordinate_sentinel", "0/0 for Etruria", "nulled")}
    assert by_key["walters:5562"] >= {("Title", "blank_title", " \t ", "replaced")}
    assert by_key["walters:33139"] >= {("Title", "blank_title", "<p> </p>", "replaced")}
    # A missing title is not a problem the museum can fix here: it is filled, not listed.
    assert not any(rule == "blank_title" for _, rule, _, _ in by_key["walters:92619"])
    assert out.filter(pl.col("object_key") == "walters:5562")["title"].item() == blank["ObjectName"]


def test_artic_coordinate_sentinel_and_implausible_life_years() -> None:
    artwork = {**load_artic_records("artworks")[0], "latitude": 0.0, "longitude": 0.0}
    raw = records_to_frame([artwork], [1], ARTIC_ARTWORK_SCHEMA, source="artic", harvested_at=HARVESTED_AT)
    out = clean_artic_artworks(raw.lazy(), iiif_url="https://iiif.example", latest_year=LATEST_YEAR).collect()
    assert issues(out)[0] == {("latitude", "coordinate_sentinel", "0.0, 0.0", "nulled")}

    agents = [
        {**agent, "birth_date": year, "death_date": 1900}
        for agent, year in zip(load_artic_records("agents")[:3], [1850, 18500, -99999], strict=True)
    ]
    raw = records_to_frame(agents, [1] * 3, ARTIC_AGENT_SCHEMA, source="artic", harvested_at=HARVESTED_AT)
    out = clean_artic_agents(raw.lazy(), latest_year=LATEST_YEAR).collect()
    assert out["birth_year"].to_list() == [1850, None, None]
    assert issues(out) == [
        set(),
        {("birth_date", "implausible_year", "18500", "nulled")},
        {("birth_date", "implausible_year", "-99999", "nulled")},
    ]


def test_life_years_out_of_range_are_nulled_and_listed() -> None:
    texts = [" (Persian, ca. 1565-1635)", " (Roman, 1565-2635)", " (born 9999)", None]
    lf = pl.LazyFrame({"date": texts}, schema={"date": pl.String})
    out = (
        parse_life_dates(lf, display="date", latest_year=LATEST_YEAR)
        .pipe(collect_issues)
        .collect(engine="streaming")
    )
    assert out.select("birth_year", "death_year").rows() == [
        (1565, 1635),
        (1565, None),
        (None, None),
        (None, None),
    ]
    assert issues(out) == [
        set(),
        {("date", "implausible_year", texts[1], "nulled")},
        {("date", "implausible_year", texts[2], "nulled")},
        set(),
    ]


# --- the table and the counts -------------------------------------------------------------------


def _issue(field: str, rule: str, raw: str | None, action: str) -> dict:
    return {"field": field, "rule": rule, "raw_value": raw, "action": action}


def test_record_issues_lists_one_row_per_record_field_and_rule_with_a_message() -> None:
    objects = conform_to(
        pl.LazyFrame(
            [
                {
                    "object_key": "walters:1",
                    "source": "walters",
                    "object_number": "37.1",
                    "issues": [
                        _issue("DateBeginYear", "implausible_year", "15230", "replaced"),
                        _issue("DateEndYear", "implausible_year", "15230", "replaced"),
                    ],
                },
                {"object_key": "walters:2", "source": "walters", "object_number": "37.2", "issues": []},
            ]
        ),
        OBJECT_SCHEMA,
    )
    agents = conform_to(
        pl.LazyFrame(
            [
                {
                    "agent_key": "artic:5",
                    "source": "artic",
                    "issues": [_issue("birth_date", "implausible_year", "18500", "nulled")],
                }
            ]
        ),
        AGENT_SCHEMA,
    )
    out = list_record_issues(objects, agents).collect()
    assert out.columns == [
        "source",
        "record_key",
        "object_number",
        "field",
        "rule",
        "raw_value",
        "action",
        "message",
    ]
    assert out.select("record_key", "object_number", "field", "action").rows() == [
        ("walters:1", "37.1", "DateBeginYear", "replaced"),
        ("walters:1", "37.1", "DateEndYear", "replaced"),
        ("artic:5", None, "birth_date", "nulled"),
    ]
    message = out["message"][0]
    assert message.startswith('DateBeginYear is "15230": a year outside the plausible range')
    assert "Please correct it in the source." in message


def test_count_by_rule_compares_each_rule_with_its_threshold() -> None:
    rows = pl.LazyFrame(
        {
            "record_key": ["a", "a", "b", "c", "d"],
            "rule": [
                "implausible_year",
                "implausible_year",
                "implausible_year",
                "coordinate_sentinel",
                "blank_title",
            ],
        }
    )
    out = count_by_rule(rows, records=100).collect()
    assert out.rows() == [
        ("blank_title", 1, 0.01, 0.01, False),  # at the threshold: not above it
        ("coordinate_sentinel", 1, 0.01, 1.0, False),
        ("implausible_year", 2, 0.02, 0.01, True),
    ]
    assert set(RULES) >= set(out["rule"])


# --- invariants ------------------------------------------------------------------------------

ANY_YEAR = st.one_of(
    st.none(), st.integers(-(2**40), 2**40), st.sampled_from([0, 9999, -99999, 15230, 99999])
)
DATE_TEXTS = st.one_of(
    st.none(),
    st.sampled_from(["1523", "9999", "971 AH/AD 1563", "2500 BE/1957 CE", "75000 BC", "late 5th century BC"]),
    st.text(alphabet="0123456789 -/ADBCEHMadbcehm.", max_size=16),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(DATE_TEXTS, ANY_YEAR, ANY_YEAR), min_size=1, max_size=15))
def test_every_year_is_null_or_plausible_and_every_dropped_field_is_listed(
    rows: list[tuple[str | None, int | None, int | None]],
) -> None:
    out = dates(rows)
    for column in ("date_start_year", "date_end_year"):
        known = out[column].drop_nulls()
        assert known.is_between(EARLIEST_YEAR, LATEST_YEAR).all(), column
    both = out.drop_nulls(["date_start_year", "date_end_year"])
    assert (both["date_start_year"] <= both["date_end_year"]).all()
    for (text, begin, end), found in zip(rows, issues(out), strict=True):
        for field, year in (("DateBeginYear", begin), ("DateEndYear", end)):
            if year is not None and not EARLIEST_YEAR <= year <= LATEST_YEAR:
                assert any(f == field and rule == "implausible_year" for f, rule, _, _ in found), (
                    text,
                    begin,
                    end,
                )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.builds(
            "{} x {} cm".format,
            st.floats(0, 1e7, allow_nan=False).map(lambda v: f"{v:.1f}"),
            st.integers(0, 10**7),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_every_size_is_null_or_plausible(texts: list[str]) -> None:
    out = (
        parse_dimensions(pl.LazyFrame({"d": texts}), text="d")
        .pipe(collect_issues)
        .collect(engine="streaming")
    )
    for column in OUTPUT_COLUMNS:
        assert out[column].drop_nulls().is_between(0, MAX_DIMENSION_CM, closed="right").all()
    flagged = out["issues"].list.len() > 0
    too_big = pl.Series(
        [any(float(v) > MAX_DIMENSION_CM for v in t.removesuffix(" cm").split(" x ")) for t in texts]
    )
    assert (flagged == too_big).all()


def test_issue_rows_keep_the_record_order() -> None:
    records = pl.LazyFrame(
        {
            "source": ["walters"] * 3,
            "object_key": ["walters:3", "walters:1", "walters:2"],
            "issues": [
                [_issue("Title", "blank_title", " ", "replaced")],
                [],
                [_issue("Title", "blank_title", "", "replaced")],
            ],
        }
    )
    assert issue_rows(records, key="object_key").collect()["record_key"].to_list() == [
        "walters:3",
        "walters:2",
    ]
