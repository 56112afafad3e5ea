"""What the harvest finds in records as received (harvest.received): type drift read or listed,
duplicate keys collapsed or resolved by one order-free rule, and the findings carried to the clean
records' issues."""

import datetime as dt
import itertools
import json

import dagster as dg
import polars as pl
import pytest

from harvest.raw import check_keys, records_to_frame
from harvest.received import read_records, resolve_duplicates
from harvest.walters.clean import clean_walters_creators, clean_walters_objects
from harvest.walters.exports import each_key_once
from harvest.walters.schemas import WALTERS_OBJECT_SCHEMA
from shared.issues import RECEIVED_ISSUES, issue_rows
from tests.conftest import HARVESTED_AT, LATEST_YEAR

SCHEMA = pl.Schema(
    {
        "id": pl.Int64,
        "title": pl.String,
        "year": pl.Int64,
        "height": pl.Float64,
        "on_view": pl.Boolean,
        "creators": pl.List(pl.Struct({"id": pl.Int64, "name": pl.String})),
        "place": pl.Struct({"id": pl.Int64, "tags": pl.List(pl.Struct({"rank": pl.Int64}))}),
    }
)


def issues_of(frame: pl.DataFrame) -> list[list[tuple[str, str, str | None, str]]]:
    return [
        [(i["field"], i["rule"], i["raw_value"], i["action"]) for i in issues]
        for issues in frame[RECEIVED_ISSUES].to_list()
    ]


# --- type drift ---------------------------------------------------------------------------------


def test_values_sent_in_another_representation_are_read_as_that_value() -> None:
    as_sent = {
        "id": 7,
        "title": "A",
        "year": 1850,
        "height": 2.5,
        "on_view": True,
        "creators": [{"id": 12, "name": "X"}],
        "place": {"id": 3, "tags": [{"rank": 1}]},
    }
    as_text = {
        "id": "7",
        "title": "A",
        "year": " 1850 ",
        "height": "2.5",
        "on_view": "true",
        "creators": [{"id": "12", "name": "X"}],
        "place": {"id": "3", "tags": [{"rank": 1.0}]},
    }
    frame = read_records([as_sent, as_text], SCHEMA)
    assert frame.schema == pl.Schema({**SCHEMA, RECEIVED_ISSUES: frame.schema[RECEIVED_ISSUES]})
    first, second = frame.drop(RECEIVED_ISSUES).to_dicts()
    assert first == second == as_sent
    assert issues_of(frame) == [[], []]


def test_a_value_that_cannot_be_read_is_nulled_and_listed_by_its_path_as_received() -> None:
    records = [
        {"id": 1, "year": "n/a", "on_view": "maybe", "creators": [{"id": 4}, {"id": "x9"}, {"id": "y"}]},
        {"id": 2, "year": 1900, "height": "tall", "place": {"id": 5, "tags": [{"rank": 1}, {"rank": 2.5}]}},
        {"id": 3, "year": 1901},
    ]
    frame = read_records(records, SCHEMA)
    assert frame["year"].to_list() == [None, 1900, 1901]
    assert frame["creators"].to_list()[0] == [
        {"id": 4, "name": None},
        {"id": None, "name": None},
        {"id": None, "name": None},
    ]
    assert frame["place"].to_list()[1] == {"id": 5, "tags": [{"rank": 1}, {"rank": None}]}
    assert issues_of(frame) == [
        [
            ("year", "unreadable_value", "n/a", "nulled"),
            ("on_view", "unreadable_value", "maybe", "nulled"),
            ("creators[].id", "unreadable_value", "x9; y", "nulled"),
        ],
        [
            ("height", "unreadable_value", "tall", "nulled"),
            ("place.tags[].rank", "unreadable_value", "2.5", "nulled"),
        ],
        [],
    ]


def test_a_value_not_of_its_fields_shape_is_nulled_and_listed_and_its_record_kept() -> None:
    # Text where a list or an object belongs, a list or an object where text or a number does, at
    # any depth: one such record in a batch neither fails the batch nor is read as text ("{1}").
    records = [
        {"id": 1, "title": ["A", "B"], "creators": {"id": 4}, "place": {"id": 5, "tags": "none"}},
        {"id": 2, "title": "C", "year": {"y": 1900}, "creators": [{"id": 6}, "X", None, {"id": [7]}]},
        {"id": 3, "title": "D", "place": [5]},
        {"id": 4, "title": "E", "year": 1901, "creators": [{"id": 8, "name": "Y"}]},
    ]
    frame = read_records(records, SCHEMA)
    assert frame["id"].to_list() == [1, 2, 3, 4]
    assert frame["title"].to_list() == [None, "C", "D", "E"]
    assert frame["year"].to_list() == [None, None, None, 1901]
    assert frame["creators"].to_list() == [
        None,
        [{"id": 6, "name": None}, None, None, {"id": None, "name": None}],
        None,
        [{"id": 8, "name": "Y"}],
    ]
    assert frame["place"].to_list() == [{"id": 5, "tags": None}, None, None, None]
    assert issues_of(frame) == [
        [
            ("title", "unreadable_value", '["A", "B"]', "nulled"),
            ("creators", "unreadable_value", '{"id": 4}', "nulled"),
            ("place.tags", "unreadable_value", '"none"', "nulled"),
        ],
        [
            ("year", "unreadable_value", '{"y": 1900}', "nulled"),
            ("creators[]", "unreadable_value", '"X"', "nulled"),
            ("creators[].id", "unreadable_value", "[7]", "nulled"),
        ],
        [("place", "unreadable_value", "[5]", "nulled")],
        [],
    ]


