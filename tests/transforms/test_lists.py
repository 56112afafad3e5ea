"""transforms.lists: ordering and deduplicating list elements, only where the lists need it."""

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.lists import distinct_elements
from transforms.model import IMAGE_ORDER

IMAGE = pl.Struct({"image_key": pl.String, "is_primary": pl.Boolean, "rank": pl.Int64})
KEY = pl.element().struct.field("image_key")


def _image(key: str, primary: bool | None = False, rank: int | None = 1) -> dict:
    return {"image_key": key, "is_primary": primary, "rank": rank}


def _apply(lists: list, **kwargs: pl.Expr) -> list:
    frame = pl.LazyFrame({"images": lists}, schema={"images": pl.List(IMAGE)})
    return (
        frame.select(distinct_elements(pl.col("images"), **kwargs))
        .collect(engine="streaming")["images"]
        .to_list()
    )


def test_repeats_are_dropped_first_kept_and_other_lists_kept_as_they_are() -> None:
    a, b, c = _image("a"), _image("b"), _image("c")
    lists = [[a, b, a, c, b], [c, a], [], None, [a]]
    assert _apply(lists) == [[a, b, c], [c, a], [], None, [a]]


def test_ordered_primary_first_then_by_rank_ties_keep_their_order() -> None:
    first, second, third = _image("x", rank=1), _image("y", rank=2), _image("z", rank=2)
    primary, unranked = _image("p", primary=True, rank=9), _image("u", rank=None)
    lists = [[unranked, third, second, first, primary], [first, second, third]]
    assert _apply(lists, order_by=IMAGE_ORDER) == [
        [primary, first, third, second, unranked],
        [first, second, third],
    ]


def test_a_key_keeps_the_first_element_of_each_key_after_ordering() -> None:
    late, early = _image("k", rank=5), _image("k", rank=1)
    assert _apply([[late, _image("m", rank=3), early]], order_by=IMAGE_ORDER, key=KEY) == [
        [early, _image("m", rank=3)]
    ]


IMAGES = st.lists(
    st.builds(
        _image,
        st.sampled_from("abcd"),
        st.booleans() | st.none(),
        st.integers(-3, 3) | st.none() | st.sampled_from([2**62, -(2**62)]),
    ),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(IMAGES | st.none(), max_size=6))
def test_agrees_with_sorting_and_deduplicating_every_list(lists: list) -> None:
    # The shortcut (leave lists that need nothing alone) must give what doing it to all would.
    frame = pl.LazyFrame({"images": lists}, schema={"images": pl.List(IMAGE)})
    everywhere = frame.select(
        pl.col("images")
        .list.eval(pl.element().sort_by(IMAGE_ORDER, maintain_order=True))
        .list.eval(pl.element().filter(KEY.is_first_distinct()))
    )
    assert _apply(lists, order_by=IMAGE_ORDER, key=KEY) == everywhere.collect()["images"].to_list()
    assert (
        _apply(lists)
        == frame.select(pl.col("images").list.unique(maintain_order=True)).collect()["images"].to_list()
    )
