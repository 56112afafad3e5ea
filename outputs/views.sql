-- Views for the questions a collections team asks. Each reads the tables only, so it is always
-- as fresh as the last good run.

-- How many objects of each classification come from each century (of the start year)?
CREATE VIEW objects_by_classification_century AS
SELECT
    source,
    coalesce(classification, '(unclassified)') AS classification,
    CASE WHEN date_start_year > 0 THEN (date_start_year - 1) // 100 + 1
         ELSE -((-date_start_year) // 100 + 1) END AS century,
    count(*) AS objects
FROM objects
WHERE date_start_year IS NOT NULL
GROUP BY ALL
ORDER BY source, classification, century;

-- How much of each source is on view, and how much in store?
CREATE VIEW objects_on_view AS
SELECT
    source,
    CASE WHEN on_view THEN 'on view' WHEN NOT on_view THEN 'in store' ELSE 'unknown' END AS status,
    count(*) AS objects
FROM objects
GROUP BY ALL
ORDER BY source, status;

-- Which departments have their objects photographed?
CREATE VIEW objects_with_images_by_department AS
SELECT
    source,
    coalesce(department, '(no department)') AS department,
    count(*) AS objects,
    count(*) FILTER (WHERE image_count > 0) AS objects_with_images,
    round(count(*) FILTER (WHERE image_count > 0) / count(*), 3) AS share_with_images
FROM objects
GROUP BY ALL
ORDER BY source, department;

-- Whose work do we hold most of? Makers (persons and groups, never a culture or a placeholder)
-- across museums: one row per identity, its objects counted once however many museums hold them.
CREATE VIEW top_creators AS
SELECT identity_key, name, agent_type, museums, objects, birth_year, death_year, agent_keys
FROM agent_identities
WHERE agent_type IN ('person', 'group') AND objects > 0
ORDER BY objects DESC, identity_key;

-- Which makers does more than one museum hold? One row per identity, most museums first.
CREATE VIEW makers_across_museums AS
SELECT identity_key, name, agent_type, museums, museum_count, agent_keys, objects, birth_year, death_year
FROM agent_identities
WHERE museum_count > 1
ORDER BY museum_count DESC, objects DESC, identity_key;

-- How well dated is each source?
CREATE VIEW date_coverage_by_source AS
SELECT
    source,
    count(*) AS objects,
    count(date_start_year) AS dated,
    count(*) FILTER (WHERE date_source = 'structured') AS dated_from_fields,
    count(*) FILTER (WHERE date_source = 'text') AS dated_from_text,
    count(*) FILTER (WHERE date_uncertain) AS uncertain,
    min(date_start_year) AS earliest_year,
    max(date_end_year) AS latest_year,
    round(count(date_start_year) / count(*), 3) AS share_dated
FROM objects
GROUP BY ALL
ORDER BY source;

-- What did the pipeline find wrong in the records, and handle? Per source and rule: the to-do
-- list's size, for the collections-management team (the rows are in record_issues).
CREATE VIEW record_issues_by_source_and_rule AS
SELECT
    source,
    rule,
    count(DISTINCT record_key) AS records,
    count(*) AS issues,
    count(*) FILTER (WHERE action = 'nulled') AS nulled,
    count(*) FILTER (WHERE action = 'replaced') AS replaced,
    count(*) FILTER (WHERE action = 'kept') AS kept,
    count(*) FILTER (WHERE action = 'dropped') AS dropped
FROM record_issues
GROUP BY ALL
ORDER BY source, rule;
