"""lookup(): a small mapping as an elementwise expression (Expr.replace's semantics, streamable)."""

import polars as pl
import pytest

from shared.lookup import lookup


def test_maps_keys_and_falls_back_to_null() -> None:
    frame = pl.DataFrame({"unit": ["cm", "mm", "in", None]})
    out = frame.select(lookup(pl.col("unit"), {"mm": 0.1, "cm": 1.0}, dtype=pl.Float64))
    assert out.to_series().to_list() == [1.0, 0.1, None, None]
    assert out.to_series().dtype == pl.Float64


def test_default_may_be_a_value_or_the_input_itself() -> None:
    frame = pl.DataFrame({"word": ["height", "h", "diameter", None]})
    keys = {"height": "h", "diameter": "diam"}
    kept = frame.select(lookup(pl.col("word"), keys, default=pl.col("word"))).to_series()
    assert kept.to_list() == ["h", "h", "diam", None]
    zero = frame.select(lookup(pl.col("word"), {"h": 1}, default=0, dtype=pl.Int32)).to_series()
    assert zero.to_list() == [0, 1, 0, 0]


def test_an_empty_mapping_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one key"):
        lookup(pl.col("x"), {})
