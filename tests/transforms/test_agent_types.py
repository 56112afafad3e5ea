"""Agent types: one small frame per rule, each museum's habits, and the guesses listed as issues."""

from pathlib import Path

import polars as pl
import pytest

from harvest.walters.clean import clean_walters_creators
from shared.issues import collect_issues
from tests.conftest import LATEST_YEAR
from transforms.agent_types import name_cultures_of_objects, type_agents

_YEARS = ("birth_year", "death_year", "active_start_year", "active_end_year")


def _agents(*rows: dict) -> pl.LazyFrame:
    base = {"name": None, "sort_name": None, "nationality": None, "gender": None}
    base |= dict.fromkeys(_YEARS)
    schema: dict[str, type[pl.DataType]] = {
        "name": pl.String, "sort_name": pl.String, "nationality": pl.String, "gender": pl.String
    }  # fmt: skip
    schema |= dict.fromkeys(_YEARS, pl.Int32)
    return pl.LazyFrame([base | row for row in rows], schema=schema)


def _typed(*rows: dict) -> list[tuple[str, bool]]:
    """(agent_type, guessed) per row."""
    out = _agents(*rows).pipe(type_agents).pipe(collect_issues).collect()
    guessed = out["issues"].list.eval(pl.element().struct.field("rule") == "agent_type_guessed").list.any()
    return list(zip(out["agent_type"].to_list(), guessed.to_list(), strict=True))


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # Placeholders for many unrelated makers.
        ({"name": "Anonymous"}, ("anonymous", False)),
        ({"name": "Unknown artist"}, ("anonymous", False)),
        ({"name": "unidentified (outside of print, hard to read)"}, ("anonymous", False)),
        # The Tate's regional schools, with a century or a doubt.
        ({"name": "British School 18th century", "birth_year": 1700, "death_year": 1799}, ("culture", False)),
        ({"name": "British (?) School"}, ("culture", False)),
        ({"name": "Italian (Venetian) School"}, ("culture", False)),
        # Notnames are one unnamed individual, even with "and" or "Family" in the notname.
        ({"name": "Master of the Apollo and Daphne Legend", "nationality": "Italian"}, ("person", False)),
        ({"name": "Master of the Holy Family"}, ("person", False)),
        ({"name": "Achilles Painter", "sort_name": "Painter, Achilles"}, ("person", False)),
        ({"name": "Master of the Harvard Hannibal and Associates"}, ("group", False)),
        # Workshops, firms, families, schools of a master, the Tate's bracketed members.
        ({"name": "Sèvres Porcelain Manufactory", "nationality": "French"}, ("group", False)),
        ({"name": "Marcus & Co."}, ("group", False)),
        ({"name": "Pénicaud family"}, ("group", False)),
        ({"name": "School of Giovanni Pisano"}, ("group", False)),
        ({"name": "Masters of the Delft Grisailles"}, ("group", False)),
        ({"name": "Langlands & Bell (Ben Langlands and Nikki Bell)", "birth_year": 1955}, ("group", False)),
        ({"name": "Antiquarian Society"}, ("group", False)),
        # A nationality the museum writes in its bios (here: the second row's), no life years.
        ({"name": "Japanese"}, ("culture", False)),
        # Demonym-shaped name-only records: guessed.
        ({"name": "Neo-Babylonian"}, ("culture", True)),
        ({"name": "Near Eastern"}, ("culture", True)),
        # Duos and one-word schools: guessed groups; "son of X and Y" is one person.
        ({"name": "Eliphal Dobson and William Binauld"}, ("group", True)),
        ({"name": "Norwich School"}, ("culture", False)),
        ({"name": "Hamano School"}, ("group", True)),
        ({"name": "Yovannes, son of Chanipek and Et'ar", "gender": "male"}, ("person", False)),
        # Persons: sorted "Surname, Forenames", or with years; a bare name is a guessed person.
        ({"name": "Alvar Aalto", "sort_name": "Aalto, Alvar", "birth_year": 1898}, ("person", False)),
        ({"name": "Sargis"}, ("person", True)),
        # A person named like a demonym but with life years is a person.
        ({"name": "Christian", "birth_year": 1900}, ("person", False)),
    ],
)
def test_each_rule_types_its_case(row: dict, expected: tuple[str, bool]) -> None:
    walters_bio = {"name": "Utagawa Kuniyoshi", "nationality": "Japanese", "birth_year": 1798}
    assert _typed(row, walters_bio)[0] == expected


