"""Dimensions text parsed to centimetres.

The sources write one or more *measurement sets*, separated by ";" or line breaks:

* Walters, inches first: ``13 7/8 x 9 9/16 in. (35.24 x 24.29 cm)``, optionally labelled on the
  inch side (``Folio H: 10 5/8 x W: 6 1/2 in. (27 x 16.5 cm)``, ``Diam: 7 7/8 in. (20 cm)``) or
  followed by a qualifier naming the axes (``... (2.8 x 5 cm) (h. x d.)``, ``(l.)``, ``(diam.)``);
* AIC and others, metric first: ``70.2 \u00d7 53.4 cm (27 5/8 \u00d7 21 in.)`` (with U+00D7, the
  multiplication sign), ``H: 10.5 x W: 8.3 cm (...)``, ``Diam: 7.9 cm``, also in ``mm`` and ``m``.

Rules:

1. Only the first measurement set is read: the first ";"/line-separated segment holding a digit
   ("object: ...; frame: ..." gives the object). Labels before the numbers ("Folio", "Image:",
   "Painted surface") are ignored except for the axis letter they contain.
2. The metric numbers are preferred: the first run of numbers joined by "x" or U+00D7 that ends in mm, cm
   or m. Inches (whole and/or fraction, "13 7/8", "7/8") are converted only when the segment has no
   metric run, e.g. ``3 7/16 x 9 5/8 in. (8.8 x 24.5)`` where the unit is missing.
3. The axis of each number comes, in this order, from: a label on the metric number itself
   ("H: 10.5"); the label on the matching inch number ("H: 13 7/8 ... in. (35.3 ...)"); the trailing
   qualifier ("(h. x diam.)", matched from the right when it names fewer axes than there are
   numbers, so "(18 x 8.6 cm) (diam.)" makes 8.6 the diameter); and otherwise the position,
   height x width x depth. A lone unlabelled number is therefore a height.
4. Axis words: H/height, W/width, D/depth, Diam/diameter, L/length. **Length goes to its own
   column, ``length_cm``**: "L" is the long side of a lying object (blade, necklace, textile) and
   is neither reliably a height nor a depth, so it is not guessed into one.
5. When an axis occurs twice in a set, the first value wins. Zero sizes are treated as missing.
6. A size beyond ``shared.issues.MAX_DIMENSION_CM`` (100 m) is nonsense, not an object: it is
   nulled and the record gets an ``implausible_dimension`` issue naming the text's field.

Not handled: written-out numbers, feet ("3 ft."), comma decimals ("35,3 cm"), a metric run split by
words ("H: 12 cm x W: 8 cm"), and sets whose metric and inch runs have a different number of
values (values are then matched to labels by position).
"""

import polars as pl

from shared.issues import IMPLAUSIBLE_DIMENSION, MAX_DIMENSION_CM, NULLED, issue, with_issues
from shared.lookup import lookup
from transforms.text import clean_text

OUTPUT_COLUMNS = ("height_cm", "width_cm", "depth_cm", "diameter_cm", "length_cm")

# Axis key per output column.
_AXES = {"height_cm": "h", "width_cm": "w", "depth_cm": "d", "diameter_cm": "diam", "length_cm": "l"}
_POSITIONAL_AXES = ("h", "w", "d")
# More numbers than this in one set never occur in the sources (the most seen is 4).
_MAX_VALUES = 6

_METRIC_NUMBER = r"\d+(?:\.\d+)?"
# 13 7/8 | 7/8 | 13 | 10.5  (alternation order matters: the mixed number must be tried first).
_INCH_NUMBER = r"\d+\s+\d+/\d+|\d+/\d+|\d+(?:\.\d+)?"
# A label before a number: words ending in a colon, no digits or brackets ("painted surface h:").
_LABEL = r"(?:[a-z][^\d:;()]*:\s*)?"
_METRIC_RUN = rf"{_LABEL}{_METRIC_NUMBER}(?:\s*x\s*{_LABEL}{_METRIC_NUMBER})*"
_INCH_RUN = rf"{_LABEL}(?:{_INCH_NUMBER})(?:\s*x\s*{_LABEL}(?:{_INCH_NUMBER}))*"
_INCH_UNIT = r"(?:in\b\.?|inches\b|\")"

