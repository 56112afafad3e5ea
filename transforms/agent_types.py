"""What kind of maker an agent is: ``person``, ``group``, ``culture`` or ``anonymous`` (``agent_type``).

The museums do not say; their records do, in ways each museum has its own habit for:

* the Walters credits cultures and nationalities as creators: a record with a name only
  ("Japanese", "Venetian", "Near Eastern"; no bio, no gender, no "Surname, Forenames" sort name),
  whose name is a nationality the Walters writes in its other creators' bios;
* the Tate names regional schools ("British School 18th century", "Italian (Venetian) School") and
  lists a group's members in brackets ("Langlands & Bell (Ben Langlands and Nikki Bell)");
* the Art Institute sorts a person as "Surname, Forenames" (``sort_title``), as the Walters and the
  Tate do (``sort_name``, ``mda``).

Rules, the first that applies wins (``AGENT_TYPE_RULES`` names them):

1. ``anonymous``: a placeholder for many unrelated makers: "Anonymous", "Unknown", "Unknown
   artist", "unidentified", "Not identified", "Various".
2. ``culture``, a regional school: "<Nationality> School", "<Nationality> (?) School",
   "<Nationality> (<City>) School", optionally followed by a century ("British School 18th century").
3. ``person``, a notname: "Master of ...", "Painter of ...", "... Master", "... Painter" (one
   unnamed individual), unless "and workshop/associates/assistants" follows.
4. ``group``: a workshop, studio, atelier, school of a master ("School of Giovanni Pisano"), family,
   firm, factory, manufactory, works, pottery, company ("& Co.", "Cie", "Ltd"), brothers ("Frères"),
   "and Son(s)", a vase painters' "Group", plural "Masters of", "X & Y"; or a name with a bracket
   that lists several people (the Tate's members).
5. ``culture``: the name is a nationality the same museum writes in its agents' bios (the
   ``vocabulary``), and the agent has no life years.
6. ``culture``, guessed: a name-only record (no years, no gender, no bio nationality, no
   "Surname, Forenames" sort name) shaped like a demonym: one to three capitalised words, the last
   ending as demonyms and dynasties do ("-ian", "-ese", "-ish", "-ic", "-an", "-ern", "-id",
   "-ec"...), or opening with
   "Neo-", "Pre-", "Proto-".
7. ``group``, guessed: "X and Y" (a duo or firm; "Master of the Apollo and Daphne Legend" and
   "son of X and Y" excepted), "School of <place>" (one word: "School of Tuscany" may be a region
   or a master: read as a group) and "<Word> School" ("Norwich School", "Hamano School").
8. ``person``: everyone else; guessed when the record has a name only (no years, no gender, no
   sort name in "Surname, Forenames" order), as "Funazu" or "Donatus" do.

Once every museum's objects are in (``name_cultures_of_objects``, in the enrich stage): a name-only
record guessed a person whose name is a culture the objects name, or a word of the name of a place
they come from, is a ``culture`` (guessed): the Walters' "Thai", whose objects come from "Prathet
Thai" (the Getty's TGN writes nations in their own language), or "Byzantine", a culture its objects
state. A person known by one name is not a place's name.

Each guessed type is listed in ``record_issues`` (rule ``agent_type_guessed``, never blocking), so
the collections team can correct the record or the rule.
"""

import polars as pl

from shared.issues import AGENT_TYPE_GUESSED, ISSUES, KEPT, issue, with_issues
from shared.schemas.common import AGENT_TYPES

PERSON, GROUP, CULTURE, ANONYMOUS = AGENT_TYPES

