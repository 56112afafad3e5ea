"""Identities across museums: one small frame per rule (the hard cases too), properties of the
matching, and the whole shipped samples."""

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from transforms.identities import assign_identities, describe_identities, match_agents, name_variants

_SCHEMA = {
    "agent_key": pl.String,
    "source": pl.String,
    "name": pl.String,
    "sort_name": pl.String,
    "agent_type": pl.String,
    "birth_year": pl.Int32,
    "death_year": pl.Int32,
    "active_start_year": pl.Int32,
    "active_end_year": pl.Int32,
}


def _agent(key: str, name: str, born: int | None = None, died: int | None = None, **more: object) -> dict:
    row = dict.fromkeys(_SCHEMA)
    row |= {"agent_key": key, "source": key.split(":")[0], "name": name, "agent_type": "person"}
    return row | {"birth_year": born, "death_year": died} | more


def _frame(*rows: dict) -> pl.LazyFrame:
    return pl.LazyFrame(list(rows), schema=_SCHEMA)


def _decisions(*rows: dict) -> dict[tuple[str, str], tuple[str, str]]:
    matches = match_agents(_frame(*rows)).collect()
    return {
        (a, b): (d, r)
        for a, b, d, r in matches.select("agent_key", "other_agent_key", "decision", "reason").iter_rows()
    }


def _decision(*rows: dict) -> tuple[str, str]:
    (decided,) = _decisions(*rows).values()
    return decided


