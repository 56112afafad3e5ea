"""The search export: one JSON document per object, agents, places and images nested.

Written by DuckDB from the analytics database the same step has just built (in scratch); it is
published with that database and the other exports (``outputs.assets``), only when all are complete.
"""

from pathlib import Path

import duckdb

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
    GROUP BY oa.object_key
) AS ag USING (object_key)
LEFT JOIN (
    SELECT op.object_key,
           list({'place_key': p.place_key, 'name': p.name, 'place_type': op.place_type,
                 'latitude': p.latitude, 'longitude': p.longitude} ORDER BY op.place_type, p.place_key) AS places
    FROM object_places AS op JOIN places AS p USING (place_key)
    GROUP BY op.object_key
) AS pl USING (object_key)
LEFT JOIN (
    SELECT object_key,
           list({'image_key': image_key, 'url': url, 'is_primary': is_primary}
                ORDER BY is_primary DESC, rank, image_key) AS images
    FROM images
    GROUP BY object_key
) AS im USING (object_key)
ORDER BY o.object_key
"""


def write_search_export(database: Path, target: Path) -> int:
    """Write ``target`` (NDJSON) from ``database``; returns the number of documents."""
    with duckdb.connect(str(database), read_only=True) as con:
        con.execute(f"COPY ({DOCUMENTS_SQL}) TO ? (FORMAT json)", [str(target)])
        return con.sql("SELECT count(*) FROM objects").fetchall()[0][0]
