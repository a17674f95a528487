package io.eventgate.topics;

import io.eventgate.gateway.GatewayException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A body that is not JSON is told why in a plain sentence, with where, and nothing of Jackson's insides. */
class JsonErrorMessagesTest {

    private static String refusal(String body) {
        return assertThrows(GatewayException.class, () -> EventReader.parse(body)).getMessage();
    }

    @Test
    void eachKindOfMalformedBodyHasAPlainReason() {
        assertEquals("Request body is not valid JSON at line 1, column 7: unexpected character '}'", refusal("{\"a\": }"));
        assertPlain(refusal("{\"a\": nope}"), "unrecognized word 'nope'");
        assertPlain(refusal("{\"a\": 1"), "it ends before the JSON value is complete");
        assertPlain(refusal("{\"a\": 1} trailing"), "unrecognized word");
        assertPlain(refusal("[".repeat(1200)), "nested deeper than 1000 levels");
        assertPlain(refusal("{\"a\": " + "1".repeat(2000) + "}"), "more than 1000 digits");
        assertPlain(refusal("{\"a\": 01}"), "a number is not valid JSON");
        assertPlain(refusal("{\"a\": \"tab\there\"}"), "control character");
    }

    private static void assertPlain(String message, String reason) {
        assertFalse(message.contains("StreamReadConstraints") || message.contains("com.fasterxml")
                || message.contains("JsonToken") || message.contains("(code "), message);
        assertTrue(message.startsWith("Request body is not valid JSON"), message);
        assertTrue(message.contains(reason), "expected '" + reason + "' in: " + message);
    }
}
