"""transforms.text: HTML, character references, whitespace, labels and delimited lists."""

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvest.walters.schemas import WALTERS_OBJECT_SCHEMA
from transforms.text import (
    _decode_entities,
    _empty_to_null,
    _fold_whitespace,
    _strip_tags,
    clean_label,
    clean_text,
    split_list,
)

WALTERS_SAMPLE = Path("harvest/walters/data/objects-sample.jsonl.gz")


def _apply(expr_fn: Callable[[pl.Expr], pl.Expr], values: Sequence[str | None]) -> list:
    lf = pl.LazyFrame({"x": values}, schema={"x": pl.String})
    return lf.select(expr_fn(pl.col("x")).alias("y")).collect(engine="streaming")["y"].to_list()


@pytest.fixture(scope="module")
def walters() -> pl.DataFrame:
    return pl.read_ndjson(WALTERS_SAMPLE, schema=WALTERS_OBJECT_SCHEMA)


def test_clean_text_strips_links_and_line_breaks_from_a_real_description() -> None:
    # Walters Description (ObjectID with the Tate link), abridged but byte-for-byte from the sample.
    raw = (
        "There are some similarities between "
        '<a href="http://www.tate.org.uk/art/artworks/simpson-head-of-a-negro-n00382/" target="_blank">'
        "this study</a> and the Walters' painting.\r\n\r\n"
    )
    assert _apply(clean_text, [raw]) == [
        "There are some similarities between this study and the Walters' painting."
    ]


def test_clean_text_keeps_walters_transliteration_markup() -> None:
    # Bare <a> and <'> mark long vowels and hamza in Walters transliterations: not HTML.
    raw = "qad faragha min taswid h<a>dh<a> al-kitab; wa-tas'imi<'>ah"
    assert _apply(clean_text, [raw]) == [raw]


def test_clean_text_block_tags_become_spaces_inline_tags_vanish() -> None:
    assert _apply(clean_text, ["<p>First line<br/>second</p><p><i>Rome</i>'s <b>virtue</b></p>"]) == [
        "First line second Rome's virtue"
    ]


def test_clean_text_decodes_character_references_once() -> None:
    raw = (
        "Arms &amp; Armor&nbsp;&#8212; &quot;Saint&quot; &#39;s &#039; "
        "&eacute;&#xE9;&#Xeb;&#x0eB; &amp;lt; &#12354;"
    )
    # &amp;lt; decodes to the text "&lt;" (one pass); &#12354; is outside the decoded table.
    assert _apply(clean_text, [raw]) == ["Arms & Armor — \"Saint\" 's ' ééëë &lt; &#12354;"]
    # A hexadecimal reference is rewritten as a decimal one before decoding: still decoded once.
    assert _apply(clean_text, ["&#x26;#233; &#X26;amp;"]) == ["&#233; &amp;"]


def test_clean_text_whitespace_and_empty() -> None:
    # CreditLine-style \r\n, a tab, a non-breaking space and a soft hyphen.
    values = ["Acquired by Henry Walters,\r\n1917\t ", "\u00a0 \r\n", "", None, "Mar\u00adble"]
    assert _apply(clean_text, values) == ["Acquired by Henry Walters, 1917", None, None, None, "Marble"]


def test_clean_text_drops_invisible_characters_written_or_as_references() -> None:
    values = ["co&shy;operate", "co&#173;operate", "zero\u200bwidth\ufeff", "&zwj;", "a &shy; b"]
    assert _apply(clean_text, values) == ["cooperate", "cooperate", "zerowidth", None, "a b"]


def test_clean_label_folds_case_of_real_location_variants() -> None:
    assert _apply(clean_label, ["Not On View", "Not on View", " not on view ", None]) == [
        "Not on view",
        "Not on view",
        "Not on view",
        None,
    ]


def test_split_list_real_keywords() -> None:
    values = [
        "Rome; Greek; virtue",
        # Two keyword lists on two lines, with repeats (Walters Keywords).
        "mon; plant; flower; chrysanthemum; cherry blossom; wisteria\r\nplant; flower; cherry blossom",
        "Life Story of the Buddha\r\nPhra Malai and the Culamani Stupa",
        " ; ;",
        None,
    ]
    assert _apply(split_list, values) == [
        ["Rome", "Greek", "virtue"],
        ["mon", "plant", "flower", "chrysanthemum", "cherry blossom", "wisteria"],
        ["Life Story of the Buddha", "Phra Malai and the Culamani Stupa"],
        None,
        None,
    ]


def test_split_list_does_not_cut_entities_and_honours_sep() -> None:
    assert _apply(lambda e: split_list(e, sep="|"), ["Arms &amp; Armor| Ivory &amp; Bone |"]) == [
        ["Arms & Armor", "Ivory & Bone"]
    ]
    assert _apply(split_list, ["Arms &amp; Armor; Ivory"]) == [["Arms & Armor", "Ivory"]]


