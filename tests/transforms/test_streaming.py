"""The transforms run on Polars' streaming engine without in-memory fallbacks.

A fallback node (e.g. ``Expr.replace`` with a mapping, ``unique`` inside ``group_by().agg``) takes its
whole input column at once, and the engine buffers every other column of the frame beside it: at
a million objects that is gigabytes. The engine's physical plan marks such nodes; none may appear.
"""

import re
from pathlib import Path

import polars as pl
import pytest

from harvest.artic import clean as artic
from harvest.artic.replay import load_artic_records
from harvest.artic.schemas import ARTIC_ARTWORK_SCHEMA
from harvest.raw import records_to_frame
from harvest.walters import clean as walters
from shared.lake import sink_lake
from tests.conftest import HARVESTED_AT, LATEST_YEAR
from transforms import model


def _fallback_nodes(lf: pl.LazyFrame) -> list[str]:
    graph = lf.show_graph(engine="streaming", plan_stage="physical", raw_output=True)
    assert isinstance(graph, str)
    # The legend names the colour the engine gives a fallback node.
    legend = re.search(r'<FONT COLOR="([^"]+)">⬤</FONT> in-memory engine fallback', graph)
    assert legend, "the streaming plan's legend changed: update this test"
    color = re.escape(legend.group(1))
    return re.findall(rf'label="([^"]*)",style=filled,fillcolor="{color}"', graph)


@pytest.fixture(scope="module")
def lake(walters_raw: pl.LazyFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Schemas to plan against: the shipped sample's raw tables, cleaned once."""
    directory = tmp_path_factory.mktemp("lake")
    walters_raw.collect().write_parquet(directory / "walters_objects_raw.parquet")
    records = load_artic_records("artworks")
    records_to_frame(
        records, [1] * len(records), ARTIC_ARTWORK_SCHEMA, source="artic", harvested_at=HARVESTED_AT
    ).write_parquet(directory / "artic_artworks_raw.parquet")
    objects = walters.clean_walters_objects(
        pl.scan_parquet(directory / "walters_objects_raw.parquet"), latest_year=LATEST_YEAR
    )
    sink_lake(objects, directory / "walters_objects_clean.parquet")
    return directory


def test_a_fallback_is_detected(lake: Path) -> None:
    # The check itself: Expr.replace with a mapping is a known fallback on this Polars.
    lf = pl.scan_parquet(lake / "walters_objects_clean.parquet").select(
        pl.col("source").replace({"walters": "W"})
    )
    assert _fallback_nodes(lf)


def test_clean_walters_objects_streams(lake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The date parser is left out: Polars 1.44 cannot draw its plan (its plan formatter panics),
    # and it runs on the distinct (text, begin, end) values only, joined back by a streaming join.
    monkeypatch.setattr(walters, "parse_dates", lambda lf, **_: lf)
    raw = pl.scan_parquet(lake / "walters_objects_raw.parquet")
    assert _fallback_nodes(walters.clean_walters_objects(raw, latest_year=LATEST_YEAR)) == []


def test_reshape_streams(lake: Path) -> None:
    objects = pl.scan_parquet(lake / "walters_objects_clean.parquet")
    plans = {
        "objects": model.flatten_objects(objects),
        "object_agents": model.link_object_agents(objects),
        "places": model.extract_places(objects),
        "object_places": model.link_object_places(objects),
        "images": model.extract_images(objects),
        "classifications": model.count_by(objects, "classification"),
        "record_issues": model.list_record_issues(objects, pl.LazyFrame(schema=model.AGENT_SCHEMA)),
    }
    assert {name: _fallback_nodes(lf) for name, lf in plans.items()} == {name: [] for name in plans}


def test_clean_artic_artworks_streams(lake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(artic, "parse_dates", lambda lf, **_: lf)  # as above
    raw = pl.scan_parquet(lake / "artic_artworks_raw.parquet")
    assert (
        _fallback_nodes(
            artic.clean_artic_artworks(raw, iiif_url=artic.DEFAULT_IIIF_URL, latest_year=LATEST_YEAR)
        )
        == []
    )


def test_agents_stream(lake: Path) -> None:
    objects = pl.scan_parquet(lake / "walters_objects_clean.parquet")
    agents = pl.LazyFrame(schema=model.AGENT_SCHEMA)
    assert _fallback_nodes(model.complete_agents(agents, objects, latest_year=LATEST_YEAR)) == []
