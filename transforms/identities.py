"""One identity per maker across museums: agents matched by name and years, explainably.

Three steps, each a pure function of LazyFrames:

1. ``name_variants``: one row per (agent, name as written), normalised the way the sources differ:
   "Surname, Forenames" turned round (the sort names), diacritics and punctuation dropped, honours
   and titles dropped ("Sir", "Dame", "R.A.", "PRA", "OM", "CH", "CBE", "Bt"...), a trailing
   ", ..." dropped ("Henry Moore OM, CH", "Quodvultdeus, Bishop of Carthage"), a bracket read as a
   name of its own ("Canaletto (Giovanni Antonio Canal)", "Erté (Romain de Tirtoff)") for persons,
   a generation marker set apart ("the Elder", "Sr.", "I" are ``1``; "the Younger", "Jr.", "II" are
   ``2``), spelling loosened (doubled letters, "ph"/"f", "y"/"i", "ck"/"k") and a hyphenated
   given name written last kept one word ("Ch'in Te-ying": ``_last_word_whole``).
2. ``match_agents`` (the table ``agent_matches``): candidate pairs are any two agents, of the same
   museum or of two, sharing a blocking key (surname and first initial; or all the name's words, in any
   order), never all pairs; a block of more than ``MAX_BLOCK`` agents is too common a name to
   decide on and yields no candidates. Each candidate pair is decided by the first rule that
   applies (``reason`` says which, in words):

   * different types, or an anonymous placeholder: ``kept_apart``; cultures, groups and
     placeholders never merge with persons;
   * names that do not agree: ``kept_apart``. Names agree when, after normalisation, they are the
     same, the same words in another order, the same with middle names on one side only (the first
     forename and surname agree), or the same initials where one side gives only initials
     ("J.M.W. Turner"; "J. Gérôme" for "Jean-Léon Gérôme": the initials given start the other's).
     Words after a patronymic ("ibn", "bin", "ben", "son of") name the father, so they are never
     taken for middle names. Groups and cultures agree only on the same name;
   * generation markers that differ (the Elder and the Younger: father and son), or a marker on one
     side only without life years on both sides to confirm it: ``kept_apart``;
   * life years that differ: birth or death more than ``YEAR_TOLERANCE`` years apart where both
     sides give it, or active periods that do not overlap within ``ACTIVE_TOLERANCE``: ``kept_apart``;
   * a birth or death year on both sides, agreeing: ``merged``;
   * otherwise (years on one side only, or none) ``merged`` only when the name is distinctive
     (a forename and a surname, not initials only; or a group's or culture's own name) and each
     agent is the other's sole candidate that the rules above leave standing; else ``kept_apart``.
3. ``assign_identities``: the merged pairs' connected components; ``identity_key`` is the smallest
   agent_key of the component, so it is stable while those agents are unchanged. Components are
   found by ``_PROPAGATIONS`` rounds of smallest-key propagation (one round per step of a chain of
   merges; the sample's longest chain is 2), and ``describe_identities`` gives one row per identity.

Matching is within one run's agents and deterministic: the same agents give the same pairs,
decisions and identities. A museum's own records are matched by the same rules as two museums':
an export holds the same maker twice ("Giovanni Boccaccio" with and without his years, a culture
entered twice), and a maker held twice is counted twice unless the records share an identity.
"""

from typing import NamedTuple

import polars as pl

# Life years may differ by this much and still agree: sources round, and "1807/8" reads as 1807.
YEAR_TOLERANCE = 2
# Active periods are vaguer ("active early 16th century" is a third of a century).
ACTIVE_TOLERANCE = 10
# A blocking key shared by more agents than this is too common a name to decide on by name alone.
MAX_BLOCK = 100
# Rounds of identity propagation: enough for chains of merges this many agents long.
_PROPAGATIONS = 8

MERGED, KEPT_APART = "merged", "kept_apart"

