package io.eventgate.sinks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgate.Causes;
import io.eventgate.config.ConfigHolder;
import io.eventgate.config.SecretsManagerSecret;
import io.eventgate.config.Settings;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.io.IOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Kafka client properties that say how EventGate connects and authenticates to the brokers:
 * the same ones for the sink's producer ({@link KafkaClients}) and for its {@code /health} probe
 * ({@link KafkaHealthCheck}), so that the probe fails exactly when publishing would.
 *
 * <p>They are every non-empty setting {@code kafka.<Kafka client property>} ({@code config.json},
 * or an override such as {@code EVENTGATE_KAFKA_SASL_JAAS_CONFIG}), and on top of them, when
 * {@code kafka_secret_name} is set, the AWS Secrets Manager secret of that name (region
 * {@code kafka_secret_region}, else {@code aws_region}, else the SDK's default; endpoint
 * {@code kafka_secret_endpoint_override}). The secret is a JSON object whose fields are Kafka client
 * properties ({@code "sasl.jaas.config"}, {@code "ssl.keystore.password"}, ...), or {@code username}
 * and {@code password} (the form of an Amazon MSK SCRAM secret), from which the JAAS line of the
 * SCRAM or PLAIN login module is made.
 *
 * <p>They are resolved on first use (the first event, or the first {@code /health}) and kept: a
 * rotated secret needs a restart. A failure to read the secret is kept for a few seconds, then the
 * next use tries again.
 * No message of this class holds a value of the secret.
 */
public final class KafkaSecurity {

    public static final String SECRET_NAME = "kafka_secret_name";
    public static final String SECRET_REGION = "kafka_secret_region";
    /** Endpoint override for Secrets Manager (a VPC endpoint, or a test server). */
    public static final String SECRET_ENDPOINT = "kafka_secret_endpoint_override";

    private static final String PREFIX = "kafka.";
    private static final String ENDPOINT_IDENTIFICATION = "ssl.endpoint.identification.algorithm";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** After a failed read, how long the failure is answered again before Secrets Manager is asked anew. */
    static final long RETRY_AFTER_MS = 5000;

    private final ConfigHolder config;
    private volatile Map<String, Object> resolved;
    private SecretException lastFailure;
    private long lastFailureAt;

    public KafkaSecurity(ConfigHolder config) {
        this.config = config;
    }

    /**
     * The security properties, read on first use. A failure is answered again for
     * {@link #RETRY_AFTER_MS} without asking Secrets Manager, so that a secret that cannot be read
     * costs each event no call of its own (and no wait for the lock behind one).
     *
     * @throws SecretException when the secret cannot be read or is not usable
     */
    public Map<String, Object> clientProperties() {
        Map<String, Object> properties = resolved;
        if (properties == null) {
            synchronized (this) {
                if (resolved == null) {
                    if (lastFailure != null && System.nanoTime() - lastFailureAt < RETRY_AFTER_MS * 1_000_000) {
                        throw new SecretException(lastFailure.getMessage(), lastFailure);
                    }
                    try {
                        resolved = resolve(config.current().settings());
                    } catch (SecretException e) {
                        lastFailure = e;
                        lastFailureAt = System.nanoTime();
                        throw e;
                    }
                }
                properties = resolved;
            }
        }
        return properties;
    }

    /** The {@code kafka.*} settings as client properties, with the secret's on top. */
    static Map<String, Object> resolve(Settings settings) {
        Map<String, Object> properties = new LinkedHashMap<>();
        settings.asMap().forEach((key, value) -> {
            if (key.startsWith(PREFIX) && key.length() > PREFIX.length() && !value.isBlank()) {
                properties.put(key.substring(PREFIX.length()), value.trim());
            }
        });
        // An empty setting is no setting; Kafka's own way to turn host name verification off is the
        // empty string, so that is spelt "none" here.
        if ("none".equalsIgnoreCase((String) properties.get(ENDPOINT_IDENTIFICATION))) {
            properties.put(ENDPOINT_IDENTIFICATION, "");
        }
        settings.get(SECRET_NAME).ifPresent(name -> {
            String region = settings.get(SECRET_REGION).or(() -> settings.get("aws_region")).orElse(null);
            String text;
            try {
                text = SecretsManagerSecret.read(what(name), name, region, settings.get(SECRET_ENDPOINT).orElse(null));
            } catch (RuntimeException e) {
                throw new SecretException(what(name) + " cannot be read from Secrets Manager: " + reason(e), e);
            }
            properties.putAll(fromSecret(name, text, (String) properties.get("sasl.mechanism")));
        });
        return Collections.unmodifiableMap(properties);
    }

