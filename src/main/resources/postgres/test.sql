-- public.cps.za.test: one row per event. The event is the one bound parameter (JSON text);
-- every value is read from it inside Postgres. The column timestamp_event holds the event's "timestamp".
-- Idempotent on event_id (the unique index of V1.4.0.2.1): a retry of a stored event inserts nothing.
WITH event AS (SELECT CAST(:#${body} AS jsonb) AS e)
INSERT INTO public_cps_za_test
    (event_id, tenant_id, source_app, environment, timestamp_event, additional_info)
SELECT e ->> 'event_id',
       e ->> 'tenant_id',
       e ->> 'source_app',
       e ->> 'environment',
       (e ->> 'timestamp')::numeric::bigint,
       e -> 'additional_info'
FROM event
ON CONFLICT DO NOTHING
