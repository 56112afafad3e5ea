"""transforms.people: agent display strings to name, nationality and years."""

import json
from collections.abc import Sequence
from pathlib import Path

import polars as pl
import pytest

from harvest.walters.schemas import WALTERS_OBJECT_SCHEMA
from shared.issues import ISSUE, collect_issues
from tests.conftest import LATEST_YEAR
from transforms.dates import parse_dates
from transforms.people import OUTPUT_COLUMNS, parse_life_dates, split_display_name

CREATORS = Path("harvest/walters/data/creators.csv.gz")
WALTERS_SAMPLE = Path("harvest/walters/data/objects-sample.jsonl.gz")
AIC_ARTWORKS = sorted(Path("harvest/artic/data/artworks").glob("*.json"))
YEARS = ("birth_year", "death_year", "active_start_year", "active_end_year")


def _parse(values: Sequence[str | None]) -> list[tuple]:
    lf = pl.LazyFrame({"d": values}, schema={"d": pl.String})
    out = (
        parse_life_dates(lf, display="d", latest_year=LATEST_YEAR)
        .pipe(collect_issues)
        .collect(engine="streaming")
    )
    return list(out.select(OUTPUT_COLUMNS).iter_rows())


# (creators.csv `date`, nationality, birth, death, active start, active end); all copied from the file.
CREATOR_DATES = [
    (" (Persian, ca. 1565-1635)", "Persian", 1565, 1635, None, None),
    (" (Japanese, 1730 - 1781)", "Japanese", 1730, 1781, None, None),
    (" (German, active early 16th century)", "German", None, None, 1501, 1533),
    (" (Japanese, Japanese)", "Japanese", None, None, None, None),
    (" (Japanese)", "Japanese", None, None, None, None),
    (" (Spanish, active ca. 1378)", "Spanish", None, None, 1378, 1378),
    (" (born ca. 1488 - 1492, died ca. 1541 or 1542)", None, 1488, 1541, None, None),
    ("", None, None, None, None, None),
    (" (Italian, ca. 1470-1536 or 1544)", "Italian", 1470, 1536, None, None),
    (" (Dutch, 1594 or 1595-1667)", "Dutch", 1594, 1667, None, None),
    (" (Flemish, 1564/5-1637/8)", "Flemish", 1564, 1637, None, None),
    (" (American, 1837-present)", "American", 1837, None, None, None),
    (" (Japanese, 1910-; Born)", "Japanese", 1910, None, None, None),
    (" (English, -1919; Died in 1919)", "English", None, 1919, None, None),
    (" (Roman, -255--184)", "Roman", -255, -184, None, None),
    (" (Roman, 65 - 8 BC)", "Roman", -65, -8, None, None),
    (" (Roman, 59 BC-AD 17)", "Roman", -59, 17, None, None),
    (" (Roman 43 BC-17/18 AD)", "Roman", -43, 17, None, None),
    (" (Etruscan, ca. 530-480 BCE)", "Etruscan", -530, -480, None, None),
    (" (Greek, active ca. 470-ca. 425 BCE)", "Greek", None, None, -470, -425),
    (" (Greek, 6th-5th century BC)", "Greek", None, None, -600, -401),
    (" (Greek, mid-late 4th century BCE)", "Greek", None, None, -367, -301),
    (" (Persian, died 898 AH/AD 1492)", "Persian", None, 1492, None, None),
    (" (Persian, died 411-416 AH/AD 1020-1025)", "Persian", None, 1020, None, None),
    (" (1334 (?)-815 AH/AD 1413)", None, 1334, 1413, None, None),
    (" (active 1044-1109 AH/AD 1635-1697)", None, None, None, 1635, 1697),
    (" (Persian, flourished 8th century AH/AD 14th century)", "Persian", None, None, 1301, 1400),
    (" (British, active 1738-49)", "British", None, None, 1738, 1749),
    (" (British, active 1764 - died ca. 1778)", "British", None, 1778, 1764, 1764),
    (" (Netherlandish, active ca. 1511-d. 1540/1)", "Netherlandish", None, 1540, 1511, 1511),
    (" (English, active ca. 1660-1665, died after 1707)", "English", None, 1707, 1660, 1665),
    (" (French, born 1726, master 1766)", "French", 1726, None, 1766, 1766),
    (" (Flemish, baptized 1684, died 1770)", "Flemish", 1684, 1770, None, None),
    (" (Italian, active from 1389, died before 1448)", "Italian", None, 1448, 1389, None),
    (" (British, founded 1756)", "British", None, None, 1756, None),
    (" (Japanese, active 1870s)", "Japanese", None, None, 1870, 1879),
    (" (Russian, 1817-1898; active 1860's)", "Russian", 1817, 1898, 1860, 1869),
    (" (Japanese, 19th century)", "Japanese", None, None, 1801, 1900),
    (" (Japanese, ca. 1800)", "Japanese", None, None, 1800, 1800),
    (" (Japanese, 2nd half 19th-early 20th century)", "Japanese", None, None, 1851, 1933),
    (" (Japanese, active 2nd quarter 19th century)", "Japanese", None, None, 1826, 1850),
    (" (Italian, active 15th and early 16th century)", "Italian", None, None, 1401, 1533),
    (" (Chinese, active ca. 15th-16th centuries)", "Chinese", None, None, 1401, 1600),
    (" (French, active in the United States, 1816-1882)", "French", 1816, 1882, None, None),
    (" (French (Paris), 19th century)", "French (Paris)", None, None, 1801, 1900),
    (" (south German or Austrian)", "south German or Austrian", None, None, None, None),
    (" (French, King of France 1830-1848)", "French", None, None, None, None),  # not handled
    (" (Dutch, 1596/1597 7-1660)", "Dutch", None, None, None, None),  # garbled: left null
]


