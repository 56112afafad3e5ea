"""Ordering and deduplicating the elements of list columns.

Polars sorts, deduplicates and filters the elements of a list of structs one row at a time: about
a microsecond a row (polars 1.44), and as much on a row that is null or masked out. So each list
column goes through one such pass, not several: finding first the few lists that need the work
(about one Walters object in four repeats a geography, fewer than one in a hundred lists its
images out of order) and masking the others saved nothing, since the masked rows cost as much, and
the finding came on top (measured at 1M objects: ordering and deduplicating the images by key
took 0.7 s in one pass, 2.0 s in two passes with the finding; a per-batch Python function that
took the needing rows out was slower still, in the streaming engine).
"""

import polars as pl


def distinct_elements(
    lists: pl.Expr, *, order_by: pl.Expr | None = None, key: pl.Expr | None = None
) -> pl.Expr:
    """Each list sorted by ``order_by`` (stable), then with only the first element of each ``key``.

    ``order_by`` is an Int64 expression of ``pl.element()`` without nulls that orders the elements
    exactly as wanted; ``key`` an expression of ``pl.element()`` (default: the whole element). A
    list already in order and without repeats comes out as it went in.
    """
    element, by_key = pl.element(), key
    if order_by is not None:
        # In one pass: the key is sorted the same way, so that it lines up with the sorted elements
        # (two passes, sort then filter, took three times as long: the cost is per pass and row).
        element = element.sort_by(order_by, maintain_order=True)
        by_key = None if key is None else key.sort_by(order_by, maintain_order=True)
    if by_key is None:
        return lists.list.eval(element.unique(maintain_order=True))
    return lists.list.eval(element.filter(by_key.is_first_distinct()))
