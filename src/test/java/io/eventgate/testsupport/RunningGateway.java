package io.eventgate.testsupport;

import io.eventgate.EventGateApplication;
import io.eventgate.config.S3ConfigReader;
import io.eventgate.dev.DevTokens;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * EventGate started for real in this JVM, as {@code java -jar} would run it (HTTP front door on a
 * free port, the example {@code conf/}, the YAML routes), with a dev signing key. Tests talk to it
 * over HTTP only.
 */
public final class RunningGateway implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private final EventGateApplication app;
    private final DevTokens tokens;
    private final int port;

    private RunningGateway(EventGateApplication app, DevTokens tokens, int port) {
        this.app = app;
        this.tokens = tokens;
        this.port = port;
    }

    /**
     * @param overrides settings ({@code eventgate.<key>}) and Camel properties, e.g.
     *                  {@code eventgate.kafka_bootstrap_server}
     */
    public static RunningGateway start(Map<String, String> overrides) {
        DevTokens tokens = DevTokens.create();
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            Map<String, String> all = new HashMap<>();
            all.put("camel.server.port", String.valueOf(port));
            all.put("eventgate.token_public_keys_url", tokens.keysUrl());
            all.put("eventgate.token_public_key_url", "");
            all.putAll(overrides);
            EventGateApplication app = EventGateApplication.create(EventGateApplication.FrontDoor.HTTP,
                    new S3ConfigReader(), all);
            try {
                app.start();
                return new RunningGateway(app, tokens, port);
            } catch (Exception e) {
                // The free port is closed before the gateway binds it: on a busy machine another process
                // may take it in between. Then the start is tried again on another one.
                if (attempt < 3 && portTaken(e)) {
                    stopQuietly(app);
                    continue;
                }
                throw new IllegalStateException("EventGate did not start", e);
            }
        }
    }

    private static boolean portTaken(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException
                    || t.getMessage() != null && t.getMessage().contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static void stopQuietly(EventGateApplication app) {
        try {
            app.stop();
        } catch (Exception ignored) {
            // a start that failed: what it made is released as far as it goes
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public DevTokens tokens() {
        return tokens;
    }

    public EventGateApplication app() {
        return app;
    }

    public String token(String subject) {
        return tokens.token(subject, Duration.ofMinutes(10));
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    /** POST with {@code Authorization: Bearer <token>} (when token is not null) and a JSON body. */
    public HttpResponse<String> post(String path, String token, String body) {
        return post(path, token, body, "application/json");
    }

    /** POST with {@code Authorization: Bearer <token>} (when token is not null) and the given Content-Type. */
    public HttpResponse<String> post(String path, String token, String body, String contentType) {
        return send(post(path, token, contentType, HttpRequest.BodyPublishers.ofString(body)));
    }

    /** POST of these very bytes as a JSON body, with {@code Authorization: Bearer <token>} (when token is not null). */
    public HttpResponse<String> post(String path, String token, byte[] body) {
        return send(post(path, token, "application/json", HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private HttpRequest post(String path, String token, String contentType, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", contentType)
                .POST(body);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            app.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
