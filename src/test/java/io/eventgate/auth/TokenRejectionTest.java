package io.eventgate.auth;

import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.Answers;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad token gets 401 {@code auth} with a message that says which case applies, and
 * nothing about keys; the good one gets through. Real RS256 JWTs over HTTP.
 */
class TokenRejectionTest {

    private static final String MISSING = "Token is missing";
    private static final String MALFORMED = "Token is malformed";
    private static final String ALGORITHM = "Token algorithm is not accepted";
    private static final String EXPIRED = "Token has expired";
    private static final String NOT_YET_VALID = "Token is not yet valid";
    private static final String NOT_SIGNED = "Token is not signed by a configured key";
    private static final String NO_EXPIRY = "Token has no expiry";

    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        gateway = RunningGateway.start(Map.of("eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.token_clock_skew_seconds", "5"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static HttpResponse<String> publishWith(String token) {
        return gateway.post("/topics/public.cps.za.test", token, Events.test(Events.id()));
    }

    private static void assertRefused(HttpResponse<String> response, String message) {
        assertEquals(401, response.statusCode(), response.body());
        assertTrue(response.body().startsWith("{\"success\":false,\"statusCode\":401,"), response.body());
        assertEquals("auth", Answers.json(response.body()).path("errors").path(0).path("type").asText(), response.body());
        assertEquals(message, Answers.json(response.body()).path("errors").path(0).path("message").asText(), response.body());
    }

    private static KeyPair signingKey() {
        return gateway.tokens().keyPair();
    }

    @Test
    void validTokenIsAccepted() {
        assertEquals(202, publishWith(gateway.token("TestUser")).statusCode());
    }

    @Test
    void missingTokenIs401() {
        assertRefused(publishWith(null), MISSING);
    }

    @Test
    void nonBearerSchemeIs401() {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/topics/public.cps.za.test"))
                .header("Authorization", "Basic " + gateway.token("TestUser"))
                .POST(HttpRequest.BodyPublishers.ofString(Events.test(Events.id()))).build());
        assertRefused(response, MISSING);
    }

    @Test
    void garbageIs401() {
        assertRefused(publishWith("not-a-jwt"), MALFORMED);
        assertRefused(publishWith("a.b.c"), MALFORMED);
    }

    @Test
    void unsignedAlgNoneIs401() {
        String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String payload = b64("{\"sub\":\"TestUser\",\"exp\":" + (Instant.now().getEpochSecond() + 600) + "}");
        assertRefused(publishWith(header + "." + payload + "."), ALGORITHM);
    }

    @Test
    void hs256WithThePublicKeyAsSecretIs401() {
        byte[] publicKeyBytes = signingKey().getPublic().getEncoded();
        String forged = Jwts.builder().subject("TestUser")
                .expiration(Date.from(Instant.now().plusSeconds(600)))
                .signWith(new SecretKeySpec(publicKeyBytes, "HmacSHA256"), Jwts.SIG.HS256)
                .compact();
        assertRefused(publishWith(forged), ALGORITHM);
    }

    @Test
    void otherRsaAlgorithmIs401() {
        String rs384 = Jwts.builder().subject("TestUser")
                .expiration(Date.from(Instant.now().plusSeconds(600)))
                .signWith(signingKey().getPrivate(), Jwts.SIG.RS384)
                .compact();
        assertRefused(publishWith(rs384), ALGORITHM);
    }

    @Test
    void expiredTokenIs401() {
        String expired = Jwts.builder().subject("TestUser")
                .expiration(Date.from(Instant.now().minusSeconds(60)))
                .signWith(signingKey().getPrivate(), Jwts.SIG.RS256)
                .compact();
        assertRefused(publishWith(expired), EXPIRED);
    }

    @Test
    void notYetValidTokenIs401() {
        String future = Jwts.builder().subject("TestUser")
                .notBefore(Date.from(Instant.now().plusSeconds(120)))
                .expiration(Date.from(Instant.now().plusSeconds(600)))
                .signWith(signingKey().getPrivate(), Jwts.SIG.RS256)
                .compact();
        assertRefused(publishWith(future), NOT_YET_VALID);
    }

    @Test
    void smallClockSkewIsTolerated() {
        // exp in whole seconds: 1 to 2 s ago, so that 3 s of the 5 s skew are left for the request
        String justExpired = Jwts.builder().subject("TestUser")
                .expiration(Date.from(Instant.now().minusSeconds(1)))
                .signWith(signingKey().getPrivate(), Jwts.SIG.RS256)
                .compact();
        assertEquals(202, publishWith(justExpired).statusCode());
    }

    @Test
    void tokenSignedByAnotherKeyIs401() {
        String wrongKey = DevTokens.create().token("TestUser", java.time.Duration.ofMinutes(5));
        assertRefused(publishWith(wrongKey), NOT_SIGNED);
    }

    @Test
    void anExpiredTokenFromAnotherKeyIsNotToldItHasExpired() {
        String forged = Jwts.builder().subject("TestUser")
                .expiration(Date.from(Instant.now().minusSeconds(60)))
                .signWith(DevTokens.newKeyPair().getPrivate(), Jwts.SIG.RS256)
                .compact();
        assertRefused(publishWith(forged), NOT_SIGNED);
    }

    @Test
    void tokenWithoutExpiryIs401() {
        assertRefused(publishWith(gateway.tokens().claims("TestUser").compact()), NO_EXPIRY);
    }

    @Test
    void tamperedPayloadIs401() {
        String[] parts = gateway.token("TestUser").split("\\.");
        String tampered = parts[0] + "." + b64("{\"sub\":\"FooUser\"}") + "." + parts[2];
        assertRefused(publishWith(tampered), NOT_SIGNED);
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
