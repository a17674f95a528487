package io.eventgate.sinks.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.RunningGateway;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Credentials from AWS Secrets Manager: the real AWS SDK client (used directly, not through
 * camel-aws-secrets-manager) talks to an in-test server that speaks the JSON 1.1 protocol
 * ({@code X-Amz-Target: secretsmanager.GetSecretValue}) and answers a secret pointing at an
 * embedded Postgres. The secret is read once, on first use, and the pool is reused afterwards.
 */
class PostgresSecretsManagerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET_NAME = "dev/eventgate/postgres";
    private static final Map<String, String> AWS_PROPERTIES = Map.of(
            "aws.accessKeyId", "AKIDEXAMPLE", "aws.secretAccessKey", "test-secret");

    private static EmbeddedPostgres postgres;
    private static HttpServer secretsManager;
    private static final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private static final List<String> targets = new CopyOnWriteArrayList<>();
    private static RunningGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        String secret = JSON.writeValueAsString(Map.of("host", "localhost", "port", postgres.getPort(),
                "database", "postgres", "user", "postgres", "password", "unused-with-trust-auth"));
        secretsManager = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        secretsManager.createContext("/", exchange -> {
            targets.add(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            requests.add(request);
            byte[] body = JSON.writeValueAsBytes(Map.of(
                    "ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:" + SECRET_NAME,
                    "Name", request.path("SecretId").asText(), "VersionId", "v1", "SecretString", secret));
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        secretsManager.start();
        AWS_PROPERTIES.forEach(System::setProperty);
        gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", "",
                "eventgate.postgres.secret_name", SECRET_NAME,
                "eventgate.postgres.secret_region", "eu-west-1",
                "eventgate.postgres.secret_endpoint_override", "http://127.0.0.1:" + secretsManager.getAddress().getPort(),
                "eventgate.postgres.migrate", "true"));
    }

    @AfterAll
    static void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        AWS_PROPERTIES.keySet().forEach(System::clearProperty);
        if (secretsManager != null) {
            secretsManager.stop(0);
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void credentialsComeFromTheSecretReadOnce() throws Exception {
        String first = Events.id();
        String second = Events.id();
        String token = gateway.token("TestUser");
        assertEquals(202, gateway.post("/topics/public.cps.za.test", token, Events.test(first)).statusCode());
        assertEquals(202, gateway.post("/topics/public.cps.za.test", token, Events.test(second)).statusCode());

        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT count(*) FROM public_cps_za_test WHERE event_id IN (?, ?)")) {
            statement.setString(1, first);
            statement.setString(2, second);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                assertEquals(2, result.getInt(1));
            }
        }
        HttpResponse<String> health = gateway.get("/health");
        assertEquals("ok", JSON.readTree(health.body()).path("dependencies").path("postgres").asText(), health.body());

        assertEquals(List.of("secretsmanager.GetSecretValue"), targets, "one GetSecretValue for the pool's lifetime");
        assertEquals(SECRET_NAME, requests.get(0).path("SecretId").asText());
    }

    @Test
    void withoutSecretOrHostThePostgresSinkIsNotConfigured() throws Exception {
        try (RunningGateway bare = RunningGateway.start(Map.of("eventgate.kafka_bootstrap_server", ""))) {
            HttpResponse<String> health = bare.get("/health");
            assertEquals("not configured", JSON.readTree(health.body()).path("dependencies").path("postgres").asText(),
                    health.body());
            assertTrue(bare.app().sinks().active().stream().noneMatch(s -> s.name().equals("postgres")));
        }
    }
}