    /**
     * Why a read failed, in words that name no host, account or role: the SDK's own text does (the
     * endpoint's address when it cannot be reached, the caller's ARN when access is denied), and this
     * reason is the publish's answer and {@code /health}'s.
     */
    private static String reason(RuntimeException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorCode() != null) {
            return service.awsErrorDetails().errorCode() + " (HTTP " + service.statusCode() + ")";
        }
        if (e instanceof ApiCallTimeoutException) {
            return "no answer in time";
        }
        if (e instanceof SdkClientException) {
            for (Throwable t : Causes.of(e)) {
                if (t instanceof IOException) {
                    return "Secrets Manager cannot be reached";
                }
            }
            return "the AWS client could not make the call (check the AWS credentials and region)";
        }
        return e instanceof IllegalStateException ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * The client properties a secret holds.
     *
     * @param mechanism the configured {@code sasl.mechanism}, used when the secret names none
     */
    static Map<String, String> fromSecret(String name, String secretJson, String mechanism) {
        JsonNode secret;
        try {
            secret = JSON.readTree(secretJson);
        } catch (JsonProcessingException e) {
            secret = null;
        }
        if (secret == null || !secret.isObject()) {
            throw new SecretException(what(name) + " is not a JSON object");
        }
        Map<String, String> properties = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = secret.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().contains(".")) {
                continue;
            }
            if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                throw new SecretException(what(name) + ": '" + field.getKey() + "' must be a string");
            }
            properties.put(field.getKey(), field.getValue().asText());
        }
        boolean hasUser = secret.hasNonNull("username");
        if (hasUser != secret.hasNonNull("password")) {
            throw new SecretException(what(name) + " has '" + (hasUser ? "username" : "password")
                    + "' without '" + (hasUser ? "password" : "username") + "'");
        }
        if (hasUser && !properties.containsKey("sasl.jaas.config")) {
            String saslMechanism = properties.getOrDefault("sasl.mechanism", mechanism);
            properties.put("sasl.jaas.config", jaas(name, saslMechanism,
                    secret.get("username").asText(), secret.get("password").asText()));
        }
        return properties;
    }

    /** The JAAS line of the login module that sends a user name and password by this mechanism. */
    private static String jaas(String name, String mechanism, String user, String password) {
        String m = mechanism == null ? "" : mechanism.trim().toUpperCase(Locale.ROOT);
        String module;
        if (m.startsWith("SCRAM-")) {
            module = "org.apache.kafka.common.security.scram.ScramLoginModule";
        } else if (m.equals("PLAIN")) {
            module = "org.apache.kafka.common.security.plain.PlainLoginModule";
        } else {
            throw new SecretException(what(name) + " has a username and password, which need kafka.sasl.mechanism "
                    + "SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN (it is " + (m.isEmpty() ? "not set" : m) + ")");
        }
        return module + " required username=\"" + quoted(user) + "\" password=\"" + quoted(password) + "\";";
    }

    /** A value inside a JAAS double-quoted string: Kafka's parser reads backslash escapes there. */
    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String what(String name) {
        return "Kafka secret '" + name + "'";
    }

    /** The secret cannot be read or used; the message names the secret, never a value from it. */
    public static final class SecretException extends IllegalStateException {
        SecretException(String message) {
            super(message);
        }

        SecretException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