def test_numbers_too_large_for_their_field_are_nulled_and_listed_as_sent() -> None:
    huge, huger = 12345678901234567890123, 2**130  # beyond 64 bits; beyond Polars' 128
    records = [{"id": 1, "title": huge, "year": huge}, {"id": 2, "title": 7.5}, {"id": 3, "title": huger}]
    frame = read_records(records, SCHEMA)
    assert frame["title"].to_list() == [str(huge), "7.5", str(huger)]
    assert frame["year"].to_list() == [None, None, None]
    assert issues_of(frame) == [[("year", "unreadable_value", str(huge), "nulled")], [], []]


def test_the_sample_reads_as_it_did_and_its_numbers_sent_as_text_read_the_same(
    walters_raw: pl.LazyFrame,
) -> None:
    from harvest.walters.replay import load_walters_objects

    records = load_walters_objects()[:300]
    as_text = [
        {
            **r,
            "ObjectID": str(r["ObjectID"]),
            "Creators": [{**c, "CreatorID": str(c["CreatorID"])} for c in r["Creators"]]
            if r["Creators"]
            else r["Creators"],
        }
        for r in records
    ]
    read = read_records(records, WALTERS_OBJECT_SCHEMA)
    assert read.drop(RECEIVED_ISSUES).equals(
        pl.DataFrame(records, schema=WALTERS_OBJECT_SCHEMA, strict=False)
    )
    assert read_records(as_text, WALTERS_OBJECT_SCHEMA).equals(read)
    assert read[RECEIVED_ISSUES].list.len().sum() == 0


def test_a_key_that_reads_as_its_type_passes_and_one_that_cannot_fails_naming_the_record() -> None:
    records = [{"id": 1, "acno": "A1"}, {"id": " 2 ", "acno": "A2"}, {"id": "-3", "acno": "A3"}]
    check_keys("x_raw", records, [1, 1, 1], key="id", label="acno")
    with pytest.raises(
        dg.Failure, match=r"1 record\(s\) whose id is missing or not int: id='2b' \(page 2, acno='B'\)"
    ):
        check_keys("x_raw", [*records, {"id": "2b", "acno": "B"}], [1, 1, 1, 2], key="id", label="acno")
    with pytest.raises(dg.Failure, match=r"id=True"):
        check_keys("x_raw", [{"id": True}], [1], key="id")


# --- duplicate keys -----------------------------------------------------------------------------


def _frame(records: list[dict], pages: list[int]) -> pl.DataFrame:
    return records_to_frame(records, pages, SCHEMA, source="test", harvested_at=HARVESTED_AT)


def test_identical_copies_collapse_into_the_first_pages_and_are_counted() -> None:
    record = {"id": 1, "title": "A", "creators": [{"id": 2, "name": "X"}]}
    frame, counts = resolve_duplicates(_frame([record, {"id": 2}, record, record], [3, 3, 1, 2]), key="id")
    assert frame["id"].to_list() == [2, 1] and frame["page"].to_list() == [3, 1]
    assert counts == {"duplicates/identical": 2, "duplicates/superseded": 0, "duplicates/differing": 0}
    assert issues_of(frame) == [[], []]


def test_differing_copies_keep_the_most_complete_then_the_first_by_content_in_any_order() -> None:
    full = {"id": 1, "title": "A", "year": 1850, "creators": [{"id": 2, "name": "X"}]}
    sparse = {"id": 1, "title": "B", "creators": [{"id": 2}]}
    tie = {"id": 1, "title": "C", "year": 1850, "creators": [{"id": 2, "name": "Y"}]}
    other = {"id": 9, "title": "other"}
    outcomes = set()
    for order in itertools.permutations([(full, 1), (sparse, 2), (tie, 3), (other, 4)]):
        frame, counts = resolve_duplicates(_frame([r for r, _ in order], [p for _, p in order]), key="id")
        assert counts == {"duplicates/identical": 0, "duplicates/superseded": 0, "duplicates/differing": 2}
        kept = frame.filter(pl.col("id") == 1)
        outcomes.add(json.dumps(kept.drop("harvested_at").to_dicts(), default=str))
        assert sorted(frame["id"]) == [1, 9]
    (outcome,) = outcomes  # whatever order the copies came in
    (kept,) = json.loads(outcome)
    assert kept["title"] == "A" and kept["page"] == 1  # "A" before "C" by content; "B" lacks the year
    (issue,) = kept[RECEIVED_ISSUES]
    assert (issue["field"], issue["rule"], issue["action"]) == ("id", "duplicate_key", "dropped")
    assert issue["raw_value"] == (
        'page 3: {"title": "C", "creators": [{"id": 2, "name": "Y"}]} | '
        'page 2: {"title": "B", "year": null, "creators": [{"id": 2, "name": null}]}'
    )


