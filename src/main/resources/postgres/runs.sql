-- public.cps.za.runs: the run row and one row per entry of "jobs", in one statement, so both
-- commit together or not at all. The event is the one bound parameter (JSON text).
-- Idempotent on event_id (the unique index of V1.4.0.2.1): a run already stored inserts no run
-- row, so RETURNING gives none, and so no job rows either.
-- As in the original EventGate: a job without country gets '', absent JSON fields are NULL.
WITH event AS (SELECT CAST(:#${body} AS jsonb) AS e),
run AS (
    INSERT INTO public_cps_za_runs
        (event_id, job_ref, tenant_id, source_app, source_app_version, environment,
         timestamp_start, timestamp_end)
    SELECT e ->> 'event_id',
           e ->> 'job_ref',
           e ->> 'tenant_id',
           e ->> 'source_app',
           e ->> 'source_app_version',
           e ->> 'environment',
           (e ->> 'timestamp_start')::numeric::bigint,
           (e ->> 'timestamp_end')::numeric::bigint
    FROM event
    ON CONFLICT DO NOTHING
    RETURNING event_id
)
INSERT INTO public_cps_za_runs_jobs
    (event_id, country, catalog_id, status, timestamp_start, timestamp_end, message, additional_info)
SELECT run.event_id,
       CASE WHEN job -> 'country' IS NULL THEN '' ELSE job ->> 'country' END,
       job ->> 'catalog_id',
       job ->> 'status',
       (job ->> 'timestamp_start')::numeric::bigint,
       (job ->> 'timestamp_end')::numeric::bigint,
       job ->> 'message',
       job -> 'additional_info'
FROM run, event, jsonb_array_elements(event.e -> 'jobs') WITH ORDINALITY AS jobs (job, position)
ORDER BY jobs.position
