"""Property tests: on messy generated records the transforms never crash, never lose or duplicate
an object, keep keys unique, keep start <= end and leave no creator reference dangling."""

import datetime as dt

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvest.raw import records_to_frame
from harvest.walters.clean import clean_walters_objects
from harvest.walters.schemas import WALTERS_OBJECT_SCHEMA
from tests.conftest import LATEST_YEAR
from transforms.model import complete_agents, flatten_objects, link_object_agents

HARVESTED_AT = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
# Real date texts from the sample mixed with junk, so the parser meets both.
DATE_TEXTS = st.one_of(
    st.sampled_from(
        [
            "late 5th century BC",
            "ca. 1480-1484",
            "n.d.",
            "AH 1012/AD 1603",
            "1550?",
            "mid 13th century",
            "1920s",
            "",
        ]
    ),
    st.text(max_size=30),
    st.none(),
)
TEXTS = st.one_of(st.none(), st.text(max_size=20), st.sampled_from(["  ", "<p>Zeus</p>", "Zeus &amp; Hera"]))
YEARS = st.one_of(st.none(), st.integers(-12_000, 3_000), st.just(0))
CREATOR = st.fixed_dictionaries(
    {
        "ConcatDisplayName": TEXTS,
        "CreatorID": st.integers(1, 30),
        "Gender": st.none(),
        "Role": st.one_of(st.none(), st.sampled_from(["Artist", "Author", "Scribe"])),
    }
)
RECORD = st.fixed_dictionaries(
    {
        "ObjectID": st.integers(1, 40),
        "ObjectNumber": st.text(min_size=1, max_size=8),
        "Title": TEXTS,
        "ObjectName": TEXTS,
        "DateText": DATE_TEXTS,
        "DateBeginYear": YEARS,
        "DateEndYear": YEARS,
        "Dimensions": TEXTS,
        "Creators": st.lists(CREATOR, max_size=4),
        "MuseumLocation": st.just(
            {"DisplayCurrentLocation": "Not On View", "LocationID": 1, "LocationString": None}
        ),
        "OnView": st.sampled_from([0, 1]),
    }
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Each ObjectID once, as the raw model admits a harvested snapshot.
@given(st.lists(RECORD, max_size=12, unique_by=lambda record: record["ObjectID"]))
def test_walters_transforms_keep_every_object_once(records: list[dict]) -> None:
    raw = records_to_frame(
        records, [1] * len(records), WALTERS_OBJECT_SCHEMA, source="walters", harvested_at=HARVESTED_AT
    )
    clean = clean_walters_objects(raw.lazy(), latest_year=LATEST_YEAR)
    objects = flatten_objects(clean).collect()
    ids = {r["ObjectID"] for r in records}
    assert objects.height == len(records)
    assert set(objects["object_key"]) == {f"walters:{i}" for i in ids}
    assert objects["title"].null_count() == 0 and (objects["title"].str.len_chars() > 0).all()
    both = objects.drop_nulls(["date_start_year", "date_end_year"])
    assert (both["date_start_year"] <= both["date_end_year"]).all()

    links = link_object_agents(clean).collect()
    assert links.select("object_key", "agent_key", "role").is_duplicated().sum() == 0
    empty_export = pl.LazyFrame(schema={"agent_key": pl.String})
    agents = complete_agents(empty_export, clean, latest_year=LATEST_YEAR).collect()
    assert agents["agent_key"].is_unique().all()
    assert set(links["agent_key"]) <= set(agents["agent_key"])
    assert agents["name"].null_count() == 0
