package io.eventgate.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on what a client sees: the contract's response bodies. */
public final class Answers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Answers() {
    }

    /** A contract error: this status, JSON, exactly one error of this type whose message contains {@code messagePart}. */
    public static void assertError(HttpResponse<String> response, int status, String type, String messagePart) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        JsonNode body = json(response.body());
        assertFalse(body.get("success").asBoolean());
        assertEquals(status, body.get("statusCode").asInt());
        assertEquals(1, body.get("errors").size(), response.body());
        assertEquals(type, body.get("errors").get(0).get("type").asText(), response.body());
        assertTrue(body.get("errors").get(0).get("message").asText().contains(messagePart), response.body());
    }

    public static void assertJson(String expected, String actual) {
        assertEquals(json(expected), json(actual));
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
