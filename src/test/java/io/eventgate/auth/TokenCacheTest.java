package io.eventgate.auth;

import io.eventgate.dev.DevTokens;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A verified token is remembered until its exp, within a bound, and only by the verifier that checked it. */
class TokenCacheTest {

    private static final KeyPair KEY = DevTokens.newKeyPair();

    private static String token(String subject, Instant expiry) {
        var builder = Jwts.builder().subject(subject).issuedAt(new Date()).signWith(KEY.getPrivate(), Jwts.SIG.RS256);
        if (expiry != null) {
            builder.expiration(Date.from(expiry));
        }
        return builder.compact();
    }

    @Test
    void aReusedTokenIsVerifiedOnceAndGivesTheSameClaims() {
        TokenVerifier verifier = new TokenVerifier(List.of(KEY.getPublic()), 0);
        String token = token("TestUser", Instant.now().plus(Duration.ofMinutes(5)));

        Claims first = verifier.verify(token);
        Claims second = verifier.verify(token);

        assertSame(first, second);
        assertEquals("TestUser", second.getSubject());
        assertEquals(1, verifier.cached());
    }

    @Test
    void aTamperedCopyOfACachedTokenIsStillRefused() {
        TokenVerifier verifier = new TokenVerifier(List.of(KEY.getPublic()), 0);
        String token = token("TestUser", Instant.now().plus(Duration.ofMinutes(5)));
        verifier.verify(token);

        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        assertThrows(TokenVerifier.InvalidTokenException.class, () -> verifier.verify(tampered));
    }

    @Test
    void aCachedTokenStopsCountingAtItsExpiry() throws InterruptedException {
        TokenVerifier verifier = new TokenVerifier(List.of(KEY.getPublic()), 0);
        // exp is in whole seconds: a whole second at least 2 s away, so that signing and the first check
        // (slow on a loaded machine) come before it, and the test waits until it is past.
        Instant expiry = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3);
        String token = token("TestUser", expiry);
        verifier.verify(token);

        while (!Instant.now().isAfter(expiry.plusMillis(50))) {
            Thread.sleep(50);
        }

        assertThrows(io.jsonwebtoken.JwtException.class, () -> verifier.verify(token));
        assertEquals(0, verifier.cached());
    }

    @Test
    void theCacheIsBoundedAndATokenWithoutExpiryIsNotCached() {
        TokenVerifier verifier = new TokenVerifier(List.of(KEY.getPublic()), 0, 3);
        for (int i = 0; i < 10; i++) {
            verifier.verify(token("user" + i, Instant.now().plus(Duration.ofMinutes(5))));
        }
        assertEquals(3, verifier.cached());

        TokenVerifier another = new TokenVerifier(List.of(KEY.getPublic()),
                new TokenVerifier.Rules(0, 3, false, null, null));
        another.verify(token("TestUser", null));
        assertEquals(0, another.cached(), "a new verifier (a reload) starts empty, and no-exp tokens stay out");
    }

    @Test
    void onlyATokenThatPassesEveryCheckIsCached() {
        TokenVerifier verifier = new TokenVerifier(List.of(KEY.getPublic()),
                new TokenVerifier.Rules(0, 10, true, "eventgate", null));
        String otherAudience = Jwts.builder().subject("TestUser").audience().single("other")
                .expiration(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
                .signWith(KEY.getPrivate(), Jwts.SIG.RS256).compact();
        for (int i = 0; i < 2; i++) {
            TokenVerifier.InvalidTokenException refused =
                    assertThrows(TokenVerifier.InvalidTokenException.class, () -> verifier.verify(otherAudience));
            assertEquals(TokenVerifier.Reason.AUDIENCE, refused.reason());
        }
        TokenVerifier.InvalidTokenException noExpiry =
                assertThrows(TokenVerifier.InvalidTokenException.class, () -> verifier.verify(token("TestUser", null)));
        assertEquals(TokenVerifier.Reason.NO_EXPIRY, noExpiry.reason());
        assertEquals(0, verifier.cached());
    }
}