_ANONYMOUS = (
    r"(?i)^(?:anonymous|unknown|unidentified|not identified|various|artist unknown|maker unknown)"
    r"(?:\s+(?:artist|artists|maker|makers|hand))?(?:\s*[,(].*)?$|\bunidentified\b"
)
# A demonym, as the sources spell nationalities and cultures.
_DEMONYM_WORD = r"\p{Lu}[\p{L}'-]*(?:ian|ean|an|ese|ish|ic|ine|ite|ern|ch|ss|ek|ar|ot|ine)"
_SCHOOL = (
    rf"^(?:(?:North|South|East|West|Northern|Southern|Central|Upper|Lower)\s+)?{_DEMONYM_WORD}"
    r"(?:\s*\([^)]*\))?\s+School\b(?:\s+\d{1,2}(?:st|nd|rd|th)[\s-]+century)?$"
)
_NOTNAME = (
    r"(?i)^(?:the\s+)?(?:master|painter|potter|illuminator|sculptor)\s+(?:of|from)\b|\s(?:master|painter)$"
)
_WITH_HELPERS = r"(?i)\b(?:and|&)\s+(?:workshop|associates|assistants|studio)\b"
_GROUP = (
    r"(?i)\b(?:workshops?|studios?|atelier|family|firm|factory|manufactory|manufacture|works|"
    r"glassworks|pottery|porcelain|company|co\.|cie\.?|ltd\.?|inc\.?|brothers|bros\.?|frères|fratelli|"
    r"group|masters|circle|associates|collective|partnership|society|association|guild|club|institute|"
    r"press|publishers?|foundation|academy|union|league|committee|corporation|limited|gmbh)\b|&|\band\s+sons?\b|^school of \S+\s+\S+"
)
# The Tate's bracketed members: "(Ben Langlands and Nikki Bell)", "(Michael Baldwin, born 1945; ...)".
_MEMBERS = r"\([^)]*(?:\band\b|;|&)[^)]*\)"
_DEMONYM = (
    r"^(?:(?:Neo|Pre|Proto|Post|Egypto|Greco|Graeco|Hispano|Indo|Sino|Anglo|Franco)-)?"
    r"(?:(?:North|South|East|West|Northern|Southern|Central|Near|Far|Middle|Upper|Lower|Ancient)\s+)?"
    r"\p{Lu}[\p{L}'-]*(?:ian|ean|an|ese|ish|ic|ine|ite|ern|ot|id|ec)$"
)
_DUO = r"(?i)\s(?:and)\s"
_KIN = r"(?i)\b(?:son|daughter|wife|widow|brother|sister) of\b"
_GUESSED_GROUP = r"(?i)^school of \S+$|\sschool$"


def _plain(name: pl.Expr) -> pl.Expr:
    """The name without "()" or "(?)" and surrounding space, lower case, for the vocabulary."""
    return name.str.replace_all(r"\(\s*\??\s*\)", "").str.strip_chars(" ?").str.to_lowercase()


_YEAR_COLUMNS = ("birth_year", "death_year", "active_start_year", "active_end_year")


def _has_years() -> pl.Expr:
    """The record gives a life or active year."""
    return pl.any_horizontal(pl.col(_YEAR_COLUMNS).is_not_null())


def _name_only() -> pl.Expr:
    """A record with a name only: no life years, gender or nationality, and no sort name in
    "Surname, Forenames" order."""
    sorted_as_person = pl.col("sort_name").fill_null("").str.contains(r"^[^,()&]+,\s*\S")
    return ~_has_years() & pl.col("gender").is_null() & pl.col("nationality").is_null() & ~sorted_as_person


