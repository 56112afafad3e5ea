"""Text cleaning expressions shared by every source.

Rules, in the order they are applied by :func:`clean_text`:

1. HTML tags are removed. Block-level tags (``<br>``, ``<p>``, ``</p>``, ``<div>``, ``<li>``, headings,
   table cells ...) become a space so that words on either side do not run together; inline tags
   (``<i>``, ``<b>``, ``<span>``, ``<a href=...>`` ...) vanish without a trace. Only real HTML tag
   names are recognised, and an *opening* ``<a`` must carry attributes: Walters transliterations
   write long vowels as ``<a>`` and hamza as ``<'>`` ("h<a>dh<a> al-kitab"), which must survive.
2. HTML character references are decoded in one pass (so ``&amp;lt;`` becomes the text ``&lt;``,
   not ``<``) by the standard library's ``html.unescape``, as a browser reads them: every HTML5 name
   (``&amp;`` ``&nbsp;`` ``&eacute;`` ``&check;`` ...; the few legacy ones also without their
   ``;``, ``&copy 2020``), and decimal or hexadecimal references to any character (``&#8212;``
   ``&#x00E9;`` ``&#12354;``). Python's ``html.unescape`` returns a value without an ``&`` at once;
   such values are the few in every source (132 of the 98,706 distinct texts of the sample).
3. Soft hyphens, zero-width spaces and byte-order marks are dropped, written or as references
   (after decoding).
4. All whitespace (``\\r\\n``, tabs, non-breaking and other Unicode spaces) and any other control
   character collapses to one space; the result is trimmed and an empty string becomes null.

:func:`clean_label` adds case-folding for controlled vocabularies; :func:`split_list` turns a
delimited string into a list of cleaned, distinct entries; :func:`clean_fields` applies
:func:`clean_text` and :func:`clean_label` to the fields of a list of structs.
"""

import html
from collections.abc import Sequence

import polars as pl

# Tags that end a line or a block: replaced by a space so "one<br>two" reads "one two".
_BLOCK_TAGS = (
    "address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|h[1-6]|header|hr|li|"
    "ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul"
)
# Inline tags: removed outright so "<i>Rome</i>'s" stays "Rome's".
_INLINE_TAGS = (
    "abbr|b|big|cite|code|em|font|i|img|ins|del|kbd|mark|q|s|small|span|strike|strong|sub|sup|tt|u|wbr"
)

_BLOCK_TAG_RE = rf"(?i)</?(?:{_BLOCK_TAGS})\b[^<>]*>"
# `<a href=...>` and `</a>` are links; a bare `<a>` is Walters transliteration, not HTML.
_INLINE_TAG_RE = rf"(?i)</?(?:{_INLINE_TAGS})\b[^<>]*>|<a\s[^<>]*>|</a\s*>|<!--.*?-->"

# Invisible characters that are not whitespace to the regex engine but break equality and search.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"