_TITLES = r"^(?:(?:sir|dame|lord|lady|baron|baroness|rev|reverend|dr|prof|professor|hon|mr|mrs|miss|mme)\s+)+"
_HONOURS = [
    "pra", "ra", "ara", "om", "ch", "cbe", "obe", "mbe", "kbe", "dbe", "cvo", "kcvo", "bt", "bart",
    "rws", "arws", "frs", "rsa", "ri", "rba", "rbs", "rwa", "rsw", "pprba", "hrsa",
]  # fmt: skip
# An honour at the end, its letters maybe spaced (after "R.A." lost its dots): "ra", "r a".
_HONOUR_SUFFIX = r"(?:\s+(?:" + "|".join(r"\s?".join(h) for h in _HONOURS) + r"))+$"
_GENERATIONS = {
    "1": r"the elder|elder|senior|sr|the older|laine|aine|de oude|il vecchio|i",
    "2": r"the younger|younger|junior|jr|le jeune|de jonge|il giovane|ii",
    # Lineages number their generations ("Yokoya Somin V", "Taizan Motozane III").
    "3": r"iii",
    "4": r"iv",
    "5": r"v",
    "6": r"vi",
    "7": r"vii",
    "8": r"viii",
    "9": r"ix",
    "10": r"x",
}
_PARTICLES = r"\b(?:van|von|der|den|de|di|da|del|della|du|des|la|le|ten|ter|y|al|el|ibn|bin)\b"
# Words that make what follows a father's name: "Muhammad Sadiq ibn ... Muhammad 'Ali" is his son.
_PATRONYMICS = ("ibn", "bin", "bint", "ben", "son")


def _ascii_lower(text: pl.Expr) -> pl.Expr:
    """Lower case without diacritics; apostrophes gone ("T'oros" is "toros"), other punctuation a space."""
    return (
        text.str.normalize("NFKD")
        .str.replace_all(r"\p{Mn}", "")
        .str.to_lowercase()
        .str.replace_all("['\u2019`]", "")
        .str.replace_all(r"[^\p{L}\p{N}]+", " ")
        .str.strip_chars()
    )


def _generation(text: pl.Expr) -> pl.Expr:
    """``1`` (the Elder, Sr., I), ``2`` (the Younger, Jr., II), ``3`` to ``10`` (III to X) or null."""
    expr = pl.lit(None, pl.String)
    for value, words in reversed(_GENERATIONS.items()):
        expr = pl.when(text.str.contains(rf"(?:^|\s)(?:{words})$")).then(pl.lit(value)).otherwise(expr)
    return expr


def _generation_of_name(name: pl.Expr) -> pl.Expr:
    """The generation marker of a display name, read from it as a whole, its bracket included
    ("Pieter Brueghel the Younger (...)")."""
    return _generation(
        _ascii_lower(name.str.replace_all(r"\(([^)]*)\)", " ${1}").str.extract(r"^([^,]*)", 1))
    )


def _without_generation(text: pl.Expr) -> pl.Expr:
    words = "|".join(_GENERATIONS.values())
    return text.str.replace(rf"(?:^|\s)(?:{words})$", "").str.strip_chars()


def _loose(text: pl.Expr) -> pl.Expr:
    """Spelling loosened: doubled letters single, "ph" as "f", "y" as "i", "ck" as "k"."""
    text = text.str.replace_all("ph", "f").str.replace_all("ck", "k").str.replace_all("y", "i")
    letters = "abcdefghijklmnopqrstuvwxyz"
    return text.str.replace_many([c * 2 for c in letters], list(letters))


def _last_word_whole(text: pl.Expr) -> pl.Expr:
    """``text`` with a hyphen before a lower-case letter in its last word dropped: a hyphenated
    given name written last, family name first ("Ch'in Te-ying", "Kim Hong-do"), is one word, not a
    middle name and a surname ("Ch'in Ying"). A hyphen before a capital still parts two words
    ("al-Tabrizi", "Gaudier-Brzeska")."""
    text = text.str.strip_chars()
    return pl.concat_str(
        text.str.extract(r"^(.*\s)\S+$", 1).fill_null(""),
        text.str.extract(r"(\S+)$", 1).str.replace_all(r"-(\p{Ll})", "$1"),
    )