def test_a_guess_is_listed_with_the_name_and_the_type_read() -> None:
    out = _agents({"name": "Sargis"}).pipe(type_agents).pipe(collect_issues).collect()
    assert out["issues"].to_list() == [
        [
            {
                "field": "name",
                "rule": "agent_type_guessed",
                "raw_value": "Sargis (read as person)",
                "action": "kept",
            }
        ]
    ]


def test_an_explicit_vocabulary_replaces_the_frames_own() -> None:
    vocabulary = pl.LazyFrame({"nationality": ["Roman"]})
    out = _agents({"name": "Roman"}, {"name": "Japanese"}).pipe(type_agents, vocabulary=vocabulary).collect()
    # "Japanese" is demonym-shaped, so still a culture, but only guessed.
    assert out["agent_type"].to_list() == ["culture", "culture"]


def test_missing_optional_columns_read_as_unknown() -> None:
    out = pl.LazyFrame({"name": ["Unknown", "Chelsea Porcelain Factory"]}).pipe(type_agents).collect()
    assert out.columns[:2] == ["name", "agent_type"]
    assert out["agent_type"].to_list() == ["anonymous", "group"]


def test_the_walters_whole_creators_export() -> None:
    """The Walters' nationality-only creators are cultures; its makers stay persons and groups."""
    raw = pl.read_csv(Path("harvest/walters/data/creators.csv.gz"), infer_schema=False).lazy()
    out = clean_walters_creators(raw, latest_year=LATEST_YEAR).collect()
    kind = dict(out.select("name", "agent_type").iter_rows())
    cultures = [
        "Egyptian",
        "Japanese",
        "French",
        "German",
        "Greek",
        "Roman",
        "Chinese",
        "Venetian",
        "Byzantine",
    ]
    assert {name: kind[name] for name in cultures} == dict.fromkeys(cultures, "culture")
    assert kind["Anonymous"] == kind["Unknown"] == "anonymous"
    assert kind["Sèvres Porcelain Manufactory"] == kind["Tiffany Studios"] == "group"
    assert kind["Master of the Castles"] == kind["Riza 'Abbasi"] == kind["Utagawa Kuniyoshi"] == "person"
    counts = out.group_by("agent_type").len()
    persons = counts.filter(pl.col("agent_type") == "person")["len"].item()
    assert persons / out.height > 0.9  # most of the Walters' creators are people


def test_a_name_only_person_named_as_its_objects_place_or_culture_is_a_culture() -> None:
    """ "Thai" (objects from "Prathet Thai") and "Moche" (a culture objects state) are cultures, the
    guess's issue saying so; a one-name person, and a person with years named like a place, stay
    persons."""
    agents = (
        _agents(
            {"name": "Thai"},
            {"name": "Moche"},
            {"name": "Firdawsi"},
            {"name": "Florence", "birth_year": 1800},
        )
        .pipe(type_agents)
        .pipe(collect_issues)
    )
    place = pl.Struct({"name": pl.String})
    objects = pl.LazyFrame(
        {
            "culture": ["Islamic; Persian", "Moche", None],
            "places": [[{"name": "Îran"}], [], [{"name": "Prathet Thai"}, {"name": "Florence"}]],
        },
        schema={"culture": pl.String, "places": pl.List(place)},
    )
    out = name_cultures_of_objects(agents, objects).collect()
    assert out["agent_type"].to_list() == ["culture", "culture", "person", "person"]
    guesses = out["issues"].list.eval(pl.element().struct.field("raw_value")).to_list()
    assert guesses[:3] == [
        ["Thai (read as culture)"],
        ["Moche (read as culture)"],
        ["Firdawsi (read as person)"],
    ]
