"""Linked Art 1.0 documents (JSON-LD over CIDOC-CRM) from the lake's reshaped tables.

Pure functions of LazyFrames (no IO, no dagster): each returns one row per document with its JSON
text in ``document``, built with Polars expressions (``outputs.json_text``), so they stream.

Ids, under the exports' base URL (``PUBLIC_BASE_URL``), besides those of ``outputs.exchange``:
- the museum as current owner ``{base}/museum/{source}``; a department's set
  ``{base}/set/{source}/department/{slug}``;
- the museums' own terms, which have no pinned AAT id (classifications as types of work, creator
  roles): ``{base}/concept/{kind}/{slug}``, labelled with the museum's word and classified by a
  pinned AAT meta-type where the model has one. AAT ids come only from ``outputs.vocabulary``.

Dates: ``date_start_year``/``date_end_year`` are historical years (1 BCE = -1, no year 0). A
timespan runs from the first instant of the start year (``begin_of_the_begin``) to the last of the
end year (``end_of_the_end``), as xsd:dateTime in UTC. xsd 1.1 and ISO 8601 number years
astronomically (1 BCE = 0000, 2 BCE = -0001), so a BCE year y is written as y + 1:
500 BCE (-500) is ``-0499-01-01T00:00:00Z``. A year 0, which historical numbering lacks but a
source may write for the turn of the era, is written as it stands (0000).
"""

from collections.abc import Mapping

import polars as pl

from outputs import vocabulary as aat
from outputs.exchange import LINKED_ART_CONTEXT, entity_id, known_size, manifest_id
from outputs.json_text import joined_array, json_array, json_object, number, one_item, value
from shared.lookup import lookup

IIIF_PRESENTATION = "http://iiif.io/api/presentation"
IIIF_MANIFEST_FORMAT = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'

# An agent's Linked Art class follows its type in the model (transforms.agent_types): a person is
# a Person; a group, and a culture credited as maker ("Etruscan", "British School"), a Group (a
# culture stands for its people, never one Person). An anonymous placeholder ("Unknown") is no
# actor at all: Linked Art leaves an unknown maker out of ``carried_out_by``.
LA_TYPES = {"person": "Person", "group": "Group", "culture": "Group"}


def type_ref(term: aat.Term, *, meta: aat.Term | None = None) -> dict[str, object]:
    """A reference to a pinned AAT term, classified by a meta-type if given."""
    ref: dict[str, object] = {"id": term.uri, "type": "Type", "_label": term.label}
    if meta is not None:
        ref["classified_as"] = [type_ref(meta)]
    return ref


def slug(text: pl.Expr) -> pl.Expr:
    """A URL path segment for a term: lower case, runs of anything but a-z and 0-9 as one dash;
    null when nothing is left."""
    cut = text.str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "-").str.strip_chars("-")
    return pl.when(cut != "").then(cut)


