package io.eventgate.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * AWS Secrets Manager's {@code GetSecretValue} on {@code 127.0.0.1}, in the service's JSON 1.1
 * protocol, for the real AWS SDK client with its endpoint overridden ({@link #url()}). It answers
 * the secrets it was given, a {@code ResourceNotFoundException} for any other name, and remembers
 * which names were asked for.
 */
public final class FakeSecretsManager implements AutoCloseable {

    /** System properties that give the SDK's default chain static test credentials. */
    public static final Map<String, String> AWS_CREDENTIALS = Map.of(
            "aws.accessKeyId", "AKIDEXAMPLE", "aws.secretAccessKey", "test-only");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();

    public FakeSecretsManager() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::answer);
        server.start();
    }

    /** Makes {@code name} answer {@code secretString}. */
    public FakeSecretsManager put(String name, String secretString) {
        secrets.put(name, secretString);
        return this;
    }

    /** The endpoint override for the SDK client. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The secret names asked for, in order. */
    public List<String> asked() {
        return List.copyOf(asked);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String name = request.path("SecretId").asText();
            asked.add(name);
            String secret = secrets.get(name);
            byte[] body;
            int status;
            if ("secretsmanager.GetSecretValue".equals(target) && secret != null) {
                status = 200;
                body = JSON.writeValueAsBytes(Map.of("ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:" + name,
                        "Name", name, "VersionId", "v1", "SecretString", secret));
            } else {
                status = 400;
                body = JSON.writeValueAsBytes(Map.of("__type", "ResourceNotFoundException",
                        "Message", "Secrets Manager can't find the specified secret."));
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
