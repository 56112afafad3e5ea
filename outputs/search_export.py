"""The search export: one JSON document per object, agents, places and images nested.

Written by DuckDB from the analytics database the same step has just built (in scratch); it is
published with that database and the other exports (``outputs.assets``), only when all are complete.
"""

from functools import partial
from pathlib import Path

import duckdb

from outputs.json_text import write_in_parts

# Objects per COPY: DuckDB's nested aggregates and the sort hold a chunk's documents, so the
# export's memory is bounded by the chunk, not the collection. Measured at 1M generated objects
# (docs/performance.md): one COPY of all took 5.2 GB with DuckDB's default budget and failed
# within 1 GB; chunks of 20,000 run within 256 MB, chunks of 50,000 within 512 MB.
CHUNK_OBJECTS = 20_000
# DuckDB's budget (its default is 80% of RAM): twice what a chunk was measured to need.
MEMORY_LIMIT = "512MB"

# One chunk's documents: the objects whose keys lie between $first and $last (inclusive), and
# only their agents, places and images, so each chunk reads its own rows.
DOCUMENTS_SQL = """
SELECT
    o.*,
    coalesce(ag.agents, []) AS agents,
    coalesce(pl.places, []) AS places,
    coalesce(im.images, []) AS images
FROM objects AS o
LEFT JOIN (
    SELECT oa.object_key,
           list({'agent_key': a.agent_key, 'name': a.name, 'role': oa.role, 'nationality': a.nationality}
                ORDER BY oa.role, a.agent_key) AS agents
    FROM object_agents AS oa JOIN agents AS a USING (agent_key)
    WHERE oa.object_key BETWEEN $first AND $last
    GROUP BY oa.object_key
) AS ag USING (object_key)
LEFT JOIN (
    SELECT op.object_key,
           list({'place_key': p.place_key, 'name': p.name, 'place_type': op.place_type,
                 'latitude': p.latitude, 'longitude': p.longitude} ORDER BY op.place_type, p.place_key) AS places
    FROM object_places AS op JOIN places AS p USING (place_key)
    WHERE op.object_key BETWEEN $first AND $last
    GROUP BY op.object_key
) AS pl USING (object_key)
LEFT JOIN (
    SELECT object_key,
           list({'image_key': image_key, 'url': url, 'is_primary': is_primary}
                ORDER BY is_primary DESC, rank, image_key) AS images
    FROM images
    WHERE object_key BETWEEN $first AND $last
    GROUP BY object_key
) AS im USING (object_key)
WHERE o.object_key BETWEEN $first AND $last
ORDER BY o.object_key
"""

# The first and last key of each run of CHUNK_OBJECTS objects, in key order.
CHUNKS_SQL = """
SELECT min(object_key), max(object_key)
FROM (SELECT object_key, (row_number() OVER (ORDER BY object_key) - 1) // $size AS chunk FROM objects)
GROUP BY chunk
ORDER BY chunk
"""


def write_search_export(database: Path, target: Path, *, chunk_objects: int = CHUNK_OBJECTS) -> int:
    """Write ``target`` (NDJSON, objects in key order) from ``database``, ``chunk_objects`` objects
    per query appended in key order; returns the number of documents."""
    with duckdb.connect(str(database), read_only=True) as con:
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        chunks = con.execute(CHUNKS_SQL, {"size": chunk_objects}).fetchall()

        def write_chunk(first: str, last: str, part: Path) -> None:
            con.execute(f"COPY ({DOCUMENTS_SQL}) TO '{part}' (FORMAT json)", {"first": first, "last": last})

        write_in_parts(target, (partial(write_chunk, first, last) for first, last in chunks))
        return con.sql("SELECT count(*) FROM objects").fetchall()[0][0]
