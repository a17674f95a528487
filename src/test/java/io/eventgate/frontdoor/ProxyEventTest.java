package io.eventgate.frontdoor;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading API Gateway proxy events (1.0 and 2.0) into method, path, headers and body. */
class ProxyEventTest {

    @Test
    void restApiEventUsesPathWithoutStageAndCaseInsensitiveHeaders() {
        ProxyEvent event = ProxyEvent.parse(LambdaEvents.fixture("v1-post-topic.json"));
        assertEquals("POST", event.method());
        assertEquals("/topics/public.cps.za.test", event.path());
        assertEquals("application/json", event.headers().get("content-type"));
        assertEquals("Bearer <set by the test>", event.headers().get("AUTHORIZATION"));
        assertTrue(((String) event.body()).startsWith("{\"event_id\""));
    }

    @Test
    void restApiRepeatedHeaderKeepsAllValues() {
        Map<String, Object> raw = LambdaEvents.v1("GET", "/health");
        LambdaEvents.map(raw, "multiValueHeaders").put("X-Forwarded-For", List.of("10.0.0.1", "10.0.0.2"));
        LambdaEvents.map(raw, "headers").remove("X-Forwarded-For");
        assertEquals("10.0.0.1,10.0.0.2", ProxyEvent.parse(raw).headers().get("x-forwarded-for"));
    }

    @Test
    void httpApiEventDropsTheStageDecodesBase64AndKeepsCookies() {
        ProxyEvent event = ProxyEvent.parse(LambdaEvents.fixture("v2-post-topic.json"));
        assertEquals("POST", event.method());
        assertEquals("/topics/public.cps.za.test", event.path());
        assertEquals("Bearer <set by the test>", event.headers().get("Authorization"));
        assertEquals("session=0f3c2a; theme=dark", event.headers().get("Cookie"));
        assertArrayEquals(("{\"event_id\": \"<set by the test>\", \"tenant_id\": \"DEMO\", \"source_app\": \"tests\", "
                + "\"environment\": \"dev\", \"timestamp\": 1732000000000}").getBytes(StandardCharsets.UTF_8),
                (byte[]) event.body());
    }

    @Test
    void stagePrefixIsOnlyStrippedForANamedStage() {
        assertEquals("/topics", ProxyEvent.withoutStage("/dev/topics", "dev"));
        assertEquals("/", ProxyEvent.withoutStage("/dev", "dev"));
        assertEquals("/devices", ProxyEvent.withoutStage("/devices", "dev"));
        assertEquals("/dev/topics", ProxyEvent.withoutStage("/dev/topics", "$default"));
        assertEquals("/topics", ProxyEvent.withoutStage("/topics", null));
    }

    @Test
    void emptyEventIsARequestForNothing() {
        ProxyEvent event = ProxyEvent.parse(Map.of());
        assertEquals("", event.method());
        assertEquals("/", event.path());
        assertTrue(event.headers().isEmpty());
    }

    @Test
    void textContentTypesAreNotBase64() {
        assertTrue(ProxyEvent.isText("text/css; charset=utf-8"));
        assertTrue(ProxyEvent.isText("application/json"));
        assertTrue(ProxyEvent.isText("application/yaml"));
        assertTrue(ProxyEvent.isText("application/problem+json"));
        assertFalse(ProxyEvent.isText("image/png"));
        assertFalse(ProxyEvent.isText("application/octet-stream"));
        assertFalse(ProxyEvent.isText(null));
    }
}
