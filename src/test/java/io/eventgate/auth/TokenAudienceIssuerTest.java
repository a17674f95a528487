package io.eventgate.auth;

import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import io.jsonwebtoken.JwtBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import static io.eventgate.testsupport.Answers.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code token_audience} and {@code token_issuer}, when set, accept a token that names them and
 * refuse the rest (401 {@code auth}); {@code token_require_exp=false} lets a token without
 * {@code exp} through. Real RS256 JWTs over HTTP.
 */
class TokenAudienceIssuerTest {

    private static final String AUDIENCE = "eventgate";
    private static final String ISSUER = "https://login.example.com/";

    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        gateway = RunningGateway.start(Map.of("eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.token_audience", AUDIENCE,
                "eventgate.token_issuer", ISSUER,
                "eventgate.token_require_exp", "false"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static JwtBuilder token() {
        return gateway.tokens().claims("TestUser").expiration(Date.from(Instant.now().plusSeconds(300)));
    }

    private static HttpResponse<String> publishWith(JwtBuilder token) {
        return gateway.post("/topics/public.cps.za.test", token.compact(), Events.test(Events.id()));
    }

    @Test
    void aTokenForThisAudienceFromThisIssuerIsAccepted() {
        assertEquals(202, publishWith(token().audience().single(AUDIENCE).issuer(ISSUER)).statusCode());
        assertEquals(202, publishWith(token().audience().add("other").add(AUDIENCE).and().issuer(ISSUER)).statusCode(),
                "an audience list that contains ours");
    }

    @Test
    void anotherOrNoAudienceIsRefused() {
        assertError(publishWith(token().audience().single("other").issuer(ISSUER)), 401, "auth", "Token audience is not accepted");
        assertError(publishWith(token().issuer(ISSUER)), 401, "auth", "Token audience is not accepted");
    }

    @Test
    void anotherOrNoIssuerIsRefused() {
        assertError(publishWith(token().audience().single(AUDIENCE).issuer("https://evil.example.com/")),
                401, "auth", "Token issuer is not accepted");
        assertError(publishWith(token().audience().single(AUDIENCE)), 401, "auth", "Token issuer is not accepted");
    }

    @Test
    void withoutRequireExpATokenWithoutExpiryIsAccepted() {
        HttpResponse<String> response = gateway.post("/topics/public.cps.za.test",
                gateway.tokens().claims("TestUser").audience().single(AUDIENCE).issuer(ISSUER).compact(),
                Events.test(Events.id()));
        assertEquals(202, response.statusCode(), response.body());
    }
}
