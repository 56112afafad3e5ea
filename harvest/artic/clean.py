"""Art Institute of Chicago records conformed to the collection model (the clean stage).

Input: raw artworks and agents as the API returned them for the ``fields`` we ask for
(``harvest.schemas``), plus provenance. Output: the same shapes as the Walters clean stage.
"""

import polars as pl

from shared.issues import (
    COORDINATE_SENTINEL,
    NULLED,
    issue,
    pending_issues,
    plausible_or_null,
    with_issues,
)
from transforms.agent_types import type_agents
from transforms.dates import parse_dates
from transforms.dimensions import parse_dimensions
from transforms.lists import distinct_elements
from transforms.model import (
    AGENT_SCHEMA,
    OBJECT_SCHEMA,
    conform_to,
    identity,
    parsed_columns,
    source_key,
    titled,
)
from transforms.text import clean_label, clean_text

SOURCE = "artic"
# The image server the API names in its `config` block, for raw data that lacks it.
DEFAULT_IIIF_URL = "https://www.artic.edu/iiif/2"
# What the API's `is_public_domain` states about an artwork's images: CC0 (the API's licence page).
PUBLIC_DOMAIN = "http://creativecommons.org/publicdomain/zero/1.0/"
# IIIF Image API request for a 843px-wide JPEG, the size the Art Institute's docs recommend.
IIIF_IMAGE_PATH = "/full/843,/0/default.jpg"


def _key(expr: pl.Expr) -> pl.Expr:
    return source_key(SOURCE, expr)


def _with_creators(artworks: pl.LazyFrame) -> pl.LazyFrame:
    """``creators`` from the parallel lists artist_ids/artist_titles (the API gives no role: Artist)."""
    ids = pl.col("artist_ids").fill_null([])
    # Titles aligned to ids by position; a missing title is null, never a shifted neighbour's name.
    names = pl.col("artist_titles").list.gather(pl.int_ranges(0, ids.list.len()), null_on_oob=True)
    links = (
        artworks.select("id", artist_id=ids, artist_title=names)
        .explode("artist_id", "artist_title", empty_as_null=False)
        .drop_nulls("artist_id")
        .group_by("id", maintain_order=True)
        .agg(
            creators=pl.struct(
                agent_key=_key(pl.col("artist_id")),
                display_name=clean_text(pl.col("artist_title")),
                role=pl.lit("Artist"),
            )
        )
        # Deduplicated after the aggregation: `unique` inside `agg` is not streamable.
        .with_columns(distinct_elements(pl.col("creators")))
    )
    return artworks.join(links, on="id", how="left", maintain_order="left")


def _images(iiif_url: str) -> pl.Expr:
    """The primary image first, then the alternates, as IIIF image URLs with their Image API 2
    service. Only ``image_id`` has a known pixel size (``thumbnail``: the API gives no other)."""
    ids = pl.concat_list(pl.col("image_id"), pl.col("alt_image_ids").fill_null([])).list.drop_nulls()
    service = pl.concat_str(pl.lit(f"{iiif_url.rstrip('/')}/"), pl.element())
    images = ids.list.unique(maintain_order=True).list.eval(
        pl.struct(
            image_key=_key(pl.element()),
            url=pl.concat_str(service, pl.lit(IIIF_IMAGE_PATH)),
            is_primary=pl.int_range(pl.len()) == 0,
            rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
            width=pl.lit(None, pl.Int64),
            height=pl.lit(None, pl.Int64),
            iiif_service=service,
        )
    )
    # The first image is `image_id` when there is one: it takes the thumbnail's size.
    sized = pl.col("image_id").is_not_null()
    first = images.list.first().struct.with_fields(
        width=pl.when(sized).then(pl.col("thumbnail").struct.field("width")),
        height=pl.when(sized).then(pl.col("thumbnail").struct.field("height")),
    )
    return pl.when(images.list.len() > 0).then(pl.concat_list(first, images.list.slice(1))).otherwise(images)