_AXIS_WORDS = r"diam(?:eter)?|height|width|depth|length|h|w|d|l"  # "diam" before the single letters
_AXIS_WORD = rf"\b({_AXIS_WORDS})\b"
_AXIS_KEY = {"diameter": "diam", "height": "h", "width": "w", "depth": "d", "length": "l"}
_CM_PER_UNIT = {"mm": 0.1, "cm": 1.0, "m": 100.0}


def _first_set(text: pl.Expr) -> pl.Expr:
    """Lower-cased first segment that contains a digit, with the multiplication sign written as "x"."""
    normal = (
        clean_text(text.str.replace_all(r"[;\r\n]+", ";")).str.to_lowercase().str.replace_all("\u00d7", "x")
    )
    # The leftmost match is a whole segment: it cannot start inside one that has no digit.
    return normal.str.extract(r"[^;]*\d[^;]*", 0)


def _axes(items: pl.Expr) -> pl.Expr:
    """Per item of a list of items, the axis key ("h", "w", "d", "diam", "l") named in the text before
    its number, or null: the first axis word of that text, as a whole word."""
    # One regex per item: the word must lie before the first digit, and a word that ends where
    # that text ends ("h12") is whole too, hence the digit beside the word boundary.
    words = items.list.eval(pl.element().str.extract(rf"^[^\d]*?\b({_AXIS_WORDS})(?:\b|\d)", 1))
    return words.list.eval(_axis_key(pl.element()))


def _axis_key(word: pl.Expr) -> pl.Expr:
    """An axis word ("height", "h", "diameter") as its key ("h", "diam")."""
    return lookup(word, _AXIS_KEY, default=word)


def _inches(items: pl.Expr) -> pl.Expr:
    """Per item of a list such as ["h: 13 7/8", " x 7/8"], the inches as a float."""
    # The number at the item's end (whole and fraction, fraction, or decimal) in one regex.
    number = items.list.eval(
        pl.element().str.extract_groups(r"(?:(\d+)\s+(\d+)/(\d+)|(\d+)/(\d+)|(\d+(?:\.\d+)?))\s*$")
    )
    part = pl.element().struct.field
    whole = pl.coalesce(part("1"), part("6")).cast(pl.Float64)
    numerator = pl.coalesce(part("2"), part("4")).cast(pl.Float64)
    denominator = pl.coalesce(part("3"), part("5")).cast(pl.Float64)
    fraction = pl.when(denominator > 0).then(numerator / denominator)
    matched = whole.is_not_null() | numerator.is_not_null()
    return number.list.eval(pl.when(matched).then(whole.fill_null(0.0) + fraction.fill_null(0.0)))


def _items(run: pl.Expr, number: str) -> pl.Expr:
    """A run split into items, each its label text plus one number: ["h: 13 7/8", " x w: 9"]."""
    return run.str.extract_all(rf"[^\d]*?(?:{number})")


def _tmp(name: str) -> str:
    """The temporary column of an intermediate result (``parse_dimensions`` drops them all)."""
    return f"__dimensions_{name}"


def _runs() -> dict[str, pl.Expr]:
    """From the metric run's parts: whether there is one, its unit's factor to cm, and the items of
    the runs that may hold the numbers and labels, with the qualifier's axis words."""
    segment, metric = pl.col(_tmp("segment")), pl.col(_tmp("metric"))
    # Fallback when no metric run exists: the first inch run with a unit (not searched for otherwise).
    inch_only = (
        pl.when(metric.struct.field("run").is_null())
        .then(segment)
        .str.extract(rf"({_INCH_RUN})\s*{_INCH_UNIT}", 1)
    )
    # Inch run just before the "(" that opens the metric run: the labels of "H: 13 7/8 in. (35.3 cm)".
    inch_before = metric.struct.field("before").str.extract(rf"({_INCH_RUN})\s*{_INCH_UNIT}?\s*\(\s*$", 1)
    # "(...cm) (h. x max. diam.)": the axis words of the qualifier in order.
    qualifier = metric.struct.field("after").str.extract(r"^\s*\)\s*\(([a-z. x]+)\)", 1)
    return {
        "has_metric": metric.struct.field("run").is_not_null(),
        "factor": lookup(metric.struct.field("unit"), _CM_PER_UNIT, dtype=pl.Float64),
        "metric_items": _items(metric.struct.field("run"), _METRIC_NUMBER),
        "inch_before_items": _items(inch_before, _INCH_NUMBER),
        "inch_only_items": _items(inch_only, _INCH_NUMBER),
        "qualifier_axes": qualifier.str.extract_all(_AXIS_WORD),
    }


