"""IIIF Presentation 3 manifests from the lake's reshaped tables.

A pure function of LazyFrames, like ``outputs.linked_art``: one row per manifest with its JSON text.
One manifest per object with at least one image of known pixel size; each such image is a Canvas of
that size painted by the image (with its IIIF Image API 2 service where the source serves one). An
image without a known size gets no canvas: a canvas needs a size, and none is guessed (the asset
counts the images left out). Rights only where the source states them (``objects.image_rights``).
"""

import polars as pl

from outputs.exchange import LINKED_ART_CONTEXT, PRESENTATION_CONTEXT, entity_id, known_size, manifest_id
from outputs.json_text import constant, joined_array, json_array, json_object, number, one_item, value


def _language_map(text: pl.Expr) -> pl.Expr:
    return json_object({"en": one_item(value(text))})


def _canvases(images: pl.LazyFrame, base_url: str) -> pl.LazyFrame:
    """Per object_key: ``items``, a Canvas per image of known size, primary first."""
    source = pl.col("object_key").str.extract(r"^([^:]+):", 1)
    source_id = pl.col("object_key").str.extract(r"^[^:]+:(.*)$", 1)
    image_id = pl.col("image_key").str.extract(r"^[^:]+:(.*)$", 1)
    canvas_id = pl.concat_str(entity_id(base_url, "iiif", source, source_id), pl.lit("/canvas/"), image_id)
    service = json_object(
        {"@id": value(pl.col("iiif_service")), "@type": "ImageService2", "profile": "level2"}
    )
    body = json_object(
        {
            "id": value(pl.col("url")),
            "type": "Image",
            "format": pl.when(pl.col("url").str.contains(r"(?i)\.jpe?g$")).then(constant("image/jpeg")),
            "service": one_item(pl.when(pl.col("iiif_service").is_not_null()).then(service)),
        }
    )
    annotation = json_object(
        {
            "id": value(pl.concat_str(canvas_id, pl.lit("/annotation/1"))),
            "type": "Annotation",
            "motivation": "painting",
            "body": body,
            "target": value(canvas_id),
        }
    )
    page = json_object(
        {
            "id": value(pl.concat_str(canvas_id, pl.lit("/page/1"))),
            "type": "AnnotationPage",
            "items": one_item(annotation),
        }
    )
    canvas = json_object(
        {
            "id": value(canvas_id),
            "type": "Canvas",
            "width": number(pl.col("width")),
            "height": number(pl.col("height")),
            "items": one_item(page),
        }
    )
    order = [pl.col("is_primary").not_(), pl.col("rank"), pl.col("image_key")]
    return (
        images.filter(known_size())
        .group_by("object_key")
        .agg(canvases=canvas.sort_by(order))
        .select("object_key", items=joined_array(pl.col("canvases")))
    )


def iiif_manifests(objects: pl.LazyFrame, images: pl.LazyFrame, *, base_url: str) -> pl.LazyFrame:
    """One Manifest per object with an image of known size (columns ``object_key``, ``source``,
    ``document``), in the objects table's order."""
    base = base_url.rstrip("/")
    rows = objects.join(_canvases(images, base), on="object_key", how="inner", maintain_order="left")
    title = pl.col("title")
    document = json_object(
        {
            "@context": PRESENTATION_CONTEXT,
            "id": value(manifest_id(base, pl.col("source"), pl.col("source_id"))),
            "type": "Manifest",
            "label": _language_map(title),
            "metadata": json_array(
                [
                    pl.when(pl.col(column).is_not_null()).then(
                        json_object({"label": {"en": [label]}, "value": _language_map(pl.col(column))})
                    )
                    for column, label in (
                        ("date_text", "Date"),
                        ("object_number", "Accession number"),
                        ("medium", "Medium"),
                    )
                ]
            ),
            "requiredStatement": pl.when(pl.col("credit_line").is_not_null()).then(
                json_object({"label": {"en": ["Credit line"]}, "value": _language_map(pl.col("credit_line"))})
            ),
            "rights": value(pl.col("image_rights")),
            "homepage": one_item(
                pl.when(pl.col("url").is_not_null()).then(
                    json_object(
                        {
                            "id": value(pl.col("url")),
                            "type": "Text",
                            "label": _language_map(title),
                            "format": "text/html",
                        }
                    )
                )
            ),
            "seeAlso": one_item(
                json_object(
                    {
                        "id": value(entity_id(base, "object", pl.col("source"), pl.col("source_id"))),
                        "type": "Dataset",
                        "format": "application/ld+json",
                        "profile": LINKED_ART_CONTEXT,
                    }
                )
            ),
            "items": pl.col("items"),
        }
    )
    return rows.select("object_key", "source", document=document)