@pytest.mark.parametrize(("date", "nationality", *YEARS), CREATOR_DATES)
def test_creators_date_column(
    date: str,
    nationality: str | None,
    birth_year: int | None,
    death_year: int | None,
    active_start_year: int | None,
    active_end_year: int | None,
) -> None:
    # The creators export holds no name in `date`: display_name is null.
    assert _parse([date]) == [(None, nationality, birth_year, death_year, active_start_year, active_end_year)]


def test_walters_concat_display_names() -> None:
    values = [
        "Riza 'Abbasi (Persian, ca. 1565-1635)",
        "Etruscan (?)",
        "Venetian ()",
        "Venetian () (?)",
        "Achilles Painter (Greek, active ca. 470-ca. 425 BC) (?)",
        "'Ali Quli ibn Qadr ibn Nur[...] Barrak (?) (Iranian)",
        "Anthony van Dyck (Flemish, 1599-1641) and workshop",
        "Hugo, of Saint-Victor (1096 (?)-1141)",
        "Gottschalk (12th cent.)",
        "Japanese (signature illegible)",
        "Michael Rysbrack (Flemish, baptized 1684, died 1770)",
    ]
    assert _parse(values) == [
        ("Riza 'Abbasi", "Persian", 1565, 1635, None, None),
        ("Etruscan (?)", None, None, None, None, None),
        ("Venetian", None, None, None, None, None),
        ("Venetian (?)", None, None, None, None, None),
        ("Achilles Painter (?)", "Greek", None, None, -470, -425),
        ("'Ali Quli ibn Qadr ibn Nur[...] Barrak (?)", "Iranian", None, None, None, None),
        ("Anthony van Dyck and workshop", "Flemish", 1599, 1641, None, None),
        ("Hugo, of Saint-Victor", None, 1096, 1141, None, None),
        ("Gottschalk", None, None, None, 1101, 1200),
        ("Japanese", None, None, None, None, None),  # a note without capitals is no nationality
        ("Michael Rysbrack", "Flemish", 1684, 1770, None, None),
    ]


