package io.eventgate.auth;

import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KeyServer;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;

import io.jsonwebtoken.Jwts;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keys served over HTTP in both forms: {@code token_public_key_url} ({"key": ...}) and
 * {@code token_public_keys_url} ({"keys": [...]}); any listed key verifies, so keys can rotate.
 */
class KeyRotationTest {

    @Test
    void anyKeyFromEitherUrlFormVerifies() {
        KeyPair single = DevTokens.newKeyPair();
        KeyPair oldKey = DevTokens.newKeyPair();
        KeyPair newKey = DevTokens.newKeyPair();
        try (KeyServer keys = KeyServer.start()
                .serve("/key", DevTokens.keyDocument(single))
                .serve("/keys", "{\"keys\": [" + DevTokens.keyDocument(oldKey) + ", " + DevTokens.keyDocument(newKey) + "]}");
             RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.token_public_key_url", keys.url("/key"),
                "eventgate.token_public_keys_url", keys.url("/keys")))) {
            for (KeyPair key : new KeyPair[] {single, oldKey, newKey}) {
                assertEquals(202, gateway.post("/topics/public.cps.za.test", sign(key), Events.test(Events.id())).statusCode());
            }
            assertEquals(401, gateway.post("/topics/public.cps.za.test", sign(DevTokens.newKeyPair()),
                    Events.test(Events.id())).statusCode());
        }
    }

    private static String sign(KeyPair key) {
        return Jwts.builder().subject("TestUser")
                .expiration(java.util.Date.from(java.time.Instant.now().plus(Duration.ofMinutes(5))))
                .signWith(key.getPrivate(), Jwts.SIG.RS256).compact();
    }
}
