-- public.cps.za.dlchange: one row per event. The event is the one bound parameter (JSON text).
-- As in the original EventGate: an absent country is stored as '', absent JSON fields as NULL.
-- Idempotent on event_id (the unique index of V1.4.0.2.1): a retry of a stored event inserts nothing.
WITH event AS (SELECT CAST(:#${body} AS jsonb) AS e)
INSERT INTO public_cps_za_dlchange
    (event_id, tenant_id, source_app, source_app_version, environment, timestamp_event,
     country, catalog_id, operation, "location", "format", format_options, additional_info)
SELECT e ->> 'event_id',
       e ->> 'tenant_id',
       e ->> 'source_app',
       e ->> 'source_app_version',
       e ->> 'environment',
       (e ->> 'timestamp_event')::numeric::bigint,
       CASE WHEN e -> 'country' IS NULL THEN '' ELSE e ->> 'country' END,
       e ->> 'catalog_id',
       e ->> 'operation',
       e ->> 'location',
       e ->> 'format',
       e -> 'format_options',
       e -> 'additional_info'
FROM event
ON CONFLICT DO NOTHING
