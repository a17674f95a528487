-- public.cps.za.status_change: the latest merged state per job_id, as ADR-001 describes (the event
-- log itself is in Kafka). The event is the one bound parameter (JSON text).
--
-- Order comes from timestamp_event (last_updated_at): "newer" below means the incoming event is not
-- older than the row (a duplicate counts as newer and changes nothing). Merge rules:
--   most fields              latest non-null: a value once set is never set back to null;
--   status_subtype, _detail  latest, even null (they belong to status_type, which is always set);
--   attempt_number           latest non-default: 1 (the default) counts as null;
--   additional_context       cumulative: keys of both are kept, the newer event's value wins;
--   created/started/finished the event's time, set by event_type (JobCreatedEvent: created;
--                            JobCreatedAndStartedEvent: created and started; JobStartedEvent: started;
--                            JobFinishedEvent: finished; JobUpdatedEvent: none), then latest non-null.
-- JSON null in platform_metadata, input_arguments or additional_context is stored as NULL.
WITH event AS (
    SELECT e, TIMESTAMPTZ 'epoch' + (e ->> 'timestamp_event')::numeric * INTERVAL '1 millisecond' AS at
    FROM (SELECT CAST(:#${body} AS jsonb) AS e) AS body
)
INSERT INTO public_cps_za_status_change_aggregated_job AS cur
    (job_id, job_group_id, parent_job_id, initial_job_id, job_ref, job_name, definition_id,
     definition_version, tenant_id, country, source_app, source_app_version, environment,
     platform, platform_metadata, input_arguments, additional_context, attempt_number,
     status_type, status_subtype, status_detail, created_at, started_at, finished_at, last_updated_at)
SELECT (e ->> 'job_id')::uuid,
       (e ->> 'job_group_id')::uuid,
       (e ->> 'parent_job_id')::uuid,
       (e ->> 'initial_job_id')::uuid,
       e ->> 'job_ref',
       e ->> 'job_name',
       e ->> 'definition_id',
       e ->> 'definition_version',
       e ->> 'tenant_id',
       e ->> 'country',
       e ->> 'source_app',
       e ->> 'source_app_version',
       e ->> 'environment',
       e ->> 'platform',
       NULLIF(e -> 'platform_metadata', 'null'::jsonb),
       NULLIF(e -> 'input_arguments', 'null'::jsonb),
       NULLIF(e -> 'additional_context', 'null'::jsonb),
       COALESCE((e ->> 'attempt_number')::int, 1),
       e ->> 'status_type',
       e ->> 'status_subtype',
       e ->> 'status_detail',
       CASE WHEN e ->> 'event_type' IN ('JobCreatedEvent', 'JobCreatedAndStartedEvent') THEN at END,
       CASE WHEN e ->> 'event_type' IN ('JobCreatedAndStartedEvent', 'JobStartedEvent') THEN at END,
       CASE WHEN e ->> 'event_type' = 'JobFinishedEvent' THEN at END,
       at
FROM event
ON CONFLICT (job_id) DO UPDATE SET
    (job_group_id, parent_job_id, initial_job_id, job_ref, job_name, definition_id,
     definition_version, tenant_id, country, source_app, source_app_version, environment,
     platform, platform_metadata, input_arguments, additional_context, attempt_number, status_type,
     status_subtype, status_detail, created_at, started_at, finished_at, last_updated_at) = (
        SELECT CASE WHEN newer THEN COALESCE(EXCLUDED.job_group_id, cur.job_group_id)
                    ELSE COALESCE(cur.job_group_id, EXCLUDED.job_group_id) END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.parent_job_id, cur.parent_job_id)
                    ELSE COALESCE(cur.parent_job_id, EXCLUDED.parent_job_id) END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.initial_job_id, cur.initial_job_id)
                    ELSE COALESCE(cur.initial_job_id, EXCLUDED.initial_job_id) END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.job_ref, cur.job_ref)
                    ELSE COALESCE(cur.job_ref, EXCLUDED.job_ref) END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.job_name, cur.job_name)
                    ELSE COALESCE(cur.job_name, EXCLUDED.job_name) END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.definition_id, cur.definition_id)
                    ELSE COALESCE(cur.definition_id, EXCLUDED.definition_id) END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.definition_version, cur.definition_version)
                    ELSE COALESCE(cur.definition_version, EXCLUDED.definition_version) END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.tenant_id, cur.tenant_id)
                    ELSE COALESCE(cur.tenant_id, EXCLUDED.tenant_id) END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.country, cur.country)
                    ELSE COALESCE(cur.country, EXCLUDED.country) END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.source_app, cur.source_app)
                    ELSE COALESCE(cur.source_app, EXCLUDED.source_app) END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.source_app_version, cur.source_app_version)
                    ELSE COALESCE(cur.source_app_version, EXCLUDED.source_app_version) END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.environment, cur.environment)
                    ELSE COALESCE(cur.environment, EXCLUDED.environment) END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.platform, cur.platform)
                    ELSE COALESCE(cur.platform, EXCLUDED.platform) END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.platform_metadata, cur.platform_metadata)
                    ELSE COALESCE(cur.platform_metadata, EXCLUDED.platform_metadata) END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.input_arguments, cur.input_arguments)
                    ELSE COALESCE(cur.input_arguments, EXCLUDED.input_arguments) END,
               CASE WHEN newer THEN COALESCE(cur.additional_context || EXCLUDED.additional_context,
                                         EXCLUDED.additional_context, cur.additional_context)
                    ELSE COALESCE(EXCLUDED.additional_context || cur.additional_context,
                                  cur.additional_context, EXCLUDED.additional_context) END,
               CASE WHEN newer THEN COALESCE(NULLIF(EXCLUDED.attempt_number, 1), cur.attempt_number)
                    ELSE COALESCE(NULLIF(cur.attempt_number, 1), EXCLUDED.attempt_number) END,
               CASE WHEN newer THEN EXCLUDED.status_type ELSE cur.status_type END,
               CASE WHEN newer THEN EXCLUDED.status_subtype ELSE cur.status_subtype END,
               CASE WHEN newer THEN EXCLUDED.status_detail ELSE cur.status_detail END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.created_at, cur.created_at)
                    ELSE COALESCE(cur.created_at, EXCLUDED.created_at) END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.started_at, cur.started_at)
                    ELSE COALESCE(cur.started_at, EXCLUDED.started_at) END,
               CASE WHEN newer THEN COALESCE(EXCLUDED.finished_at, cur.finished_at)
                    ELSE COALESCE(cur.finished_at, EXCLUDED.finished_at) END,
               GREATEST(EXCLUDED.last_updated_at, cur.last_updated_at)
        FROM (SELECT EXCLUDED.last_updated_at >= cur.last_updated_at AS newer) AS incoming
    )
