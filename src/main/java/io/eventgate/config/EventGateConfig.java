package io.eventgate.config;

import io.eventgate.auth.AccessPolicy;
import io.eventgate.auth.TokenVerifier;
import io.eventgate.topics.TopicCatalog;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One loaded, checked configuration. Immutable: a reload builds a new one and swaps it in whole.
 *
 * @param settings   config.json with overrides
 * @param access     who may write which topic
 * @param topics     topic schemas, compiled
 * @param verifier   the JWT verifier, with the public keys parsed
 * @param topicKeys  topic to the event field whose value is the message key
 * @param apiYaml    the OpenAPI document, served verbatim
 * @param admins     subjects allowed to call /terminate (lower case)
 * @param loadedAt   when this configuration was loaded
 */
public record EventGateConfig(
        Settings settings,
        AccessPolicy access,
        TopicCatalog topics,
        TokenVerifier verifier,
        Map<String, String> topicKeys,
        String apiYaml,
        Set<String> admins,
        Instant loadedAt) {

    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    public Optional<String> keyField(String topic) {
        return Optional.ofNullable(topicKeys.get(topic));
    }

    public long maxBodyBytes() {
        return settings.getLong("max_body_bytes", DEFAULT_MAX_BODY_BYTES);
    }

    public String tokenProviderUrl() {
        return settings.get("token_provider_url", "");
    }
}
