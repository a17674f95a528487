package io.eventgate.testsupport;

import java.util.UUID;

/** Valid example events for the example topics, with a fresh event id each time. */
public final class Events {

    private Events() {
    }

    public static String id() {
        return UUID.randomUUID().toString();
    }

    public static String test(String eventId) {
        return """
                {"event_id": "%s", "tenant_id": "DEMO", "source_app": "tests", "environment": "dev",
                 "timestamp": 1732000000000, "additional_info": {"note": "hello"}}""".formatted(eventId);
    }

    public static String dlchange(String eventId) {
        return """
                {"event_id": "%s", "tenant_id": "DLAK", "source_app": "aqueduct", "source_app_version": "1.2.3",
                 "environment": "dev", "timestamp_event": 1732000000000, "country": "za",
                 "catalog_id": "db.table", "operation": "overwrite", "location": "s3://bucket/path",
                 "format": "parquet", "format_options": {"compression": "snappy"},
                 "additional_info": {"rows": 10}}""".formatted(eventId);
    }

    public static String runs(String eventId, String sourceApp, String environment, String tenant) {
        return """
                {"event_id": "%s", "job_ref": "spark-123", "tenant_id": "%s", "source_app": "%s",
                 "source_app_version": "2.0.0", "environment": "%s", "timestamp_start": 1732000000000,
                 "timestamp_end": 1732000100000,
                 "jobs": [
                   {"country": "za", "catalog_id": "db.a", "status": "succeeded",
                    "timestamp_start": 1732000000000, "timestamp_end": 1732000050000, "message": null,
                    "additional_info": {"rows": 1}},
                   {"catalog_id": "db.b", "status": "failed", "timestamp_start": 1732000050000,
                    "timestamp_end": 1732000100000, "message": "boom"}
                 ]}""".formatted(eventId, tenant, sourceApp, environment);
    }

    public static String statusChange(String eventId, String jobId, String statusType) {
        return """
                {"event_type": "JobStartedEvent", "event_id": "%s", "job_id": "%s", "status_type": "%s",
                 "source_app": "orchestrator", "job_name": "nightly load", "timestamp_event": 1732000000000,
                 "attempt_number": 1, "platform": "aws.emr", "platform_metadata": {"cluster_id": "j-1"}}"""
                .formatted(eventId, jobId, statusType);
    }
}
