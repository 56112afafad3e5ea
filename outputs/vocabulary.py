"""The Getty AAT terms the Linked Art and IIIF exports use: the one pinned table of vocabulary ids.

Each id was checked against linked.art's required and recommended vocabulary pages and the
``linked-art/crom`` library's ``vocab_classes.json`` (tests/standards/README.md). No other module
writes an AAT id, and the exports' asset checks refuse any AAT id not listed here. Terms the
museums use that have no pinned id (their classifications, creator roles, nationalities) are
never given a guessed AAT id: see ``outputs.linked_art``.
"""

from dataclasses import dataclass

AAT = "http://vocab.getty.edu/aat/"


@dataclass(frozen=True)
class Term:
    aat_id: str  # the number, e.g. "300404670"
    label: str

    @property
    def uri(self) -> str:
        return AAT + self.aat_id


PRIMARY_NAME = Term("300404670", "Primary Name")
DISPLAY_NAME = Term("300404669", "Display Name")
ACCESSION_NUMBER = Term("300312355", "Accession Number")
TYPE_OF_WORK = Term("300435443", "Type of Work")
HEIGHT = Term("300055644", "Height")
WIDTH = Term("300055647", "Width")
DEPTH = Term("300072633", "Depth")
DIAMETER = Term("300055624", "Diameter")
WEIGHT = Term("300056240", "Weight")
CENTIMETERS = Term("300379098", "centimeters")
MILLIMETERS = Term("300379097", "millimeters")
BRIEF_TEXT = Term("300418049", "Brief Text")
CREDIT_LINE = Term("300026687", "Credit Line")
MATERIALS_STATEMENT = Term("300435429", "Materials Statement")
DIMENSIONS_STATEMENT = Term("300435430", "Dimensions Statement")
COLLECTION = Term("300025976", "Collection")
DEPARTMENT = Term("300263534", "Department")
DIGITAL_IMAGE = Term("300215302", "Digital Image")
WEB_PAGE = Term("300264578", "Web Page")
ARTWORK = Term("300133025", "Artwork")
COLLECTION_ITEM = Term("300404024", "Collection Item")
ENGLISH = Term("300388277", "English")

TERMS = (
    PRIMARY_NAME, DISPLAY_NAME, ACCESSION_NUMBER, TYPE_OF_WORK, HEIGHT, WIDTH, DEPTH, DIAMETER, WEIGHT,
    CENTIMETERS, MILLIMETERS, BRIEF_TEXT, CREDIT_LINE, MATERIALS_STATEMENT, DIMENSIONS_STATEMENT,
    COLLECTION, DEPARTMENT, DIGITAL_IMAGE, WEB_PAGE, ARTWORK, COLLECTION_ITEM, ENGLISH,
)  # fmt: skip
PINNED_URIS = frozenset(term.uri for term in TERMS)
# Any AAT id in a document, as the checks find it: the exports write ids only as full URIs.
AAT_URI_PATTERN = r"https?://vocab\.getty\.edu/aat/[0-9]+"
