"""Mapping a column's values through a small fixed table, in a way the streaming engine can stream."""

from collections.abc import Mapping

import polars as pl


def lookup(
    expr: pl.Expr,
    mapping: Mapping[str, object],
    *,
    default: pl.Expr | object = None,
    dtype: pl.DataType | type[pl.DataType] | None = None,
) -> pl.Expr:
    """``expr``'s value looked up in ``mapping``; ``default`` where it is not a key (null by default).

    Written as a when/then chain rather than ``Expr.replace``/``replace_strict``: on polars 1.x the
    streaming engine runs those on the whole column at once (an in-memory fallback that buffers
    every other column of the frame too), while a when/then chain is evaluated batch by batch.
    Meant for small tables (a handful of keys): each key is one comparison per row.
    """
    if not mapping:
        raise ValueError("lookup needs at least one key")
    items = iter(mapping.items())
    key, value = next(items)
    chain = pl.when(expr == key).then(pl.lit(value, dtype))
    for key, value in items:
        chain = chain.when(expr == key).then(pl.lit(value, dtype))
    fallback = default if isinstance(default, pl.Expr) else pl.lit(default, dtype)
    return chain.otherwise(fallback)
