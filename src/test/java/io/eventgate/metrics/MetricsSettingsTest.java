package io.eventgate.metrics;

import io.eventgate.EventGateApplication;
import io.eventgate.config.ConfigException;
import io.eventgate.config.S3ConfigReader;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static io.eventgate.testsupport.Answers.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings of {@code /metrics} and of traces, over real HTTP. */
class MetricsSettingsTest {

    @Test
    void metricsCanRequireAnAdminToken() {
        try (RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.metrics.require_admin", "true"))) {

            assertError(gateway.get("/metrics"), 401, "auth", "Token is missing");
            assertError(read(gateway, gateway.token("TestUser")), 403, "auth", "metrics");
            HttpResponse<String> admin = read(gateway, gateway.token("EventGateAdmin"));
            assertEquals(200, admin.statusCode(), admin.body());
            assertTrue(admin.body().contains("eventgate_publish_in_flight"), admin.body());
        }
    }

    private static HttpResponse<String> read(RunningGateway gateway, String token) {
        return gateway.send(HttpRequest.newBuilder(gateway.uri("/metrics"))
                .header("Authorization", "Bearer " + token).GET().build());
    }

    @Test
    void metricsCanBeTurnedOffAndPublishingGoesOn() {
        try (RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.metrics.enabled", "false"))) {

            assertError(gateway.get("/metrics"), 404, "route", "not found");
            assertEquals(202, gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"),
                    Events.test(Events.id())).statusCode());
            assertError(gateway.post("/topics/public.cps.za.test", null, Events.test(Events.id())), 401, "auth", "missing");
        }
    }

    @Test
    void unusableTraceSettingsStopStartUpWithOneLine() {
        ConfigException refused = assertThrows(ConfigException.class, () -> EventGateApplication.create(
                EventGateApplication.FrontDoor.NONE, new S3ConfigReader(), Map.of(
                        "eventgate.token_public_key_url", "",
                        "eventgate.token_public_keys_url", io.eventgate.dev.DevTokens.create().keysUrl(),
                        "eventgate.traces.enabled", "true",
                        "eventgate.traces.otel.traces.exporter", "carrier-pigeon")));
        assertTrue(refused.getMessage().contains("carrier-pigeon"), refused.getMessage());
        assertTrue(refused.getMessage().startsWith("traces.enabled is true"), refused.getMessage());
    }
}