def test_aic_artist_display() -> None:
    values = [
        "Walter Shirlaw\nAmerican, 1838–1909",  # noqa: RUF001
        "Salvator Rosa\nItalian, 1615-1673",
        "Giovanni Battista Piranesi (Italian, 1720-1778)\n"
        "published by Francesco (Italian, 1758-1810) and Pietro Piranesi (Italian, born 1758/9)",
    ]
    assert _parse(values) == [
        ("Walter Shirlaw", "American", 1838, 1909, None, None),
        ("Salvator Rosa", "Italian", 1615, 1673, None, None),
        ("Giovanni Battista Piranesi", "Italian", 1720, 1778, None, None),
    ]


def test_split_display_name_alone() -> None:
    lf = pl.LazyFrame(
        {"d": ["Walter Shirlaw\nAmerican, 1838–1909", " (Japanese)", "Frame: Venetian ()", None]}  # noqa: RUF001
    )
    out = lf.select(split_display_name(pl.col("d"))).collect(engine="streaming")["d"].to_list()
    assert out == ["Walter Shirlaw", None, "Frame: Venetian", None]


@pytest.mark.parametrize(
    "frame",
    [pl.LazyFrame({"d": [None, None]}), pl.LazyFrame({"d": []}, schema={"d": pl.String})],
    ids=["all-null", "empty"],
)
def test_all_null_and_empty(frame: pl.LazyFrame) -> None:
    out = (
        parse_life_dates(frame, display="d", latest_year=LATEST_YEAR)
        .pipe(collect_issues)
        .collect(engine="streaming")
    )
    expected = {"display_name": pl.String, "nationality": pl.String} | dict.fromkeys(YEARS, pl.Int32)
    assert out.drop("d").schema == pl.Schema(expected | {"issues": pl.List(ISSUE)})
    assert out["issues"].list.len().sum() == 0
    assert out.drop("d", "issues").null_count().sum_horizontal().item() == out.height * len(OUTPUT_COLUMNS)


NATIONALITY = r"([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)*)"
# The commonest forms of the creators' `date`, read here independently of the parser.
CREATOR_FORMS = {
    "life": (rf"^ \({NATIONALITY}, (\d{{4}}) ?- ?(\d{{4}})\)$", ("nationality", "birth_year", "death_year")),
    "active": (
        rf"^ \({NATIONALITY}, active (\d{{4}})-(\d{{4}})\)$",
        ("nationality", "active_start_year", "active_end_year"),
    ),
    "nationality": (rf"^ \({NATIONALITY}\)$", ("nationality",)),
}


@pytest.fixture(scope="module")
def creators() -> pl.DataFrame:
    dates = pl.read_csv(CREATORS, infer_schema=False).select("date")
    return (
        parse_life_dates(dates.lazy(), display="date", latest_year=LATEST_YEAR)
        .pipe(collect_issues)
        .collect(engine="streaming")
    )


def _agree_with_a_reading(out: pl.DataFrame, text: str, form: str, columns: Sequence[str]) -> None:
    """Rows of ``out`` whose ``text`` matches ``form`` hold its groups in ``columns``, in order, and
    no other years."""
    read = out.with_columns(pl.col(text).str.extract_groups(form).alias("read")).filter(
        pl.col("read").struct.field("1").is_not_null()
    )
    assert read.height > 0, form
    for n, column in enumerate(columns, start=1):
        expected = read["read"].struct.field(str(n)).cast(read.schema[column])
        assert read[column].equals(expected, check_names=False), (form, column)
    others = [c for c in YEARS if c not in columns]
    assert read.select(pl.any_horizontal(pl.col(others).is_not_null()).sum()).item() == 0, form


@pytest.mark.parametrize("form", CREATOR_FORMS)
def test_creators_export_agrees_with_an_independent_reading(creators: pl.DataFrame, form: str) -> None:
    pattern, columns = CREATOR_FORMS[form]
    _agree_with_a_reading(creators, "date", pattern, columns)


