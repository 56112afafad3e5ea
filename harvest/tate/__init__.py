"""The Tate (London), from its public collection repository (github.com/tategallery/collection): a
dump of one JSON file per artwork and per artist rather than an API. Everything the Tate needs is
in this folder: where the dump is (``source``), the raw records' schemas and models (``schemas``),
the harvest assets (``harvest``), the pure clean functions (``clean``) and the shipped sample
(``data/``, with its licence)."""
