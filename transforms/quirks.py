"""Counts of the data quirks the clean stage handled, for the metadata the museum team reads."""

import polars as pl


def count_quirks(objects: pl.LazyFrame) -> pl.LazyFrame:
    """One row per source: how many objects showed each quirk (collection model columns)."""
    places, creators = pl.col("places"), pl.col("creators")
    return (
        objects.group_by("source")
        .agg(
            objects=pl.len(),
            bce_years=pl.col("date_bce").sum(),
            # AH dates read; the CE year is the one the text states, else converted from AH.
            hijri_dates=pl.col("date_hijri").sum(),
            date_sentinels_nulled=pl.col("date_sentinel").sum(),
            begin_after_end=pl.col("date_inverted").sum(),
            begin_after_end_resolved=pl.col("date_inverted_resolved").sum(),
            structured_contradicted_by_text=pl.col("date_contradicted").sum(),
            dates_from_text=(pl.col("date_source") == "text").sum(),
            dates_unknown=pl.col("date_start_year").is_null().sum(),
            dates_uncertain=pl.col("date_uncertain").sum(),
            titles_fallback=pl.col("title_is_fallback").sum(),
            coordinate_sentinels_nulled=places.list.eval(pl.element().struct.field("coordinates_sentinel"))
            .list.any()
            .sum(),
            objects_without_creators=(creators.list.len().fill_null(0) == 0).sum(),
            objects_with_dimensions=pl.col("height_cm").is_not_null().sum()
            + (pl.col("height_cm").is_null() & pl.col("diameter_cm").is_not_null()).sum(),
        )
        .sort("source")
    )


def count_by_century(objects: pl.LazyFrame) -> pl.LazyFrame:
    """Objects per (source, century of the start year); century -5 is the 5th century BCE."""
    year = pl.col("date_start_year")
    century = pl.when(year > 0).then((year - 1) // 100 + 1).otherwise(-((-year) // 100 + 1))
    return (
        objects.drop_nulls("date_start_year")
        .group_by("source", century=century.cast(pl.Int32))
        .agg(objects=pl.len())
        .sort("source", "century")
    )
