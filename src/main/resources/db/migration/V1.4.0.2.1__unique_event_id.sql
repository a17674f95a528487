-- EventGate's addition to the upstream schema (V1.4.0.2 is the upstream's DDL as it is): event_id
-- is unique in the tables that store one row per event, so that the Postgres sink's inserts
-- (ON CONFLICT DO NOTHING, in src/main/resources/postgres/*.sql) make a client's retry of an event
-- already stored insert nothing. Without these indexes the inserts still work, but a retry adds a
-- second row. On a database that already holds a duplicate event_id, remove the duplicates first:
-- the index cannot be built over them.
--
-- public_cps_za_runs_jobs holds several rows per event (one per job): the run's row guards them, as
-- runs.sql inserts the job rows only with a new run row. public_cps_za_status_change_aggregated_job
-- has its primary key, job_id, and merges a repeated event into the same row (ADR-001).

CREATE UNIQUE INDEX IF NOT EXISTS public_cps_za_runs_event_id_key ON public_cps_za_runs (event_id);
CREATE UNIQUE INDEX IF NOT EXISTS public_cps_za_dlchange_event_id_key ON public_cps_za_dlchange (event_id);
CREATE UNIQUE INDEX IF NOT EXISTS public_cps_za_test_event_id_key ON public_cps_za_test (event_id);
