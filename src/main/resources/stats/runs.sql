-- POST /stats/public.cps.za.runs: one page of job rows, each with its run, the newest job first.
-- The rows are filtered on the run's timestamp_start (windowStart to windowEnd, epoch ms, both
-- included) and paged by keyset on the job's internal_id: a page starts below the cursor (the
-- first page's cursor is the largest bigint, so that one statement serves every page and the
-- primary key is walked from the cursor down, never skipped through). "fetch" is one more row than
-- the page, so that the caller knows whether another page follows. Every value is a bound
-- parameter (io.eventgate.stats.StatsRequest); none is written into this text.
-- additional_info is read as text and given to the client as the JSON it holds.
SELECT r.event_id,
       r.job_ref,
       r.tenant_id,
       r.source_app,
       r.source_app_version,
       r.environment,
       r.timestamp_start AS run_timestamp_start,
       r.timestamp_end AS run_timestamp_end,
       j.internal_id,
       j.country,
       j.catalog_id,
       j.status,
       j.timestamp_start,
       j.timestamp_end,
       j.message,
       CAST(j.additional_info AS text) AS additional_info
FROM public_cps_za_runs_jobs j
JOIN public_cps_za_runs r ON r.event_id = j.event_id
WHERE r.timestamp_start >= :#windowStart
  AND r.timestamp_start <= :#windowEnd
  AND j.internal_id < :#cursor
ORDER BY j.internal_id DESC
LIMIT :#fetch
