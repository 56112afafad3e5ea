"""Ordering and deduplicating the elements of list columns without row-at-a-time work.

Polars sorts, deduplicates and filters the elements of a list of structs one row at a time: a
few microseconds a row, seconds at a million objects (polars 1.44, 300k Walters objects:
deduplicating their places 0.87 s, sorting their images 0.7 s). Hashing the elements and counting,
sorting and comparing lists of integers is vectorised (finding the lists that need either: 0.05 s).
Real records seldom need the work (about one Walters object in four repeats a geography, fewer
than one in a hundred lists its images out of order), so :func:`distinct_elements` finds the lists
that do with integer work and runs the row-at-a-time operation on those alone.
"""

import polars as pl


def distinct_elements(
    lists: pl.Expr, *, order_by: pl.Expr | None = None, key: pl.Expr | None = None
) -> pl.Expr:
    """Each list sorted by ``order_by`` (stable), then with only the first element of each ``key``.

    ``order_by`` is an Int64 expression of ``pl.element()`` without nulls that orders the elements
    exactly as wanted; ``key`` an expression of ``pl.element()`` (default: the whole element). A
    list already in order and without repeats is returned as it is, untouched. ``lists`` must be a
    column, not an expression that builds the lists: it is read several times, and Polars does not
    reliably compute a repeated list-building expression only once.
    """
    keys = lists.list.eval((pl.element() if key is None else key).hash())
    # Equal keys hash alike, so no list with a repeat is missed; a hash collision only sends a
    # list without one down the exact path below.
    needed = keys.list.n_unique() < lists.list.len()
    if order_by is not None:
        positions = lists.list.eval(order_by)
        needed = needed | (positions != positions.list.sort())

    def rearranged(subset: pl.Expr) -> pl.Expr:
        if order_by is not None:
            subset = subset.list.eval(pl.element().sort_by(order_by, maintain_order=True))
        if key is None:
            return subset.list.unique(maintain_order=True)
        return subset.list.eval(pl.element().filter(key.is_first_distinct()))

    # The lists that need nothing are null while the slow path runs (a null costs it nothing) and
    # are put back as they were after.
    return pl.coalesce(rearranged(pl.when(needed).then(lists)), lists)