def name_variants(agents: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (agent_key, variant): ``words`` (List of the loosened, normalised words, in
    display order), ``generation`` (the agent's marker), ``alias`` (the variant came from a bracket).
    Variants: the display name before any "," and bracket, the sort name turned round, and for
    persons the bracket's text. Empty variants are dropped; an agent's identical variants are one."""
    name = pl.col("name").fill_null("")
    sort_name = pl.col("sort_name").fill_null("")
    turned = pl.concat_str(
        sort_name.str.extract(r",\s*([^(]*)$", 1), pl.lit(" "), sort_name.str.extract(r"^([^,(]*),", 1)
    )
    is_person = pl.col("agent_type") == "person"
    forms = pl.concat_list(
        pl.struct(
            text=name.str.replace_all(r"\([^)]*\)", " ").str.extract(r"^([^,]*)", 1), alias=pl.lit(False)
        ),
        pl.struct(text=turned, alias=pl.lit(False)),
        pl.struct(text=pl.when(is_person).then(name.str.extract(r"\(([^)]*)\)", 1)), alias=pl.lit(True)),
    )
    normalised = (
        _ascii_lower(_last_word_whole(pl.col("text")))
        .str.replace(_TITLES, "")
        .str.replace(_HONOUR_SUFFIX, "")
        .str.strip_chars()
    )
    return (
        agents.select("agent_key", generation=_generation_of_name(name), form=forms)
        .explode("form", empty_as_null=False)
        .unnest("form")
        .with_columns(text=_loose(_without_generation(normalised)))
        .with_columns(words=pl.col("text").str.split(" ").list.eval(pl.element().filter(pl.element() != "")))
        .filter(pl.col("words").list.len() > 0)
        .unique(["agent_key", "text"], keep="first", maintain_order=True)
        .select("agent_key", "generation", "alias", "words")
    )


def _blocks(variants: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (blocking key, agent_key, variant): surname and first initial (persons, names
    of two words or more), and all the words sorted (any name)."""
    words = pl.col("words")
    surname = words.list.last()
    # Particles are not a surname's first letter: "Aert van der Neer" is blocked under "neer a".
    forenames = words.list.slice(0, words.list.len() - 1).list.eval(
        pl.element().filter(~pl.element().str.contains(f"^{_PARTICLES}$"))
    )
    by_surname = pl.when((words.list.len() > 1) & (forenames.list.len() > 0)).then(
        pl.concat_str(pl.lit("s:"), surname, pl.lit(" "), forenames.list.first().str.slice(0, 1))
    )
    by_words = pl.concat_str(pl.lit("w:"), words.list.sort().list.join(" "))
    return (
        variants.with_columns(block=pl.concat_list(by_surname, by_words).list.drop_nulls())
        .explode("block", empty_as_null=False)
        .drop_nulls("block")
    )


def _candidates(variants: pl.LazyFrame) -> pl.LazyFrame:
    """Pairs of variants of two agents sharing a block (``agent_key`` before ``other_agent_key``);
    blocks larger than ``MAX_BLOCK`` agents are skipped."""
    side = ("agent_key", "words", "alias")
    other = [f"other_{c}" for c in side]
    # Each block's variants as lists, crossed with themselves by two explodes: the plan reads the
    # variants once (the lake's sinks do not cache a subplan that a self-join would read twice).
    return (
        _blocks(variants)
        .group_by("block")
        .agg(*side)
        .filter(pl.col("agent_key").list.n_unique() <= MAX_BLOCK)
        .with_columns(pl.col(c).alias(o) for c, o in zip(side, other, strict=True))
        .explode(*side, empty_as_null=False)
        .explode(*other, empty_as_null=False)
        .filter(pl.col("agent_key") < pl.col("other_agent_key"))
        .select("agent_key", "other_agent_key", "block", "words", "other_words", "alias", "other_alias")
    )


# How two names agree, best first; the pair keeps its best variant pair's.
_NAME_AGREEMENTS = ("same name", "same words in another order", "middle names on one side", "same initials")


def _name_agreement(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """The index in ``_NAME_AGREEMENTS`` of how word lists ``a`` and ``b`` agree; null if not."""
    surname_a, surname_b = a.list.last(), b.list.last()
    fore_a, fore_b = a.list.slice(0, a.list.len() - 1), b.list.slice(0, b.list.len() - 1)
    both_forenames = (fore_a.list.len() > 0) & (fore_b.list.len() > 0)
    only_a, only_b = fore_a.list.set_difference(fore_b), fore_b.list.set_difference(fore_a)
    # The words one side adds are middle names only if none is a patronymic (the first forename,
    # compared by itself below, may be "Ben").
    patronymic = (
        pl.concat_list(only_a, only_b)
        .list.set_difference(pl.concat_list(fore_a.list.first(), fore_b.list.first()))
        .list.eval(pl.element().is_in(_PATRONYMICS))
        .list.any()
    )
    contained = ((only_a.list.len() == 0) | (only_b.list.len() == 0)) & ~patronymic
    initials_a = fore_a.list.eval(pl.element().str.slice(0, 1)).list.join("")
    initials_b = fore_b.list.eval(pl.element().str.slice(0, 1)).list.join("")
    only_initials = (fore_a.list.eval(pl.element().str.len_chars() == 1).list.all()) | (
        fore_b.list.eval(pl.element().str.len_chars() == 1).list.all()
    )
    same_surname = surname_a == surname_b
    return (
        pl.when(a.list.join(" ") == b.list.join(" "))
        .then(0)
        .when(a.list.sort().list.join(" ") == b.list.sort().list.join(" "))
        .then(1)
        .when(same_surname & both_forenames & (fore_a.list.first() == fore_b.list.first()) & contained)
        .then(2)
        # "J. Gérôme" and "Jean-Léon Gérôme": the initials given start the other's.
        .when(
            same_surname
            & both_forenames
            & only_initials
            & (initials_a.str.starts_with(initials_b) | initials_b.str.starts_with(initials_a))
        )
        .then(3)
    )


def _pair_names(candidates: pl.LazyFrame) -> pl.LazyFrame:
    """One row per candidate pair: its best ``name_agreement`` (null: none), whether that came
    through an alias, and ``block`` (the first shared blocking key, for the audit)."""
    agreement = _name_agreement(pl.col("words"), pl.col("other_words"))
    return (
        candidates.with_columns(
            name_rank=agreement,
            via_alias=pl.col("alias") | pl.col("other_alias"),
        )
        .group_by("agent_key", "other_agent_key")
        .agg(
            pl.col("name_rank").min(),
            via_alias=pl.col("via_alias").sort_by(pl.col("name_rank").fill_null(99), "via_alias").first(),
            block=pl.col("block").min(),
            # Distinctive: a forename and a surname, not initials only.
            distinctive=(
                (pl.col("words").list.len() > 1)
                & (pl.col("words").list.first().str.len_chars() > 1)
                & (pl.col("other_words").list.first().str.len_chars() > 1)
            ).any(),
        )
    )


_AGENT_COLUMNS = (
    "agent_type",
    "generation",
    "birth_year",
    "death_year",
    "active_start_year",
    "active_end_year",
)


def _with_sides(pairs: pl.LazyFrame, agents: pl.LazyFrame) -> pl.LazyFrame:
    """Each pair with both agents' name, type, generation and years (``other_`` for the second)."""
    side = agents.select("agent_key", "name", *_AGENT_COLUMNS)
    other = side.rename({c: f"other_{c}" for c in side.collect_schema().names()})
    return pairs.join(side, on="agent_key", how="left").join(other, on="other_agent_key", how="left")


def _differ(column: str, tolerance: int) -> pl.Expr:
    return ((pl.col(column) - pl.col(f"other_{column}")).abs() > tolerance).fill_null(False)


def _years() -> tuple[pl.Expr, pl.Expr]:
    """(life years conflict, a birth or death year on both sides)."""
    active_apart = (
        (pl.col("active_end_year") + ACTIVE_TOLERANCE < pl.col("other_active_start_year"))
        | (pl.col("other_active_end_year") + ACTIVE_TOLERANCE < pl.col("active_start_year"))
    ).fill_null(False)
    conflict = _differ("birth_year", YEAR_TOLERANCE) | _differ("death_year", YEAR_TOLERANCE) | active_apart
    both = (pl.col("birth_year").is_not_null() & pl.col("other_birth_year").is_not_null()) | (
        pl.col("death_year").is_not_null() & pl.col("other_death_year").is_not_null()
    )
    return conflict, both


def _sole_candidates(pairs: pl.LazyFrame) -> pl.LazyFrame:
    """``pairs`` with ``sole``: each agent of the pair has no other standing candidate."""
    # Each pair once per end, so one window counts an agent's standing pairs on either side.
    return (
        pairs.with_columns(__end=pl.concat_list("agent_key", "other_agent_key"))
        .explode("__end", empty_as_null=False)
        .with_columns(__standing_pairs=pl.col("standing").sum().over("__end"))
        .group_by("agent_key", "other_agent_key")
        .agg(
            pl.all().exclude("__end", "__standing_pairs").first(),
            sole=(pl.col("__standing_pairs") == 1).all(),
        )
    )


class _Conditions(NamedTuple):
    """What the rules of the module docstring test of a pair, each an expression over its sides."""

    same_type: pl.Expr
    person: pl.Expr
    names_agree: pl.Expr
    markers_differ: pl.Expr
    one_marker: pl.Expr
    conflict: pl.Expr
    both_years: pl.Expr

    @classmethod
    def of_pairs(cls) -> "_Conditions":
        rank, person = pl.col("name_rank"), pl.col("agent_type") == "person"
        marker, other_marker = pl.col("generation"), pl.col("other_generation")
        conflict, both_years = _years()
        return cls(
            same_type=pl.col("agent_type") == pl.col("other_agent_type"),
            person=person,
            names_agree=rank.is_not_null() & (person | (rank == 0)),
            markers_differ=(marker != other_marker).fill_null(False),
            one_marker=marker.is_null() != other_marker.is_null(),
            conflict=conflict,
            both_years=both_years,
        )

    def standing(self) -> pl.Expr:
        """The pair is left standing by every rule that keeps agents apart whatever the others."""
        return (
            self.same_type
            & (pl.col("agent_type") != "anonymous")
            & self.names_agree
            & ~self.markers_differ
            & ~(self.one_marker & ~self.both_years)
            & ~self.conflict
        )


def _decide(pairs: pl.LazyFrame) -> pl.LazyFrame:
    """``decision`` and ``reason`` per pair, by the rules of the module docstring, in order."""
    conditions = _Conditions.of_pairs()
    pairs = pairs.with_columns(standing=conditions.standing()).pipe(_sole_candidates)
    agreement = pl.concat_str(
        pl.lit("names agree ("),
        _agreement_words(pl.col("name_rank")),
        pl.when(pl.col("via_alias")).then(pl.lit(", through a bracketed alias")).otherwise(pl.lit("")),
        pl.lit(")"),
    )
    decision, reason = (
        pl.lit(KEPT_APART),
        pl.concat_str(agreement, pl.lit("; no years on both sides, and the name is not distinctive")),
    )
    for when, kind, text in reversed(_rules(conditions, agreement)):
        decision = pl.when(when).then(pl.lit(kind)).otherwise(decision)
        reason = pl.when(when).then(text).otherwise(reason)
    return pairs.with_columns(decision=decision, reason=reason)


def _rules(c: _Conditions, agreement: pl.Expr) -> list[tuple[pl.Expr, str, pl.Expr]]:
    """The rules of the module docstring, in order: (when it applies, decision, reason)."""
    years = pl.concat_str(pl.lit("years "), _years_text(""), pl.lit(" and "), _years_text("other_"))
    types = pl.concat_str(
        pl.lit("types differ: "), pl.col("agent_type"), pl.lit(" and "), pl.col("other_agent_type")
    )
    names = (
        pl.when(c.person)
        .then(pl.lit("names differ"))
        .otherwise(pl.lit("a group's or culture's names differ"))
    )
    anonymous = pl.lit("anonymous placeholders stand for many makers: never merged")
    markers = pl.lit("generation markers differ (the Elder and the Younger, I and II)")
    one_marker = pl.lit("a generation marker on one side only, and no years on both to confirm it")
    sole = "; no years on both sides, a distinctive name and each the other's sole candidate"
    return [
        (~c.same_type, KEPT_APART, types),
        (pl.col("agent_type") == "anonymous", KEPT_APART, anonymous),
        (~c.names_agree, KEPT_APART, names),
        (c.markers_differ, KEPT_APART, markers),
        (c.one_marker & ~c.both_years, KEPT_APART, one_marker),
        (c.conflict, KEPT_APART, pl.concat_str(pl.lit("life years differ: "), years)),
        (c.both_years, MERGED, pl.concat_str(agreement, pl.lit("; life years agree: "), years)),
        (
            pl.col("sole") & (pl.col("distinctive") | ~c.person),
            MERGED,
            pl.concat_str(agreement, pl.lit(sole)),
        ),
        (
            ~pl.col("sole"),
            KEPT_APART,
            pl.concat_str(agreement, pl.lit("; no years on both sides, and other candidates: ambiguous")),
        ),
    ]


def _agreement_words(rank: pl.Expr) -> pl.Expr:
    expr = pl.lit(None, pl.String)
    for i, words in reversed(list(enumerate(_NAME_AGREEMENTS))):
        expr = pl.when(rank == i).then(pl.lit(words)).otherwise(expr)
    return expr


def _years_text(prefix: str) -> pl.Expr:
    """ "1775-1851", "?-1851", "active 1500-1533" or "none": one side's years for the reason."""

    def year(column: str) -> pl.Expr:
        return pl.col(f"{prefix}{column}").cast(pl.String).fill_null("?")

    life = pl.col(f"{prefix}birth_year").is_not_null() | pl.col(f"{prefix}death_year").is_not_null()
    active = (
        pl.col(f"{prefix}active_start_year").is_not_null() | pl.col(f"{prefix}active_end_year").is_not_null()
    )
    return (
        pl.when(life)
        .then(pl.concat_str(year("birth_year"), pl.lit("-"), year("death_year")))
        .when(active)
        .then(
            pl.concat_str(pl.lit("active "), year("active_start_year"), pl.lit("-"), year("active_end_year"))
        )
        .otherwise(pl.lit("none"))
    )


def match_agents(agents: pl.LazyFrame) -> pl.LazyFrame:
    """``agent_matches``: one row per candidate pair of agents of different museums (key
    ``agent_key``, ``other_agent_key``; the first the smaller): both names, ``block`` (the blocking
    key they share), ``decision`` (merged, kept_apart) and ``reason`` (which rule decided, with
    the years compared). ``agents`` needs agent_key, source, name, sort_name, agent_type and the
    four year columns. Sorted by key."""
    pairs = _pair_names(_candidates(name_variants(agents)))
    sides = _with_sides(
        pairs, agents.with_columns(generation=_generation_of_name(pl.col("name").fill_null("")))
    )
    return (
        _decide(sides)
        .select(
            "agent_key",
            "other_agent_key",
            "name",
            "other_name",
            "agent_type",
            "other_agent_type",
            "block",
            "decision",
            "reason",
        )
        .sort("agent_key", "other_agent_key")
    )


def assign_identities(agents: pl.LazyFrame, matches: pl.LazyFrame) -> pl.LazyFrame:
    """``agents`` with ``identity_key``: the smallest agent_key among the agents joined to it by
    merged pairs of ``matches`` (itself when none). Rows and their order are kept."""
    merged = matches.filter(pl.col("decision") == MERGED)
    edges = pl.concat(
        [
            merged.select(a="agent_key", b="other_agent_key"),
            merged.select(a="other_agent_key", b="agent_key"),
        ]
    )
    # Each key is its own neighbour too, so one join per round reads the labels once: a plan that
    # read them twice per round would double with every round.
    keys = edges.select(key="a").unique()
    edges = pl.concat([edges, keys.select(a="key", b="key")])
    labels = keys.with_columns(label=pl.col("key"))
    for _ in range(_PROPAGATIONS):
        # Each key takes the smallest label among itself and its neighbours.
        labels = (
            edges.join(labels, left_on="b", right_on="key")
            .group_by("a")
            .agg(pl.col("label").min())
            .rename({"a": "key"})
        )
    return (
        agents.join(labels, left_on="agent_key", right_on="key", how="left", maintain_order="left")
        .with_columns(identity_key=pl.coalesce("label", "agent_key"))
        .drop("label")
    )


def describe_identities(agents: pl.LazyFrame, object_agents: pl.LazyFrame) -> pl.LazyFrame:
    """``agent_identities``: one row per identity_key of ``agents`` (``assign_identities``): the
    preferred ``name`` and ``agent_type`` (of the member credited on most objects; ties: the
    smallest key), ``birth_year``/``death_year`` (the first member, in that order, that gives one),
    ``museums`` (sorted), ``museum_count``, ``agent_keys`` (sorted), ``objects`` (distinct objects
    credited to any member). Sorted by identity_key."""
    credited = object_agents.group_by("agent_key").agg(objects=pl.col("object_key").n_unique())
    members = agents.join(credited, on="agent_key", how="left").with_columns(pl.col("objects").fill_null(0))
    order = [pl.col("objects"), pl.col("agent_key")]
    counted = (
        object_agents.join(agents.select("agent_key", "identity_key"), on="agent_key")
        .group_by("identity_key")
        .agg(objects=pl.col("object_key").n_unique())
    )
    return (
        members.group_by("identity_key")
        .agg(
            pl.col("name", "agent_type").sort_by(order, descending=[True, False]).first(),
            pl.col("birth_year", "death_year").sort_by(order, descending=[True, False]).drop_nulls().first(),
            museums=pl.col("source").unique().sort(),
            agent_keys=pl.col("agent_key").sort(),
        )
        .with_columns(museum_count=pl.col("museums").list.len().cast(pl.Int32))
        .join(counted, on="identity_key", how="left")
        .with_columns(pl.col("objects").fill_null(0).cast(pl.Int32))
        .sort("identity_key")
    )