def _places() -> pl.Expr:
    """Place of origin, with coordinates only when real (0.0/0.0 is a sentinel, not a place)."""
    lat, lon = pl.col("latitude"), pl.col("longitude")
    sentinel = ((lat == 0.0) & (lon == 0.0)).fill_null(False)
    real = ~sentinel & lat.is_between(-90, 90) & lon.is_between(-180, 180)
    name = clean_text(pl.col("place_of_origin"))
    place = pl.struct(
        # The API names places but gives them no id: the name is the key within the source.
        place_key=_key(name.str.to_lowercase()),
        name=name,
        place_type=pl.lit("Place of origin"),
        latitude=pl.when(real).then(lat),
        longitude=pl.when(real).then(lon),
        coordinates_sentinel=sentinel,
    )
    return pl.when(name.is_not_null()).then(pl.concat_list(place))


def _coordinate_sentinel() -> pl.Expr:
    """A ``coordinate_sentinel`` issue where latitude and longitude are both 0 (nulled)."""
    lat, lon = pl.col("latitude"), pl.col("longitude")
    return issue(
        COORDINATE_SENTINEL,
        "latitude",
        when=((lat == 0.0) & (lon == 0.0)).fill_null(False),
        raw_value=pl.concat_str(lat.cast(pl.String), pl.lit(", "), lon.cast(pl.String)),
        action=NULLED,
    )


def clean_artic_artworks(raw: pl.LazyFrame, *, iiif_url: str, latest_year: int) -> pl.LazyFrame:
    """One row per artwork (key ``object_key``) in ``transforms.model.OBJECT_SCHEMA``, its problems
    in ``issues`` (``latest_year``: the last plausible year, see ``shared.issues``).

    Row for row: the raw snapshot holds each id once (the harvest merges copies by id, the newest
    winning, and the raw model's blocking check refuses a repeat).
    """
    object_name = clean_text(pl.col("artwork_type_title"))
    artworks = (
        raw.with_columns(date_display=clean_text(pl.col("date_display")))
        .pipe(parse_dates, text="date_display", begin="date_start", end="date_end", latest_year=latest_year)
        .pipe(parse_dimensions, text="dimensions")
        .pipe(_with_creators)
        .pipe(with_issues, _coordinate_sentinel())
    )
    return artworks.select(
        parsed_columns(),
        pending_issues(),
        **titled("title", object_name, clean_text(pl.col("main_reference_number")), key=_key(pl.col("id"))),
        **identity(SOURCE, "id", key="object_key"),
        object_number=clean_text(pl.col("main_reference_number")),
        date_text=pl.col("date_display"),
        object_name=object_name,
        classification=clean_label(pl.col("classification_title")),
        department=clean_text(pl.col("department_title")),
        dimensions_text=clean_text(pl.col("dimensions")),
        medium=clean_text(pl.col("medium_display")),
        style=clean_text(pl.col("style_title")),
        credit_line=clean_text(pl.col("credit_line")),
        description=clean_text(pl.col("description")),
        provenance=clean_text(pl.col("provenance_text")),
        inscriptions=clean_text(pl.col("inscriptions")),
        on_view=pl.col("is_on_view"),
        location=clean_text(pl.col("gallery_title")),
        url=pl.concat_str(pl.lit("https://www.artic.edu/artworks/"), pl.col("id").cast(pl.String)),
        image_rights=pl.when(pl.col("is_public_domain")).then(pl.lit(PUBLIC_DOMAIN)),
        creators=pl.col("creators").fill_null([]),
        places=_places(),
        images=_images(iiif_url),
    ).pipe(conform_to, OBJECT_SCHEMA)


def clean_artic_agents(raw: pl.LazyFrame, *, latest_year: int) -> pl.LazyFrame:
    """One row per agent (key ``agent_key``) in ``transforms.model.AGENT_SCHEMA``, row for row (as
    above); birth and death years outside the plausible range (up to ``latest_year``) nulled and
    listed in ``issues``."""
    birth_year, birth_issue = plausible_or_null(pl.col("birth_date"), "birth_date", latest_year=latest_year)
    death_year, death_issue = plausible_or_null(pl.col("death_date"), "death_date", latest_year=latest_year)
    return (
        raw.select(
            birth_issue,
            death_issue,
            **identity(SOURCE, "id", key="agent_key"),
            name=clean_text(pl.col("title")),
            sort_name=clean_text(pl.col("sort_title")),
            birth_year=birth_year,
            death_year=death_year,
            biography=clean_text(pl.col("description")),
            url=pl.concat_str(pl.lit("https://www.artic.edu/artists/"), pl.col("id").cast(pl.String)),
            in_source_export=pl.lit(True),
        )
        .pipe(type_agents)
        .pipe(conform_to, AGENT_SCHEMA)
    )