def test_whole_creators_export(creators: pl.DataFrame) -> None:
    out = creators
    assert out.height == pl.read_csv(CREATORS, infer_schema=False).height
    # Every date with a digit gives a year but these, which name no life or activity span.
    no_year = out.filter(pl.col("date").str.contains(r"\d") & pl.all_horizontal(pl.col(YEARS).is_null()))
    assert sorted(no_year["date"]) == [
        " (Dutch, 1596/1597 7-1660)",  # garbled in the source
        " (French, King of France 1830-1848)",  # a reign
        " (French, until 1890)",
        " (Italian, 1471 (?) 1481 (?)-1540 (?) 1550 (?))",  # garbled in the source
    ]
    # Plausibility: no name in this column, no brackets left, years in range and in order.
    assert out["display_name"].is_null().all()
    assert not out["nationality"].drop_nulls().str.contains(r"^\(|,|\d").any()
    years = out.select(pl.concat_list(YEARS).explode(empty_as_null=True).drop_nulls()).to_series()
    assert years.is_between(-3000, LATEST_YEAR).all()
    assert out.filter(pl.col("birth_year") > pl.col("death_year")).height == 0
    assert out.filter(pl.col("active_start_year") > pl.col("active_end_year")).height == 0


def test_whole_walters_sample_creators() -> None:
    walters = pl.read_ndjson(WALTERS_SAMPLE, schema=WALTERS_OBJECT_SCHEMA)
    names = walters.select(pl.col("Creators").explode(empty_as_null=True)).unnest("Creators")
    out = (
        parse_life_dates(names.lazy(), display="ConcatDisplayName", latest_year=LATEST_YEAR)
        .pipe(collect_issues)
        .collect(engine="streaming")
    )
    named = out.filter(pl.col("ConcatDisplayName").is_not_null())
    # Every creator entry keeps a name, and every bracketed bio with a year yields a year.
    assert named["display_name"].is_not_null().all()
    bio_with_year = named.filter(pl.col("ConcatDisplayName").str.contains(r"\([^()]*\d"))
    assert bio_with_year.filter(pl.all_horizontal(pl.col(YEARS).is_null())).height == 0
    # "Name (Nationality, 1827-1905)", read independently.
    life = rf"^([^()]+?) \({NATIONALITY}, (\d{{4}}) ?- ?(\d{{4}})\)$"
    _agree_with_a_reading(named, "ConcatDisplayName", life, ("display_name", "nationality", *YEARS[:2]))
    # The bio bracket never survives in the name; only attribution markers "(?)" may
    # (digits may: "Master of Walters 323", "Painter of Munich 2335 (?)").
    assert not named["display_name"].str.replace_all(r"\(\?\)", "").str.contains(r"[()]").any()


def test_whole_aic_sample() -> None:
    records = [json.loads(p.read_text()) for p in AIC_ARTWORKS]
    lf = pl.LazyFrame({"artist_display": [r["artist_display"] for r in records]})
    out = (
        parse_life_dates(lf, display="artist_display", latest_year=LATEST_YEAR)
        .pipe(collect_issues)
        .collect(engine="streaming")
    )
    assert out.height == len(records)
    assert out["nationality"].is_not_null().all()
    assert out["birth_year"].is_not_null().all()
    assert out["death_year"].is_not_null().all()
    assert not out["display_name"].str.contains(r"[\n(]").any()


def test_an_agents_period_and_an_objects_date_read_alike() -> None:
    """One parser, one convention: "15th century" and "1870s" span the same years for both."""
    texts = ["15th century", "early 16th century", "1870s", "5th century BC"]
    agents = pl.LazyFrame({"date": [f" (Italian, active {t})" for t in texts]})
    agent_years = parse_life_dates(agents, display="date", latest_year=LATEST_YEAR).collect()
    objects = pl.LazyFrame({"text": texts, "begin": [None] * 4, "end": [None] * 4}, schema_overrides={
        "begin": pl.Int64, "end": pl.Int64
    })  # fmt: skip
    object_years = parse_dates(
        objects, text="text", begin="begin", end="end", latest_year=LATEST_YEAR
    ).collect()
    assert list(zip(agent_years["active_start_year"], agent_years["active_end_year"], strict=True)) == list(
        zip(object_years["date_start_year"], object_years["date_end_year"], strict=True)
    )
    assert agent_years["active_start_year"].to_list() == [1401, 1501, 1870, -500]
