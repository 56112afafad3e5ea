"""What the Linked Art and IIIF exports share: their ids, their JSON-LD contexts, and which images
can be a IIIF canvas (so that an object's Linked Art record names a manifest exactly when the
manifests export holds one).

Ids, under the exports' base URL (``PUBLIC_BASE_URL``): ``{base}/object/{source}/{source_id}``,
``{base}/agent/{source}/{source_id}`` and ``{base}/iiif/{source}/{source_id}/manifest``.
"""

import polars as pl

LINKED_ART_CONTEXT = "https://linked.art/ns/v1/linked-art.json"
PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"


def entity_id(base_url: str, kind: str, source: pl.Expr, source_id: pl.Expr) -> pl.Expr:
    """``{base}/{kind}/{source}/{source_id}``."""
    return pl.concat_str(pl.lit(f"{base_url.rstrip('/')}/{kind}/"), source, pl.lit("/"), source_id)


def manifest_id(base_url: str, source: pl.Expr, source_id: pl.Expr) -> pl.Expr:
    """``{base}/iiif/{source}/{source_id}/manifest``."""
    return pl.concat_str(entity_id(base_url, "iiif", source, source_id), pl.lit("/manifest"))


def known_size() -> pl.Expr:
    """An image (a row of the ``images`` table) whose pixel size is known: it can be a canvas."""
    width, height = pl.col("width"), pl.col("height")
    return (width > 0).fill_null(False) & (height > 0).fill_null(False) & pl.col("url").is_not_null()