def astronomical_instant(year: pl.Expr, *, end: bool) -> pl.Expr:
    """The first (or, with ``end``, last) instant of a historical year as xsd:dateTime (UTC)."""
    astronomical = pl.when(year < 0).then(year + 1).otherwise(year)
    digits = astronomical.abs().cast(pl.String).str.zfill(4)
    sign = pl.when(astronomical < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str(sign, digits, pl.lit("-12-31T23:59:59Z" if end else "-01-01T00:00:00Z"))


def timespan(begin_year: pl.Expr, end_year: pl.Expr, name: pl.Expr | None = None) -> pl.Expr:
    """A TimeSpan from ``begin_year`` to ``end_year`` named by ``name`` (the date as written);
    null when there is neither a year nor a name."""
    named = json_object({"type": "Name", "content": value(name)}) if name is not None else pl.lit(None)
    span = json_object(
        {
            "type": "TimeSpan",
            "identified_by": one_item(named),
            "begin_of_the_begin": value(astronomical_instant(begin_year, end=False)),
            "end_of_the_end": value(astronomical_instant(end_year, end=True)),
        }
    )
    present = begin_year.is_not_null() | end_year.is_not_null()
    if name is not None:
        present = present | name.is_not_null()
    return pl.when(present).then(span)


def _concept(base_url: str, kind: str, label: pl.Expr, *, meta: aat.Term | None = None) -> pl.Expr:
    """A museum's own term as a Type with an id under the base URL; null without a usable label."""
    term_slug = slug(label)
    members: dict[str, object] = {
        "id": value(pl.concat_str(pl.lit(f"{base_url.rstrip('/')}/concept/{kind}/"), term_slug)),
        "type": "Type",
        "_label": value(label),
    }
    if meta is not None:
        members["classified_as"] = [type_ref(meta)]
    concept = json_object(members)
    return pl.when(term_slug.is_not_null()).then(concept)


def _statement(content: pl.Expr, term: aat.Term) -> pl.Expr:
    """A LinguisticObject statement of ``term`` (a Brief Text); null without content."""
    statement = json_object(
        {
            "type": "LinguisticObject",
            "content": value(content),
            "classified_as": [type_ref(term, meta=aat.BRIEF_TEXT)],
        }
    )
    return pl.when(content.is_not_null()).then(statement)


def _web_page(url: pl.Expr, label: str, *, classified: aat.Term | None = None, **digital: object) -> pl.Expr:
    """A LinguisticObject carried by the digital object at ``url`` (a web page, a IIIF manifest)."""
    carrier: dict[str, object] = {"type": "DigitalObject"}
    if classified is not None:
        carrier["classified_as"] = [type_ref(classified)]
    carrier.update(digital)
    carrier["access_point"] = one_item(json_object({"id": value(url), "type": "DigitalObject"}))
    document = json_object(
        {
            "type": "LinguisticObject",
            "_label": label,
            "digitally_carried_by": one_item(json_object(carrier)),
        }
    )
    return pl.when(url.is_not_null()).then(document)


def _dimension(cm: pl.Expr, term: aat.Term) -> pl.Expr:
    dimension = json_object(
        {
            "type": "Dimension",
            "classified_as": [type_ref(term)],
            "value": number(cm),
            "unit": {"id": aat.CENTIMETERS.uri, "type": "MeasurementUnit", "_label": aat.CENTIMETERS.label},
        }
    )
    return pl.when(cm.is_not_null()).then(dimension)


def with_agent_types(agents: pl.LazyFrame) -> pl.LazyFrame:
    """``agents`` with ``la_type`` from ``agent_type`` (``LA_TYPES``): Person or Group; null for an
    anonymous placeholder, which is no actor."""
    return agents.with_columns(la_type=lookup(pl.col("agent_type"), LA_TYPES, default=None))


def _agent_ref(agent_id: pl.Expr, la_type: pl.Expr, name: pl.Expr) -> pl.Expr:
    return json_object({"id": value(agent_id), "type": value(la_type), "_label": value(name)})


def _credits(object_agents: pl.LazyFrame, typed_agents: pl.LazyFrame, base_url: str) -> pl.LazyFrame:
    """Per object_key: ``credits``, its agents (id, type, name, role) ordered by role and key.

    Narrow values, not JSON: the aggregation holds every object's list until it ends, so the text
    is built after the join (``_production_parts``)."""
    agent_id = identity_id(base_url, pl.col("identity_key"))
    return (
        object_agents.join(
            typed_agents.select("agent_key", "identity_key", "name", "la_type").drop_nulls("la_type"),
            on="agent_key",
            how="inner",
        )
        .group_by("object_key")
        .agg(
            credits=pl.struct(id=agent_id, la_type="la_type", name="name", role="role").sort_by(
                "role", "agent_key"
            )
        )
    )


def _production_parts(base_url: str) -> tuple[pl.Expr, pl.Expr]:
    """From ``credits``: ``carried_out_by`` when the object has one agent, else ``part``, a
    Production per agent and role, classified by the role (each null when it does not apply)."""
    field = pl.element().struct.field
    ref = _agent_ref(field("id"), field("la_type"), field("name"))
    part = json_object(
        {
            "type": "Production",
            "classified_as": one_item(_concept(base_url, "role", field("role"))),
            "carried_out_by": one_item(ref),
        }
    )
    credits = pl.col("credits")
    return (
        pl.when(credits.list.len() == 1).then(joined_array(credits.list.eval(ref))),
        pl.when(credits.list.len() > 1).then(joined_array(credits.list.eval(part))),
    )


def _images(images: pl.LazyFrame) -> pl.LazyFrame:
    """Per object_key: ``image_urls`` (primary first, then by rank) and ``sized_images`` (how many
    can be a IIIF canvas). URLs, not JSON, for the same reason as ``_credits``."""
    order = [pl.col("is_primary").not_(), pl.col("rank"), pl.col("image_key")]
    return (
        images.filter(pl.col("url").is_not_null())
        .group_by("object_key")
        .agg(image_urls=pl.col("url").sort_by(order), sized_images=known_size().sum().cast(pl.Int64))
    )


def _representation() -> pl.Expr:
    """From ``image_urls``: a VisualItem per image, shown by a digital image at its URL."""
    shown_by = json_object(
        {
            "type": "DigitalObject",
            "classified_as": [type_ref(aat.DIGITAL_IMAGE)],
            "access_point": one_item(json_object({"id": value(pl.element()), "type": "DigitalObject"})),
        }
    )
    visual = json_object({"type": "VisualItem", "digitally_shown_by": one_item(shown_by)})
    return joined_array(pl.col("image_urls").list.eval(visual))


def object_links(
    object_agents: pl.LazyFrame,
    agents: pl.LazyFrame,
    images: pl.LazyFrame,
    *,
    base_url: str,
    object_keys: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """One row per object_key that has agents or images: ``credits``, ``image_urls``,
    ``sized_images`` (narrow values; ``object_documents`` turns them into JSON).

    With ``object_keys`` (a column ``object_key``), only those objects' rows: the aggregation then
    holds only theirs. Anonymous placeholders are left out: the object's maker is unknown."""
    typed_agents = with_agent_types(agents)
    if object_keys is not None:
        object_agents = object_agents.join(object_keys, on="object_key", how="semi")
        images = images.join(object_keys, on="object_key", how="semi")
    credits = _credits(object_agents, typed_agents, base_url.rstrip("/"))
    return credits.join(_images(images), on="object_key", how="full", coalesce=True)


def linked_art_objects(
    objects: pl.LazyFrame,
    object_agents: pl.LazyFrame,
    agents: pl.LazyFrame,
    images: pl.LazyFrame,
    *,
    base_url: str,
    titles: Mapping[str, str],
) -> pl.LazyFrame:
    """One HumanMadeObject per object (columns ``object_key``, ``source``, ``document``), in the
    objects table's order; ``titles``: each source's museum by name, its current owner."""
    links = object_links(object_agents, agents, images, base_url=base_url)
    return object_documents(objects, links, base_url=base_url, titles=titles)


def object_documents(
    objects: pl.LazyFrame, links: pl.LazyFrame, *, base_url: str, titles: Mapping[str, str]
) -> pl.LazyFrame:
    """``linked_art_objects`` from ``object_links`` computed beforehand: the exports write the
    links once and the documents a slice of objects at a time (``outputs.exchange_write``)."""
    base = base_url.rstrip("/")
    rows = objects.join(links, on="object_key", how="left", maintain_order="left")
    manifest = manifest_id(base, pl.col("source"), pl.col("source_id"))
    document = json_object(
        {
            "@context": LINKED_ART_CONTEXT,
            "id": value(entity_id(base, "object", pl.col("source"), pl.col("source_id"))),
            "type": "HumanMadeObject",
            "_label": value(pl.col("title")),
            "identified_by": _object_names(),
            "classified_as": one_item(
                _concept(base, "classification", pl.col("classification"), meta=aat.TYPE_OF_WORK)
            ),
            "referred_to_by": json_array(
                [
                    _statement(pl.col("medium"), aat.MATERIALS_STATEMENT),
                    _statement(pl.col("dimensions_text"), aat.DIMENSIONS_STATEMENT),
                    _statement(pl.col("credit_line"), aat.CREDIT_LINE),
                ]
            ),
            "dimension": json_array(
                [
                    _dimension(pl.col("height_cm"), aat.HEIGHT),
                    _dimension(pl.col("width_cm"), aat.WIDTH),
                    _dimension(pl.col("depth_cm"), aat.DEPTH),
                    _dimension(pl.col("diameter_cm"), aat.DIAMETER),
                ]
            ),
            "produced_by": _production(base),
            "current_owner": one_item(_museum(base, titles)),
            "member_of": one_item(_department_set(base)),
            "representation": _representation(),
            "subject_of": json_array(
                [
                    _web_page(pl.col("url"), "Web page", classified=aat.WEB_PAGE, format="text/html"),
                    _web_page(
                        pl.when(pl.col("sized_images").fill_null(0) > 0).then(manifest),
                        "IIIF manifest",
                        format=IIIF_MANIFEST_FORMAT,
                        conforms_to=[{"id": IIIF_PRESENTATION, "type": "InformationObject"}],
                    ),
                ]
            ),
        }
    )
    return rows.select("object_key", "source", document=document)


def _object_names() -> pl.Expr:
    """The object's title as its primary name, and its accession number where it has one."""
    title = json_object(
        {"type": "Name", "content": value(pl.col("title")), "classified_as": [type_ref(aat.PRIMARY_NAME)]}
    )
    number = json_object(
        {
            "type": "Identifier",
            "content": value(pl.col("object_number")),
            "classified_as": [type_ref(aat.ACCESSION_NUMBER)],
        }
    )
    return json_array([title, pl.when(pl.col("object_number").is_not_null()).then(number)])


def _production(base: str) -> pl.Expr:
    """The object's Production: when it was made (the date as written and its years) and by whom
    (from ``credits``); null when the object has neither."""
    carried_out_by, part = _production_parts(base)
    production = json_object(
        {
            "type": "Production",
            "timespan": timespan(pl.col("date_start_year"), pl.col("date_end_year"), pl.col("date_text")),
            "carried_out_by": carried_out_by,
            "part": part,
        }
    )
    has_production = (
        pl.col("date_start_year").is_not_null()
        | pl.col("date_end_year").is_not_null()
        | pl.col("date_text").is_not_null()
        | (pl.col("credits").list.len() > 0).fill_null(False)
    )
    return pl.when(has_production).then(production)


def _museum(base: str, titles: Mapping[str, str]) -> pl.Expr:
    """The museum of the object's source, as a Group: its current owner (``titles``: by source)."""
    return json_object(
        {
            "id": value(pl.concat_str(pl.lit(f"{base}/museum/"), pl.col("source"))),
            "type": "Group",
            "_label": value(lookup(pl.col("source"), titles, default=pl.col("source"))),
        }
    )


def _department_set(base: str) -> pl.Expr:
    """The Set of the objects of the object's department at its museum; null without a usable
    department name."""
    department_set = json_object(
        {
            "id": value(
                pl.concat_str(
                    pl.lit(f"{base}/set/"),
                    pl.col("source"),
                    pl.lit("/department/"),
                    slug(pl.col("department")),
                )
            ),
            "type": "Set",
            "_label": value(pl.col("department")),
        }
    )
    return pl.when(slug(pl.col("department")).is_not_null()).then(department_set)


def identity_id(base_url: str, identity_key: pl.Expr) -> pl.Expr:
    """``{base}/agent/{source}/{source_id}`` of the identity's key (its smallest agent's key): the
    one id of a maker however many museums hold it, stable while its agents are unchanged."""
    return entity_id(
        base_url,
        "agent",
        identity_key.str.extract(r"^([^:]+):", 1),
        identity_key.str.extract(r"^[^:]+:(.*)$", 1),
    )


def _equivalents(agents: pl.LazyFrame, base_url: str, titles: Mapping[str, str]) -> pl.LazyFrame:
    """Per identity_key: ``equivalent``, each museum's record of the maker (its page where the
    museum gives one, else the agent's id here), labelled with the maker's name and the museum's
    title (``titles``, by source)."""
    record = pl.coalesce(pl.col("url"), entity_id(base_url, "agent", pl.col("source"), pl.col("source_id")))
    museum = lookup(pl.col("source"), titles, default=pl.col("source"))
    ref = json_object(
        {
            "id": value(record),
            "type": value(pl.col("la_type")),
            "_label": value(pl.concat_str(pl.col("name"), pl.lit(" ("), museum, pl.lit(")"))),
        }
    )
    return agents.group_by("identity_key").agg(
        equivalent=ref.sort_by("agent_key"),
        nationality=pl.col("nationality").sort_by("agent_key").drop_nulls().first(),
    )


def linked_art_people(
    agents: pl.LazyFrame, identities: pl.LazyFrame, *, base_url: str, titles: Mapping[str, str]
) -> pl.LazyFrame:
    """One Person or Group per identity (columns ``identity_key``, ``la_type``, ``document``), in
    the identities' order; anonymous placeholders have none. Id from the identity key
    (``identity_id``); the preferred name; birth and death (a Group's formation and dissolution);
    the first nationality its museums state, as a statement (no nationality vocabulary id is
    pinned); each museum's record as ``equivalent`` (``titles``: the museums' names, by source).
    A culture is a Group (``LA_TYPES``)."""
    base = base_url.rstrip("/")
    typed = with_agent_types(identities).drop_nulls("la_type")
    members = _equivalents(with_agent_types(agents).drop_nulls("la_type"), base, titles)
    person = pl.col("la_type") == "Person"

    def event(kind: str, year: str) -> pl.Expr:
        span = timespan(pl.col(year), pl.col(year))
        return pl.when(pl.col(year).is_not_null()).then(json_object({"type": kind, "timespan": span}))

    nationality = pl.when(pl.col("nationality").is_not_null()).then(
        json_object(
            {"type": "LinguisticObject", "_label": "Nationality", "content": value(pl.col("nationality"))}
        )
    )
    document = json_object(
        {
            "@context": LINKED_ART_CONTEXT,
            "id": value(identity_id(base, pl.col("identity_key"))),
            "type": value(pl.col("la_type")),
            "_label": value(pl.col("name")),
            "identified_by": one_item(
                json_object(
                    {
                        "type": "Name",
                        "content": value(pl.col("name")),
                        "classified_as": [type_ref(aat.PRIMARY_NAME)],
                    }
                )
            ),
            "referred_to_by": one_item(nationality),
            "equivalent": joined_array(pl.col("equivalent")),
            "born": pl.when(person).then(event("Birth", "birth_year")),
            "died": pl.when(person).then(event("Death", "death_year")),
            "formed_by": pl.when(~person).then(event("Formation", "birth_year")),
            "dissolved_by": pl.when(~person).then(event("Dissolution", "death_year")),
        }
    )
    return typed.join(members, on="identity_key", how="left", maintain_order="left").select(
        "identity_key", "la_type", document=document
    )