def _strip_tags(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_all(_BLOCK_TAG_RE, " ").str.replace_all(_INLINE_TAG_RE, "")


def _decode_entities(expr: pl.Expr) -> pl.Expr:
    # One pass: a decoded "&" never starts a second decoding. html.unescape returns a value without
    # an "&" as it is, at once; the column is read once (a condition on it and a branch made the
    # chain before it run three times, as Polars does not share it with a Python function).
    decoded = expr.map_elements(html.unescape, return_dtype=pl.String, skip_nulls=True)
    return decoded.str.replace_all(f"[{_INVISIBLE}]", "")


def _fold_whitespace(expr: pl.Expr) -> pl.Expr:
    # The regex `\s` is Unicode-aware: it covers \r \n \t, U+00A0 (from &nbsp;) and U+2000-U+200A.
    # Any other control character (e.g. a stray \x1f) is a separator at best: a space too.
    # Only runs that change are matched (two or more, or one that is not a plain space): matching
    # every single space between words made this the slowest step of the clean stage.
    return expr.str.replace_all(r"[\s\p{Cc}]{2,}|[\s\p{Cc}--\x20]", " ").str.strip_chars()


def _empty_to_null(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.str.len_bytes() > 0).then(expr)


# A value holding none of these is clean already: rules 1-4 would return it unchanged (no tag or
# reference without "<" or "&", nothing invisible, no whitespace but single spaces between words).
_NEEDS_WORK = rf"[<&{_INVISIBLE}]|[\s\p{{Cc}}--\x20]|\x20\x20"
# The whole value where it needs work, else no match (null); a match spans the whole value, so it
# is found without capture groups, at the regex engine's fastest.
_WHOLE_IF_NEEDS_WORK = rf"(?s)^(?:\x20.*|.*(?:{_NEEDS_WORK}).*|.*\x20)$"


def _normalise(expr: pl.Expr) -> pl.Expr:
    """Rules 1-4 but the last: tags, references, whitespace, trim (an empty result stays "").

    Most values need none of it: the chain runs only on those that do (the others are null while it
    runs) and the others pass through as they are (measured: a quarter less work on Walters text).
    """
    text = expr.cast(pl.String)
    needs_work = text.str.extract(_WHOLE_IF_NEEDS_WORK, 0)
    return pl.coalesce(_fold_whitespace(_decode_entities(_strip_tags(needs_work))), text)


def _sentence_case(text: pl.Expr) -> pl.Expr:
    return text.str.slice(0, 1).str.to_uppercase() + text.str.slice(1).str.to_lowercase()


def clean_text(expr: pl.Expr) -> pl.Expr:
    """Strip HTML tags, decode character references, fold whitespace, trim; empty becomes null."""
    return _empty_to_null(_normalise(expr))


def clean_label(expr: pl.Expr) -> pl.Expr:
    """Clean a controlled-vocabulary value and put it in sentence case.

    "Not On View", "not on view" and "NOT ON VIEW" all become "Not on view": the first character is
    upper-cased, the rest lower-cased. Sentence case (rather than a lower-case key) keeps the value
    presentable in charts; the price is that proper nouns inside a label lose their capitals
    ("Asian Art" becomes "Asian art"), which is acceptable for grouping keys.
    """
    return _sentence_case(clean_text(expr))


def clean_fields(lists: pl.Expr, *, text: Sequence[str] = (), labels: Sequence[str] = ()) -> pl.Expr:
    """``lists`` (a List of Structs) with its ``text`` fields cleaned as :func:`clean_text` does and its
    ``labels`` as :func:`clean_label` does; the other fields and the lists' shapes are kept.

    Written inside ``list.eval``, ``clean_text`` would run its whole chain twice per value (once to
    test for the empty string, once for the value) and ``clean_label`` four times: Polars does not
    eliminate repeated sub-expressions there as it does in a select (measured: twice the time on
    the Walters creators). So the chain runs once per value, in a first pass, and the cheap rest
    reads the result in a second.
    """
    normalised = lists.list.eval(
        pl.element().struct.with_fields(_normalise(pl.field(name)) for name in (*text, *labels))
    )
    return normalised.list.eval(
        pl.element().struct.with_fields(
            *(_empty_to_null(pl.field(name)) for name in text),
            *(_sentence_case(_empty_to_null(pl.field(name))) for name in labels),
        )
    )


def split_list(expr: pl.Expr, sep: str = ";") -> pl.Expr:
    """Split a delimited string into a List[String] of cleaned, non-empty, distinct entries.

    Line breaks also separate entries: Walters `Keywords` sometimes holds several "; " lists one per
    line ("animal; bird\\r\\nplant; fern"). Entries are cleaned with :func:`clean_text`, empty ones
    dropped, duplicates removed keeping first-seen order (exact match after cleaning). A null or
    entry-less string gives null.
    """
    # Line breaks as written separate entries, a reference to one ("&#10;") does not; tags and
    # references go before splitting: "&amp;" must not be cut at its ";".
    lines = _strip_tags(expr.cast(pl.String)).str.replace_all(r"\r\n|\r|\n", sep.replace("$", "$$"))
    text = _decode_entities(lines)
    entries = (
        text.str.split(sep)
        # Two passes, so the folding runs once per entry (see clean_fields).
        .list.eval(_fold_whitespace(pl.element()))
        .list.eval(_empty_to_null(pl.element()))
        .list.drop_nulls()
        .list.unique(maintain_order=True)
    )
    return pl.when(entries.list.len() > 0).then(entries)
