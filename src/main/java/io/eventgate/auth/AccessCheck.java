package io.eventgate.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.config.ConfigHolder;
import io.eventgate.config.EventGateConfig;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayException;
import io.eventgate.topics.EventReader;
import org.apache.camel.Exchange;

/**
 * The access checks of a publish, against {@code access.json}: first whether the token's subject
 * may write the topic at all (403 {@code auth}), then, once the body is read, the user's field
 * constraints (403 {@code permission}).
 */
public final class AccessCheck {

    private final ConfigHolder config;

    public AccessCheck(ConfigHolder config) {
        this.config = config;
    }

    public void checkSubject(Exchange exchange) {
        String topic = exchange.getProperty(Exchanges.TOPIC, String.class);
        String subject = exchange.getProperty(Exchanges.SUBJECT, String.class);
        if (!config.current(exchange).access().isListed(topic, subject)) {
            throw new GatewayException(403, "auth", "User not authorized for topic");
        }
    }

    public void checkFields(Exchange exchange) {
        String topic = exchange.getProperty(Exchanges.TOPIC, String.class);
        String subject = exchange.getProperty(Exchanges.SUBJECT, String.class);
        checkFields(config.current(exchange), topic, subject, exchange.getProperty(EventReader.EVENT, JsonNode.class));
    }

    /** The subject's field constraints on one event (also each event of a batch) under {@code in}: 403 when not met. */
    public void checkFields(EventGateConfig in, String topic, String subject, JsonNode event) {
        AccessPolicy.Verdict verdict = in.access().check(topic, subject, event);
        switch (verdict.decision()) {
            case ALLOWED -> { }
            case NOT_LISTED -> throw new GatewayException(403, "auth", "User not authorized for topic");
            case FIELD_REJECTED -> throw new GatewayException(403, "permission", verdict.reason());
        }
    }
}