@pytest.mark.parametrize(
    ("a", "b", "decision", "reason"),
    [
        # The same maker written as each museum writes it.
        (
            _agent("tate:1", "Joseph Mallord William Turner", 1775, 1851),
            _agent("walters:1", "J.M.W. Turner", 1775, 1851),
            "merged",
            "same initials",
        ),
        (
            _agent("tate:1", "Sir Thomas Lawrence, P. R. A.", 1769, 1830),
            _agent("walters:1", "Thomas Lawrence", 1769, 1830),
            "merged",
            "same name",
        ),
        (
            _agent("tate:1", "Henry Moore OM, CH", 1898, 1986),
            _agent("artic:1", "Henry Moore", 1898, 1986),
            "merged",
            "same name",
        ),
        (
            _agent("artic:1", "Jean-Léon Gérôme", 1824, 1904),
            _agent("walters:1", "Jean-Leon Gerome", 1824, 1904),
            "merged",
            "same name",
        ),
        (
            _agent("tate:1", "James Abbott McNeill Whistler", 1834, 1903),
            _agent("walters:1", "James McNeill Whistler", 1834, 1903),
            "merged",
            "middle names on one side",
        ),
        (
            _agent("artic:1", "Katsushika Hokusai", 1760, 1849),
            _agent("walters:1", "Hokusai Katsushika", 1760, 1849),
            "merged",
            "another order",
        ),
        # "Surname, Forenames" in the sort name; the display name differs.
        (
            _agent("tate:1", "Frederick Richard Lee", 1798, 1879),
            _agent("walters:1", "F. R. Lee, R.A.", 1799, 1879, sort_name="Lee, Frederick Richard"),
            "merged",
            "same name",
        ),
        # A bracketed alias or real name.
        (
            _agent("tate:1", "Canaletto (Giovanni Antonio Canal)", 1697, 1768),
            _agent("walters:1", "Giovanni Antonio Canal", 1697, 1768),
            "merged",
            "through a bracketed alias",
        ),
        # Namesakes: the same name, lives a century apart.
        (
            _agent("tate:1", "John Walker", 1732, 1802),
            _agent("walters:1", "John Walker", 1939, None),
            "kept_apart",
            "life years differ",
        ),
        # Father and son, Elder and Younger, I and II.
        (
            _agent("tate:1", "Pieter Brueghel the Elder", 1525, 1569),
            _agent("walters:1", "Pieter Brueghel the Younger", 1564, 1638),
            "kept_apart",
            "generation markers differ",
        ),
        (
            _agent("tate:1", "Jan Brueghel I"),
            _agent("walters:1", "Jan Brueghel the Younger"),
            "kept_apart",
            "generation markers differ",
        ),
        (
            _agent("tate:1", "David Teniers the Younger"),
            _agent("walters:1", "David Teniers"),
            "kept_apart",
            "generation marker on one side only",
        ),
        # Years within the tolerance agree; beyond it they do not.
        (
            _agent("tate:1", "John Opie", 1761, 1807),
            _agent("walters:1", "John Opie", 1763, 1807),
            "merged",
            "life years agree",
        ),
        (
            _agent("tate:1", "John Opie", 1761, 1807),
            _agent("walters:1", "John Opie", 1764, 1807),
            "kept_apart",
            "life years differ",
        ),
        # Years on one side only: a distinctive name, sole candidates.
        (
            _agent("tate:1", "Utagawa Hiroshige", 1797, 1858),
            _agent("walters:1", "Utagawa Hiroshige"),
            "merged",
            "sole candidate",
        ),
        # Initials only are not distinctive without years on both sides.
        (
            _agent("tate:1", "J. Smith", 1700, 1760),
            _agent("walters:1", "John Smith"),
            "kept_apart",
            "not distinctive",
        ),
        # Different forenames.
        (
            _agent("tate:1", "Julian Opie", 1958),
            _agent("walters:1", "John Opie", 1761, 1807),
            "kept_apart",
            "names differ",
        ),
        # Types never mix; placeholders never merge; groups and cultures only on the same name.
        (
            _agent("artic:1", "Japanese", agent_type="culture"),
            _agent("walters:1", "Japanese", agent_type="person"),
            "kept_apart",
            "types differ",
        ),
        (
            _agent("artic:1", "Anonymous", agent_type="anonymous"),
            _agent("walters:1", "Anonymous", agent_type="anonymous"),
            "kept_apart",
            "anonymous",
        ),
        (
            _agent("artic:1", "Tiffany Studios", agent_type="group"),
            _agent("walters:1", "Tiffany Studios", agent_type="group"),
            "merged",
            "sole candidate",
        ),
        (
            _agent("artic:1", "Chelsea Porcelain Factory", agent_type="group"),
            _agent("walters:1", "Chelsea-Derby Porcelain Factory", agent_type="group"),
            "kept_apart",
            "names differ",
        ),
    ],
)
def test_each_rule_decides_its_pair(a: dict, b: dict, decision: str, reason: str) -> None:
    decided, why = _decision(a, b)
    assert decided == decision, why
    assert reason in why


def test_a_years_less_record_with_two_candidates_joins_neither() -> None:
    """Father and son in two museums, a years-less namesake in a third: no chain joins them."""
    decisions = _decisions(
        _agent("artic:1", "John Smith"),
        _agent("tate:1", "John Smith", 1700, 1760),
        _agent("walters:1", "John Smith", 1730, 1790),
    )
    assert decisions[("artic:1", "tate:1")][0] == "kept_apart"
    assert "ambiguous" in decisions[("artic:1", "walters:1")][1]
    assert decisions[("tate:1", "walters:1")][0] == "kept_apart"


def test_a_museums_own_records_are_matched_by_the_same_rules() -> None:
    """An export that holds a maker twice (with and without his years) gives one identity; two
    namesakes of one museum whose years conflict stay two."""
    decisions = _decisions(
        _agent("walters:1", "Giovanni Boccaccio", 1313, 1375),
        _agent("walters:2", "Giovanni Boccaccio"),
        _agent("tate:1", "Richard Wilson", 1713, 1782),
        _agent("tate:2", "Richard Wilson", 1953),
    )
    assert decisions[("walters:1", "walters:2")][0] == "merged"
    assert decisions[("tate:1", "tate:2")] == ("kept_apart", "life years differ: years 1713-1782 and 1953-?")


