"""Offline validators for the exchange-standard exports, from the schemas and contexts shipped in
tests/standards/ (sources and licences in its README).

- Linked Art 1.0: JSON Schema draft 2020-12, every schema of the folder in one registry (they refer
  to each other's ``$id``), with format checks on and a date-time check that accepts the signed
  years of BCE instants (valid xsd:dateTime, which RFC 3339's check refuses).
- IIIF Presentation 3: JSON Schema draft 7.
- JSON-LD: pyld expands through a frozen loader serving only the shipped contexts; any other URL
  fails, so nothing reaches the network.
"""

import json
import re
from functools import cache
from pathlib import Path

import jsonschema
from jsonschema.protocols import Validator
from pyld import FrozenDocumentLoader, jsonld
from referencing import Registry, Resource

STANDARDS = Path(__file__).resolve().parents[1] / "standards"
CONTEXTS = {
    "https://linked.art/ns/v1/linked-art.json": "linked-art.json",
    "http://iiif.io/api/presentation/3/context.json": "presentation_3.json",
    "http://iiif.io/api/image/1/context.json": "image_1.json",
    "http://iiif.io/api/image/2/context.json": "image_2.json",
    "http://iiif.io/api/image/3/context.json": "image_3.json",
    "http://iiif.io/api/search/1/context.json": "search_1.json",
    "http://iiif.io/api/auth/1/context.json": "auth_1.json",
    "https://iiif.io/api/registry/selectors/context.json": "registry_selectors.json",
    "http://www.w3.org/ns/anno.jsonld": "anno.jsonld",
}
# xsd:dateTime as the exports write it: an optional sign, at least four year digits, UTC or offset.
_XSD_DATE_TIME = re.compile(
    r"^-?(?:[1-9][0-9]{4,}|[0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-][01][0-9]:[0-5][0-9])$"
)


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    checker = jsonschema.FormatChecker(formats=checker.checkers)  # a copy: the default stays as it is
    checker.checks("date-time")(
        lambda instance: not isinstance(instance, str) or bool(_XSD_DATE_TIME.match(instance))
    )
    return checker


@cache
def linked_art_validator(name: str) -> Validator:
    """The validator of the Linked Art schema ``name`` (object, person, group)."""
    schemas = {p.name: json.loads(p.read_text()) for p in (STANDARDS / "linked-art").glob("*.json")}
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    return jsonschema.Draft202012Validator(
        schemas[f"{name}.json"], registry=registry, format_checker=_format_checker()
    )


@cache
def iiif_validator() -> Validator:
    schema = json.loads((STANDARDS / "iiif" / "iiif_3_0.json").read_text())
    return jsonschema.Draft7Validator(schema)


def errors(validator: Validator, document: dict) -> list[str]:
    """Every schema error of ``document``, each with its path, or [] when it validates."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def frozen_loader() -> FrozenDocumentLoader:
    """Serves the shipped contexts at their URLs and refuses every other URL."""
    return FrozenDocumentLoader(
        documents={url: STANDARDS / "contexts" / name for url, name in CONTEXTS.items()}
    )


def expand(document: dict) -> list[dict]:
    return jsonld.expand(document, {"documentLoader": frozen_loader()})


def keys(node: object) -> set[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in keys(v)}
    return set()


def key_count(node: object) -> int:
    """How many keys a JSON document has, at any depth (a key JSON-LD drops is one fewer)."""
    if isinstance(node, dict):
        return len(node) + sum(key_count(v) for v in node.values())
    if isinstance(node, list):
        return sum(key_count(v) for v in node)
    return 0
