"""Text cleaning expressions shared by every source.

Rules, in the order they are applied by :func:`clean_text`:

1. HTML tags are removed. Block-level tags (``<br>``, ``<p>``, ``</p>``, ``<div>``, ``<li>``, headings,
   table cells ...) become a space so that words on either side do not run together; inline tags
   (``<i>``, ``<b>``, ``<span>``, ``<a href=...>`` ...) vanish without a trace. Only real HTML tag
   names are recognised, and an *opening* ``<a`` must carry attributes: Walters transliterations
   write long vowels as ``<a>`` and hamza as ``<'>`` ("h<a>dh<a> al-kitab"), which must survive.
2. HTML character references are decoded in one pass (so ``&amp;lt;`` becomes the text ``&lt;``,
   not ``<``): every HTML 4 named entity (``&amp;`` ``&lt;`` ``&gt;`` ``&quot;`` ``&nbsp;`` ``&eacute;``
   ``&mdash;`` ...) plus ``&apos;``, and the numeric forms ``&#NNN;`` / ``&#xHH;`` (leading zeros
   allowed, ``x`` and hex digits in either case) of printable ASCII and of every character that
   has an HTML 4 name (Latin-1, Greek, general punctuation, arrows, maths). Polars has no
   vectorised "code point to character", so any other numeric reference (``&#12354;``) and any
   HTML5-only name (``&check;``) is left as it is.
3. Soft hyphens, zero-width spaces and byte-order marks are dropped, written or as references
   (removed in the same pass as the inline tags).
4. All whitespace (``\\r\\n``, tabs, non-breaking and other Unicode spaces) and any other control
   character collapses to one space; the result is trimmed and an empty string becomes null.

:func:`clean_label` adds case-folding for controlled vocabularies; :func:`split_list` turns a
delimited string into a list of cleaned, distinct entries; :func:`clean_fields` applies
:func:`clean_text` and :func:`clean_label` to the fields of a list of structs.
"""

from collections.abc import Sequence
from html.entities import codepoint2name

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
# Removed in one pass with the inline tags; their character references decode to nothing.
_REMOVED_RE = f"{_INLINE_TAG_RE}|[{_INVISIBLE}]"


def _decoded(code_point: int) -> str:
    """What a reference to ``code_point`` decodes to: the character, or nothing if invisible."""
    char = chr(code_point)
    return "" if char in _INVISIBLE else char


# Tabs and line breaks written as references become whitespace, folded later.
_WHITESPACE_CODE_POINTS = {9, 10, 13}
# Code points whose numeric references are decoded: printable ASCII and every HTML 4 name's, plus
# the whitespace ones.
_CODE_POINTS = sorted(set(range(0x20, 0x7F)) | set(codepoint2name) | _WHITESPACE_CODE_POINTS)


def _entity_table() -> tuple[list[str], list[str]]:
    """Patterns and replacements for the references decoded without a UDF: every HTML 4 name,
    ``&apos;`` and the decimal references of ``_CODE_POINTS``.

    Built once at import from the standard library's HTML 4 table: a constant, not row-wise work.
    ``html.unescape`` per value (every HTML5 name, any code point) was tried: through a Python
    function, even a batch at a time on the values with an "&", the clean stage at 1M objects
    peaked at 2.0 GB against 0.6 GB with this table (docs/performance.md).
    """
    patterns = [f"&{name};" for name in codepoint2name.values()] + ["&apos;"]
    replacements = [_decoded(cp) for cp in codepoint2name] + ["'"]
    for cp in _CODE_POINTS:
        patterns.append(f"&#{cp};")
        replacements.append(" " if cp in _WHITESPACE_CODE_POINTS else _decoded(cp))
    return patterns, replacements


_ENTITY_PATTERNS, _ENTITY_REPLACEMENTS = _entity_table()
# Hexadecimal references rewritten as decimal ones, matched without regard to case ("&#xE9;",
# "&#Xe9;"...): a rewrite, not a decoding, so the one decoding pass after it stays the only one.
_HEX_PATTERNS = [f"&#x{cp:x};" for cp in _CODE_POINTS]
_HEX_AS_DECIMAL = [f"&#{cp};" for cp in _CODE_POINTS]


def _strip_tags(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_all(_BLOCK_TAG_RE, " ").str.replace_all(_REMOVED_RE, "")


def _decode_entities(expr: pl.Expr) -> pl.Expr:
    # Leading zeros ("&#039;", "&#x00E9;") are normalised away first so the fixed tables match.
    # One regex for both forms: the group of the form that did not match is empty.
    no_zeros = expr.str.replace_all(r"&#(?:0+(\d+)|([xX])0+([0-9a-fA-F]+));", "&#${2}${3}${1};")
    # Two Aho-Corasick tables instead of one with every case of every hexadecimal form: Polars
    # builds the automaton for each batch of each column, and that build was a tenth of the clean
    # stage's work.
    decimal = no_zeros.str.replace_many(_HEX_PATTERNS, _HEX_AS_DECIMAL, ascii_case_insensitive=True)
    # One decoding pass: a decoded "&" can never start a second decoding.
    return decimal.str.replace_many(_ENTITY_PATTERNS, _ENTITY_REPLACEMENTS)


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
    # Tags and references go before splitting: "&amp;" must not be cut at its ";".
    decoded = _decode_entities(_strip_tags(expr.cast(pl.String)))
    text = decoded.str.replace_all(r"\r\n|\r|\n", sep.replace("$", "$$"))
    entries = (
        text.str.split(sep)
        # Two passes, so the folding runs once per entry (see clean_fields).
        .list.eval(_fold_whitespace(pl.element()))
        .list.eval(_empty_to_null(pl.element()))
        .list.drop_nulls()
        .list.unique(maintain_order=True)
    )
    return pl.when(entries.list.len() > 0).then(entries)