def test_a_fathers_name_after_a_patronymic_is_not_a_middle_name() -> None:
    decided, why = _decision(
        _agent("walters:1", "Muhammad Sadiq ibn Navvab Mirza Muhammad 'Ali"),
        _agent("tate:1", "Muhammad 'Ali"),
    )
    assert (decided, why) == ("kept_apart", "names differ")
    # "Ben" as a forename is a forename.
    assert (
        _decision(
            _agent("tate:1", "Ben Nicholson", 1894, 1982),
            _agent("artic:1", "Ben Lauder Nicholson", 1894, 1982),
        )[0]
        == "merged"
    )


def test_a_hyphenated_given_name_written_last_is_one_word() -> None:
    # Family name first: "Te-ying" is one given name, not a middle name "Te" and a surname "ying".
    assert _decisions(_agent("walters:1", "Ch'in Ying"), _agent("walters:2", "Ch'in Te-ying")) == {}
    assert _decision(_agent("walters:1", "Kim Hong-do", 1745), _agent("artic:1", "Kim Hongdo", 1745)) == (
        "merged",
        "names agree (same name); life years agree: years 1745-? and 1745-?",
    )
    # A hyphen before a capital still parts two words: "al-" is an article, and the words agree.
    assert _decision(
        _agent("walters:1", "Muhammad Kazim al-Isfahani", 1700),
        _agent("artic:1", "Muhammad Kazim Isfahani", 1700),
    )[0] == ("merged")


@pytest.mark.parametrize(("a", "b"), [("Yokoya Somin V", "Yokoya Somin IV"), ("Goto Seijo", "Goto Seijo V")])
def test_a_lineages_numbered_generations_are_kept_apart(a: str, b: str) -> None:
    assert _decision(_agent("walters:1", a), _agent("walters:2", b))[0] == "kept_apart"


def test_names_are_normalised_the_way_the_sources_differ() -> None:
    variants = name_variants(
        _frame(
            _agent("tate:1", "Sir Augustus Wall Callcott RA"),
            _agent("walters:1", "Canaletto (Giovanni Antonio Canal)", sort_name="Canal, Giovanni Antonio"),
            _agent("walters:2", "Hans Holbein the Younger"),
            _agent("walters:3", "Gilbert & George (Gilbert Proesch and George Passmore)", agent_type="group"),
        )
    ).collect()
    words = {(k, " ".join(w)) for k, w in variants.select("agent_key", "words").iter_rows()}
    assert words == {
        ("tate:1", "augustus wal calcot"),
        ("walters:1", "canaleto"),
        ("walters:1", "giovani antonio canal"),
        ("walters:2", "hans holbein"),
        ("walters:3", "gilbert george"),  # a group's bracket is its members, not an alias
    }
    assert dict(variants.select("agent_key", "generation").unique().iter_rows())["walters:2"] == "2"


def test_identities_gather_merged_agents_under_the_smallest_key() -> None:
    agents = _frame(
        _agent("walters:9", "John Constable", 1776, 1837),
        _agent("tate:3", "John Constable", 1776, 1837),
        _agent("artic:5", "John Constable", 1776, 1837),
        _agent("tate:4", "Julian Opie", 1958),
    )
    with_identity = assign_identities(agents, match_agents(agents)).collect()
    assert dict(with_identity.select("agent_key", "identity_key").iter_rows()) == {
        "walters:9": "artic:5",
        "tate:3": "artic:5",
        "artic:5": "artic:5",
        "tate:4": "tate:4",
    }
    links = pl.LazyFrame(
        {
            "object_key": ["tate:10", "tate:11", "walters:1", "walters:1"],
            "agent_key": ["tate:3", "tate:3", "walters:9", "tate:4"],
        }
    )
    identities = describe_identities(with_identity.lazy(), links).collect()
    constable = identities.row(0, named=True)
    assert constable == {
        "identity_key": "artic:5",
        "name": "John Constable",
        "agent_type": "person",
        "birth_year": 1776,
        "death_year": 1837,
        "museums": ["artic", "tate", "walters"],
        "agent_keys": ["artic:5", "tate:3", "walters:9"],
        "museum_count": 3,
        "objects": 3,
    }


