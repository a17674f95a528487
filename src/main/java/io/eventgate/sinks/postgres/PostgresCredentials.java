package io.eventgate.sinks.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgate.config.SecretsManagerSecret;
import io.eventgate.config.Settings;

/**
 * Where and as whom the Postgres sink connects. Taken from the AWS Secrets Manager secret named by
 * {@code postgres.secret_name} (region {@code postgres.secret_region}, else {@code aws_region}, else
 * the SDK's default; name and region default to the environment variables {@code POSTGRES_SECRET_NAME}
 * and {@code POSTGRES_SECRET_REGION}; credentials from the AWS default chain) when set,
 * else from local settings: {@code postgres.jdbc_url}, or {@code postgres.host}, {@code postgres.port}
 * and {@code postgres.database}; with {@code postgres.user} and {@code postgres.password}.
 *
 * <p>The secret is a JSON object with {@code host}, {@code port}, {@code database} (or {@code dbname}),
 * {@code user} (or {@code username}) and {@code password}: the original EventGate's field names and
 * those of an RDS-managed secret are both accepted.
 *
 * @param jdbcUrl    a full JDBC URL, or null to use host, port and database
 * @param fromSecret whether these came from Secrets Manager (read again after a failed login)
 */
public record PostgresCredentials(String jdbcUrl, String host, int port, String database,
                                  String user, String password, boolean fromSecret) {

    public static final String SECRET_NAME = "postgres.secret_name";
    public static final String SECRET_REGION = "postgres.secret_region";
    /** Endpoint override for Secrets Manager (a VPC endpoint, or a test server). */
    public static final String SECRET_ENDPOINT = "postgres.secret_endpoint_override";
    public static final String JDBC_URL = "postgres.jdbc_url";
    public static final String HOST = "postgres.host";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether the settings name a secret or a local database at all. */
    public static boolean configured(Settings settings) {
        return settings.isConfigured(SECRET_NAME) || settings.isConfigured(JDBC_URL) || settings.isConfigured(HOST);
    }

    /**
     * Reads the credentials now (calling Secrets Manager when a secret is named).
     *
     * @throws IllegalStateException naming what is missing; never containing the password
     */
    public static PostgresCredentials resolve(Settings settings) {
        if (settings.isConfigured(SECRET_NAME)) {
            String name = settings.get(SECRET_NAME, "");
            String region = settings.get(SECRET_REGION).or(() -> settings.get("aws_region")).orElse(null);
            return fromSecret(name, readSecret(name, region, settings.get(SECRET_ENDPOINT).orElse(null)));
        }
        String user = settings.get("postgres.user", null);
        String password = settings.get("postgres.password", null);
        if (settings.isConfigured(JDBC_URL)) {
            return new PostgresCredentials(settings.get(JDBC_URL, ""), null, 0, null, user, password, false);
        }
        if (!settings.isConfigured(HOST)) {
            throw new IllegalStateException("Postgres is not configured: set " + SECRET_NAME + ", " + JDBC_URL + " or " + HOST);
        }
        String database = settings.get("postgres.database")
                .orElseThrow(() -> new IllegalStateException("postgres.database is not set"));
        return new PostgresCredentials(null, settings.get(HOST, ""), port(settings.get("postgres.port", "5432"), "postgres.port"),
                database, user, password, false);
    }

    /** Parses the secret's JSON text. */
    static PostgresCredentials fromSecret(String name, String secretJson) {
        JsonNode secret;
        try {
            secret = JSON.readTree(secretJson);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Postgres secret '" + name + "' is not a JSON object");
        }
        if (secret == null || !secret.isObject()) {
            throw new IllegalStateException("Postgres secret '" + name + "' is not a JSON object");
        }
        String host = field(secret, name, "host");
        String database = field(secret, name, "database", "dbname");
        String user = field(secret, name, "user", "username");
        String password = field(secret, name, "password");
        int port = secret.hasNonNull("port") ? port(secret.get("port").asText(), "port in secret '" + name + "'") : 5432;
        return new PostgresCredentials(null, host, port, database, user, password, true);
    }

    private static String field(JsonNode secret, String name, String... keys) {
        for (String key : keys) {
            JsonNode value = secret.get(key);
            if (value != null && !value.isNull() && !value.asText().isBlank()) {
                return value.asText();
            }
        }
        throw new IllegalStateException("Postgres secret '" + name + "' has no '" + String.join("' or '", keys) + "'");
    }

    private static int port(String text, String what) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(what + ": '" + text + "' is not a port number");
        }
    }

    /** GetSecretValue with the default AWS credentials chain; {@code region} null = the SDK's default region. */
    private static String readSecret(String name, String region, String endpoint) {
        return SecretsManagerSecret.read("Postgres secret '" + name + "'", name, region, endpoint);
    }

    @Override
    public String toString() {
        String where = jdbcUrl != null ? jdbcUrl.replaceFirst("\\?.*", "") : host + ":" + port + "/" + database;
        return "PostgresCredentials[" + where
                + ", user=" + user + ", fromSecret=" + fromSecret + "]";
    }
}