def test_where_the_source_dates_its_records_the_newest_copy_is_kept_and_not_listed() -> None:
    schema = pl.Schema({"id": pl.Int64, "title": pl.String, "updated_at": pl.String})
    older = {"id": 1, "title": "Old", "updated_at": "2024-11-03T01:30:00-05:00"}
    newer = {"id": 1, "title": "New", "updated_at": "2024-11-03T01:10:00-06:00"}  # later instant
    for records in ([older, newer], [newer, older]):
        raw = records_to_frame(records, [1, 2], schema, source="artic", harvested_at=HARVESTED_AT)
        frame, counts = resolve_duplicates(raw, key="id", version="updated_at")
        assert frame["title"].to_list() == ["New"]
        assert counts["duplicates/superseded"] == 1 and counts["duplicates/differing"] == 0
        assert issues_of(frame) == [[]]


def test_an_export_holds_each_key_once_and_lists_the_rows_dropped() -> None:
    rows = [{"id": str(n), "name": f"N{n}"} for n in range(1, 201)]
    columns = ("sort_name", "date", "gender", "biography", "CreatorURL", "nationality")
    export = pl.DataFrame([*rows, {"id": "5", "name": "N5"}, {"id": "7", "name": None}]).with_columns(
        pl.lit(None, pl.String).alias(c) for c in columns
    )
    frame = each_key_once(export, "creators")
    assert frame.height == 200 and frame["id"].to_list() == [str(n) for n in range(1, 201)]
    assert issues_of(frame.filter(pl.col("id") == "7")) == [
        [("id", "duplicate_key", 'row 202: {"name": null}', "dropped")]
    ]
    agents = clean_walters_creators(frame.lazy(), latest_year=LATEST_YEAR)
    # Only the harvest's finding (the bare names also get agent_type_guessed, not this test's rule).
    listed = issue_rows(agents, key="agent_key").filter(pl.col("rule") == "duplicate_key").collect()
    assert listed.height == 1
    assert listed.select("record_key", "field", "rule", "action").rows() == [
        ("walters:7", "id", "duplicate_key", "dropped")
    ]
    many = pl.DataFrame([*rows[:10], *rows[:10]], schema={"id": pl.String, "name": pl.String}).with_columns(
        name=pl.concat_str("name", pl.int_range(pl.len()).cast(pl.String))
    )
    with pytest.raises(
        dg.Failure, match=r"walters_creators_raw: .*rule duplicate_key fired on 10 of 10 records"
    ):
        each_key_once(many, "creators")


# --- carried to the clean records ---------------------------------------------------------------


def test_the_harvests_findings_come_first_in_the_clean_records_issues(walters_raw: pl.LazyFrame) -> None:
    record = walters_raw.head(1).collect().drop(RECEIVED_ISSUES).to_dicts()[0]
    records = [
        {**record, "DateBeginYear": "n/a", "Creators": [{"CreatorID": "12"}, {"CreatorID": "x"}]},
        {"ObjectID": record["ObjectID"], "ObjectNumber": record["ObjectNumber"], "Title": "A twin"},
    ]
    raw, _ = resolve_duplicates(
        records_to_frame(records, [1, 2], WALTERS_OBJECT_SCHEMA, source="walters", harvested_at=HARVESTED_AT),
        key="ObjectID",
    )
    (objects,) = clean_walters_objects(raw.lazy(), latest_year=LATEST_YEAR).collect().to_dicts()
    # The unreadable id is nulled: no link to an agent (transforms.model.creator_links skips it).
    assert [c["agent_key"] for c in objects["creators"]] == ["walters:12", None]
    rules = [(i["field"], i["rule"], i["action"]) for i in objects["issues"]]
    assert rules[:3] == [
        ("Creators[].CreatorID", "unreadable_value", "nulled"),
        ("DateBeginYear", "unreadable_value", "nulled"),
        ("ObjectID", "duplicate_key", "dropped"),
    ]


def test_a_raw_frame_without_the_harvests_findings_cleans_as_before(walters_raw: pl.LazyFrame) -> None:
    without = clean_walters_objects(walters_raw.drop(RECEIVED_ISSUES), latest_year=LATEST_YEAR).collect()
    with_them = clean_walters_objects(walters_raw, latest_year=LATEST_YEAR).collect()
    assert without.equals(with_them)


def test_records_to_frame_adds_the_provenance_columns_in_order() -> None:
    frame = records_to_frame(
        [{"id": 1}], [1], SCHEMA, source="s", harvested_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    assert frame.columns[-5:] == ["source", "page", "harvested_at", "origin", RECEIVED_ISSUES]
