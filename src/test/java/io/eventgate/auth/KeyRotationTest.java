package io.eventgate.auth;

import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;
import io.jsonwebtoken.Jwts;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keys served over HTTP in both forms: {@code token_public_key_url} ({"key": ...}) and
 * {@code token_public_keys_url} ({"keys": [...]}); any listed key verifies, so keys can rotate.
 */
class KeyRotationTest {

    @Test
    void anyKeyFromEitherUrlFormVerifies() throws IOException {
        KeyPair single = DevTokens.newKeyPair();
        KeyPair oldKey = DevTokens.newKeyPair();
        KeyPair newKey = DevTokens.newKeyPair();
        HttpServer keys = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serve(keys, "/key", DevTokens.keyDocument(single));
        serve(keys, "/keys", "{\"keys\": [" + DevTokens.keyDocument(oldKey) + ", " + DevTokens.keyDocument(newKey) + "]}");
        keys.start();
        String base = "http://127.0.0.1:" + keys.getAddress().getPort();
        try (RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.token_public_key_url", base + "/key",
                "eventgate.token_public_keys_url", base + "/keys"))) {
            for (KeyPair key : new KeyPair[] {single, oldKey, newKey}) {
                assertEquals(202, gateway.post("/topics/public.cps.za.test", sign(key), Events.test(Events.id())).statusCode());
            }
            assertEquals(401, gateway.post("/topics/public.cps.za.test", sign(DevTokens.newKeyPair()),
                    Events.test(Events.id())).statusCode());
        } finally {
            keys.stop(0);
        }
    }

    private static String sign(KeyPair key) {
        return Jwts.builder().subject("TestUser")
                .expiration(java.util.Date.from(java.time.Instant.now().plus(Duration.ofMinutes(5))))
                .signWith(key.getPrivate(), Jwts.SIG.RS256).compact();
    }

    private static void serve(HttpServer server, String path, String body) {
        server.createContext(path, exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
    }
}