def test_all_null_and_empty_frames() -> None:
    for frame in (pl.LazyFrame({"x": [None, None]}), pl.LazyFrame({"x": []}, schema={"x": pl.String})):
        out = frame.select(
            a=clean_text(pl.col("x")), b=clean_label(pl.col("x")), c=split_list(pl.col("x"))
        ).collect(engine="streaming")
        assert out.schema == pl.Schema({"a": pl.String, "b": pl.String, "c": pl.List(pl.String)})
        assert out.null_count().row(0) == (out.height,) * 3


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8")) | st.none(), max_size=8))
def test_clean_text_output_is_trimmed_single_spaced_and_never_empty(values: list[str | None]) -> None:
    for out in _apply(clean_text, values):
        if out is not None:
            assert out == out.strip()
            assert out != ""
            assert "  " not in out
            assert "\n" not in out
            assert "\r" not in out
            assert "\t" not in out


# Text that is clean but for at most one defect, anywhere (also first or last): the values the
# shortcut for already-clean text must tell apart.
DEFECTS = ["", " ", "  ", "\t", "\r\n", "\u00a0", "\u00ad", "\u200b", "\x1f", "<", "&", "<br>", "<i>",
           "&amp;", "&#039;", "&#X27;", "<a>"]  # fmt: skip
NEARLY_CLEAN = st.builds(
    lambda text, defect, at: text[: at % (len(text) + 1)] + defect + text[at % (len(text) + 1) :],
    st.lists(st.sampled_from(["a", "Zeus", "é", "1", ";", "#", ">", "x"]), max_size=4).map(" ".join),
    st.sampled_from(DEFECTS),
    st.integers(0, 40),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(NEARLY_CLEAN | st.text(alphabet=st.characters(codec="utf-8")), max_size=8))
def test_clean_text_skips_only_values_the_full_chain_leaves_unchanged(values: list[str]) -> None:
    # clean_text runs its chain only on values that need work; on any value it must agree with
    # running the whole chain on every value.
    def full_chain(expr: pl.Expr) -> pl.Expr:
        return _empty_to_null(_fold_whitespace(_decode_entities(_strip_tags(expr))))

    assert _apply(clean_text, values) == _apply(full_chain, values)


def _split_keywords(raw: str | None) -> list[str] | None:
    """split_list's rule for text without tags or references, written out in plain Python."""
    entries: list[str] = []
    for entry in re.split(r";|\r\n|\r|\n", raw or ""):
        entry = " ".join(entry.split())
        if entry and entry not in entries:
            entries.append(entry)
    return entries or None


def _sentence_case(raw: str | None) -> str | None:
    folded = " ".join((raw or "").split())
    return folded[:1].upper() + folded[1:].lower() or None


def test_whole_walters_sample(walters: pl.DataFrame) -> None:
    """Each rule over the whole sample, against the same rule computed here independently."""
    location = pl.col("MuseumLocation").struct.field("DisplayCurrentLocation")
    out = (
        walters.lazy()
        .select(
            description=clean_text(pl.col("Description")),
            description_raw=pl.col("Description"),
            keywords=split_list(pl.col("Keywords")),
            keywords_raw=pl.col("Keywords"),
            location=clean_label(location),
            location_raw=location,
        )
        .collect(engine="streaming")
    )
    # A Description is null only when it was blank; no link, line break or double space survives,
    # and the transliteration markup does.
    blank = out["description_raw"].str.strip_chars().fill_null("") == ""
    assert out["description"].is_null().equals(blank, check_names=False)
    description = out["description"].drop_nulls()
    assert not description.str.contains(r"<a\s|</a>|[\r\n\t]|  ").any()
    assert description.str.contains("<a>").sum() == out["description_raw"].str.contains("<a>").sum()
    # Keywords and locations without markup: the same entries and labels as the rule written out.
    plain = out.filter(
        ~pl.col("keywords_raw").str.contains("[&<]").fill_null(False),
        ~pl.col("location_raw").str.contains("[&<]").fill_null(False),
    )
    assert plain.height > 0
    assert plain["keywords"].to_list() == [_split_keywords(raw) for raw in plain["keywords_raw"]]
    assert plain["location"].to_list() == [_sentence_case(raw) for raw in plain["location_raw"]]
    assert not out["keywords"].explode(empty_as_null=True).drop_nulls().str.contains(r"^\s|\s$|;").any()


@settings(max_examples=80, deadline=None)
@given(st.lists(st.none() | st.text(alphabet="aZé1 ;-,\t\r\n", max_size=30), max_size=8))
def test_split_list_and_clean_label_follow_their_rule_on_text_without_markup(
    values: list[str | None],
) -> None:
    assert _apply(split_list, values) == [_split_keywords(value) for value in values]
    assert _apply(clean_label, values) == [_sentence_case(value) for value in values]
