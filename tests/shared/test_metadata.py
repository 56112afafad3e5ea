"""Markdown tables of the UI's metadata (shared.metadata.markdown_table)."""

import os

import polars as pl
import pytest

from shared.metadata import markdown_table


def test_a_frame_as_a_markdown_table_every_row_and_column() -> None:
    frame = pl.DataFrame({"rule": ["blank_title", None], "note": ["a|b", "two\nlines"], "n": [3, 12]})
    assert markdown_table(frame).splitlines() == [
        "| rule        | note      | n  |",
        "|-------------|-----------|----|",
        "| blank_title | a\\|b      | 3  |",
        "| null        | two lines | 12 |",
    ]


def test_it_never_writes_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # pl.Config sets and removes variables; a write racing Polars' threads can crash the process.
    writes: list[str] = []
    environ = type(os.environ)
    monkeypatch.setattr(environ, "__setitem__", lambda self, key, value: writes.append(key))
    monkeypatch.setattr(environ, "__delitem__", lambda self, key: writes.append(key))
    markdown_table(pl.DataFrame({"a": list(range(100))}))
    assert writes == []