# --- properties ---------------------------------------------------------------------------------

_NAMES = ["John Opie", "J. Opie", "John Opie the Younger", "Julian Opie", "Opie", "Japanese", "Opie Studios"]
_TYPES = {"Japanese": "culture", "Opie Studios": "group"}


@st.composite
def _agents(draw: st.DrawFn) -> list[dict]:
    count = draw(st.integers(1, 9))
    rows = []
    for i in range(count):
        name = draw(st.sampled_from(_NAMES))
        born = draw(st.sampled_from([None, 1761, 1762, 1958]))
        rows.append(
            _agent(
                f"{draw(st.sampled_from(['artic', 'tate', 'walters']))}:{i}",
                name,
                born,
                None if born is None else born + 46,
                agent_type=draw(st.sampled_from([_TYPES.get(name, "person"), "anonymous"])),
            )
        )
    return rows


def _components(keys: list[str], merged: list[tuple[str, str]]) -> dict[str, str]:
    """Union-find in Python: each key's smallest connected key."""
    parent = {k: k for k in keys}

    def find(k: str) -> str:
        while parent[k] != k:
            k = parent[k]
        return k

    for a, b in merged:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    return {k: find(k) for k in keys}


@settings(max_examples=40, deadline=None)
@given(rows=_agents())
def test_matching_is_a_partition_by_merged_pairs_and_never_crosses_types(rows: list[dict]) -> None:
    agents = _frame(*rows)
    matches = match_agents(agents).collect()
    with_identity = assign_identities(agents, matches.lazy()).collect()
    merged = matches.filter(pl.col("decision") == "merged").select("agent_key", "other_agent_key").rows()
    keys = [r["agent_key"] for r in rows]
    # A partition: every agent in exactly one identity, the transitive closure of the merged pairs.
    assert dict(with_identity.select("agent_key", "identity_key").iter_rows()) == _components(keys, merged)
    # Never across types; never an anonymous placeholder with anything.
    types = with_identity.group_by("identity_key").agg(pl.col("agent_type").n_unique(), n=pl.len())
    assert types["agent_type"].max() == 1
    assert with_identity.filter(pl.col("agent_type") == "anonymous")["identity_key"].to_list() == (
        with_identity.filter(pl.col("agent_type") == "anonymous")["agent_key"].to_list()
    )


@settings(max_examples=30, deadline=None)
@given(rows=_agents())
def test_matching_does_not_depend_on_row_order(rows: list[dict]) -> None:
    forward = match_agents(_frame(*rows)).collect()
    backward = match_agents(_frame(*reversed(rows))).collect()
    assert_frame_equal(forward, backward)


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(
        ["Thomas Gainsborough", "Dante Gabriel Rossetti", "Jean-Léon Gérôme", "John Singer Sargent"]
    ),
    born=st.integers(1500, 1900),
    rename=st.sampled_from(["sort", "honour", "plain", "initials"]),
)
def test_a_renamed_copy_of_an_agent_matches_itself(name: str, born: int, rename: str) -> None:
    *forenames, surname = name.split(" ")
    copy = {
        "sort": {"name": surname, "sort_name": f"{surname}, {' '.join(forenames)}"},
        "honour": {"name": f"Sir {name}, R.A."},
        "plain": {"name": name.replace("é", "e").replace("ô", "o")},
        "initials": {"name": " ".join(f"{f[0]}." for f in forenames) + f" {surname}"},
    }[rename]
    original = _agent("tate:1", name, born, born + 60)
    renamed = _agent("walters:1", copy["name"], born + 1, born + 60, sort_name=copy.get("sort_name"))
    assert _decision(original, renamed)[0] == "merged"