def type_agents(lf: pl.LazyFrame, *, vocabulary: pl.LazyFrame | None = None) -> pl.LazyFrame:
    """``lf`` (one row per agent: ``name``, ``sort_name``, ``nationality``, ``gender`` and the four
    year columns) with ``agent_type`` (``AGENT_TYPES``) and a pending ``agent_type_guessed`` issue
    where a rule had to guess. ``vocabulary`` (a column ``nationality``) holds the nationalities the
    museum writes; by default those of ``lf`` itself."""
    have = lf.collect_schema()
    optional: dict[str, type[pl.DataType]] = {
        "sort_name": pl.String,
        "nationality": pl.String,
        "gender": pl.String,
    }
    optional |= dict.fromkeys(_YEAR_COLUMNS, pl.Int32)
    added = [c for c in optional if c not in have]
    lf = lf.with_columns(pl.lit(None, optional[c]).alias(c) for c in added)
    words = (vocabulary if vocabulary is not None else lf).select(__nationality=_plain(pl.col("nationality")))
    words = words.drop_nulls().unique().with_columns(__in_vocabulary=pl.lit(True))
    lf = lf.with_columns(__nationality=_plain(pl.col("name"))).join(
        words, on="__nationality", how="left", maintain_order="left"
    )
    name = pl.col("name").fill_null("")
    name_only = _name_only()
    plain_name = name.str.replace_all(r"\(\s*\??\s*\)", "").str.strip_chars(" ?")
    notname = name.str.contains(_NOTNAME) & ~name.str.contains(_WITH_HELPERS)
    rules = [
        (name.str.contains(_ANONYMOUS), ANONYMOUS, False),
        (name.str.contains(_SCHOOL), CULTURE, False),
        (notname, PERSON, False),
        (name.str.contains(_GROUP) | name.str.contains(_MEMBERS), GROUP, False),
        (pl.col("__in_vocabulary").fill_null(False) & ~_has_years(), CULTURE, False),
        (name_only & plain_name.str.contains(_DEMONYM), CULTURE, True),
        (name.str.contains(_DUO) & ~name.str.contains(_KIN), GROUP, True),
        (name.str.contains(_GUESSED_GROUP), GROUP, True),
        (name_only, PERSON, True),
    ]
    agent_type, guessed = pl.lit(PERSON), pl.lit(False)
    for when, kind, is_guess in reversed(rules):
        agent_type = pl.when(when).then(pl.lit(kind)).otherwise(agent_type)
        guessed = pl.when(when).then(pl.lit(is_guess)).otherwise(guessed)
    lf = lf.with_columns(agent_type=agent_type, __guessed=guessed)
    guess = issue(
        AGENT_TYPE_GUESSED,
        "name",
        when=pl.col("__guessed"),
        raw_value=pl.concat_str(pl.col("name"), pl.lit(" (read as "), pl.col("agent_type"), pl.lit(")")),
        action=KEPT,
    )
    return with_issues(lf, guess).drop("__nationality", "__in_vocabulary", "__guessed", *added)


def object_words(objects: pl.LazyFrame) -> pl.LazyFrame:
    """The names the objects give of where and whom they come from (column ``word``, lower case,
    each once): each culture they state ("Islamic; Persian" is two) and each place's name and the
    words of it ("Prathet Thai", "thai")."""
    # Distinct values first: a collection states a few thousand cultures and places a million times.
    cultures = (
        objects.select("culture")
        .unique()
        .select(word=pl.col("culture").str.split(";"))
        .explode("word", empty_as_null=False)
    )
    places = (
        objects.select(place=pl.col("places").list.eval(pl.element().struct.field("name")))
        .explode("place", empty_as_null=False)
        .unique()
        .select(word=pl.concat_list(pl.col("place"), pl.col("place").str.split(" ")))
        .explode("word", empty_as_null=False)
    )
    return (
        pl.concat([cultures, places])
        .select(word=_plain(pl.col("word").str.strip_chars()))
        .filter(pl.col("word").str.len_chars() > 2)
        .unique()
    )


def name_cultures_of_objects(agents: pl.LazyFrame, objects: pl.LazyFrame) -> pl.LazyFrame:
    """``agents`` (typed by ``type_agents``) with the name-only records guessed a person whose name
    is one of the ``objects``' words (``object_words``) typed ``culture``, their guess's issue saying
    so (see the module)."""
    words = object_words(objects).with_columns(__object_word=pl.lit(True))
    culture = pl.col("__object_word").fill_null(False) & (pl.col("agent_type") == PERSON) & _name_only()
    reread = pl.element().struct.with_fields(
        raw_value=pl.when(pl.element().struct.field("rule") == AGENT_TYPE_GUESSED.name)
        .then(pl.element().struct.field("raw_value").str.replace(r"\(read as person\)$", "(read as culture)"))
        .otherwise(pl.element().struct.field("raw_value"))
    )
    return (
        agents.with_columns(word=_plain(pl.col("name")))
        .join(words, on="word", how="left", maintain_order="left")
        .with_columns(
            agent_type=pl.when(culture).then(pl.lit(CULTURE)).otherwise(pl.col("agent_type")),
            **{ISSUES: pl.when(culture).then(pl.col(ISSUES).list.eval(reread)).otherwise(pl.col(ISSUES))},
        )
        .drop("word", "__object_word")
    )
