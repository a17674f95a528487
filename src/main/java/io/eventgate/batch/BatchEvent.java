package io.eventgate.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.gateway.GatewayException;

/**
 * One event of a batch: its place in the array, its JSON text exactly as the client sent it, and
 * either what the checks found (the parsed event, its message key) or why they refused it.
 *
 * @param index   its place in the request's array, from 0
 * @param text    the element's text, byte for byte as sent (what the sinks get)
 * @param event   the parsed event; null when refused
 * @param key     the message key (topic_keys.json), null when the topic has none or the event was refused
 * @param refusal the check that refused it (400, 403, 413), null when it passed every check
 */
public record BatchEvent(int index, String text, JsonNode event, String key, GatewayException refusal) {

    static BatchEvent accepted(int index, String text, JsonNode event, String key) {
        return new BatchEvent(index, text, event, key, null);
    }

    static BatchEvent refused(int index, String text, GatewayException refusal) {
        return new BatchEvent(index, text, null, null, refusal);
    }

    public boolean valid() {
        return refusal == null;
    }
}