def _per_item() -> dict[str, pl.Expr]:
    """Every item's number and axis, each list in one vectorised pass over all items (inside
    list.eval), rather than per position: per position, each regex would run once for every row at
    every position, mostly on nulls."""
    return {
        "metric_values": pl.col(_tmp("metric_items")).list.eval(
            pl.element().str.extract(rf"({_METRIC_NUMBER})\s*$", 1).cast(pl.Float64)
        ),
        "metric_axes": _axes(pl.col(_tmp("metric_items"))),
        "inch_before_axes": _axes(pl.col(_tmp("inch_before_items"))),
        "inch_only_values": _inches(pl.col(_tmp("inch_only_items"))),
        "inch_only_axes": _axes(pl.col(_tmp("inch_only_items"))),
        "qualifier_keys": pl.col(_tmp("qualifier_axes")).list.eval(_axis_key(pl.element())),
    }


def _per_position() -> dict[str, pl.Expr]:
    """``value_i`` (cm, null when not above zero) and ``axis_i`` of each position in the set, the
    axis by rule 3 of the module docstring."""
    has_metric, factor = pl.col(_tmp("has_metric")), pl.col(_tmp("factor"))
    metric_items, qualifier_axes = pl.col(_tmp("metric_items")), pl.col(_tmp("qualifier_axes"))
    # A qualifier shorter than the run names its last values: "7 1/16 x 3 3/8 in. (18 x 8.6 cm) (diam.)".
    qualifier_shift = (metric_items.list.len() - qualifier_axes.list.len()).clip(lower_bound=0)

    def at(name: str, i: int | pl.Expr) -> pl.Expr:
        return pl.col(_tmp(name)).list.get(i, null_on_oob=True)

    per_position: dict[str, pl.Expr] = {}
    for i in range(_MAX_VALUES):  # unrolled over positions in a set, not over rows
        value = (
            pl.when(has_metric)
            .then(at("metric_values", i) * factor)
            .otherwise(at("inch_only_values", i) * 2.54)
        )
        default = pl.lit(_POSITIONAL_AXES[i] if i < len(_POSITIONAL_AXES) else None, pl.String)
        per_position[f"value_{i}"] = pl.when(value > 0).then(value)
        per_position[f"axis_{i}"] = pl.coalesce(
            pl.when(has_metric).then(at("metric_axes", i)).otherwise(at("inch_only_axes", i)),
            pl.when(has_metric).then(at("inch_before_axes", i)),
            pl.when(has_metric & (qualifier_shift <= i)).then(at("qualifier_keys", i - qualifier_shift)),
            default,
        )
    return per_position


def parse_dimensions(lf: pl.LazyFrame, *, text: str) -> pl.LazyFrame:
    """Add height_cm, width_cm, depth_cm, diameter_cm and length_cm, and a pending
    ``implausible_dimension`` issue (``shared.issues``) where a size is nonsense (it is nulled).

    All Float64 centimetres, null where the text gives none; the text column is kept. ``text`` is
    the source's field name, as the issue names it.
    """
    # Intermediate results are materialised as temporary columns, phase by phase: written as one
    # nested expression, every output would re-run every regex (hundreds of times per row).
    segment = _first_set(pl.col(text).cast(pl.String))
    metric = pl.col(_tmp("segment")).str.extract_groups(
        rf"^(?P<before>.*?)(?P<run>{_METRIC_RUN})\s*(?P<unit>mm|cm|m)\b(?P<after>.*)$"
    )
    temporary: list[str] = []
    for phase in ({"segment": segment}, {"metric": metric}, _runs(), _per_item(), _per_position()):
        lf = lf.with_columns(expr.alias(_tmp(name)) for name, expr in phase.items())
        temporary.extend(map(_tmp, phase))

    values = [pl.col(_tmp(f"value_{i}")) for i in range(_MAX_VALUES)]
    implausible = pl.any_horizontal(value > MAX_DIMENSION_CM for value in values).fill_null(False)
    lf = lf.with_columns(
        pl.coalesce(
            pl.when((pl.col(_tmp(f"axis_{i}")) == key) & (value <= MAX_DIMENSION_CM)).then(value)
            for i, value in enumerate(values)
        )
        .cast(pl.Float64)
        .alias(column)
        for column, key in _AXES.items()
    )
    return with_issues(
        lf, issue(IMPLAUSIBLE_DIMENSION, text, when=implausible, raw_value=pl.col(text), action=NULLED)
    ).drop(temporary)
