package io.eventgate.hostile;

import io.eventgate.dev.DevTokens;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;

import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * Tokens for a gateway that verifies with {@code keys} and requires {@link #AUDIENCE} and
 * {@link #ISSUER}: valid ones, and every kind of bad one.
 */
final class HostileTokens {

    static final String AUDIENCE = "eventgate-hostile";
    static final String ISSUER = "https://login.example.com/";

    private final DevTokens keys;
    private final KeyPair attacker = DevTokens.newKeyPair();

    HostileTokens(DevTokens keys) {
        this.keys = keys;
    }

    /** Signed by the configured key, with the audience and issuer: everything but the expiry. */
    JwtBuilder claims(String subject) {
        return keys.claims(subject).audience().single(AUDIENCE).issuer(ISSUER);
    }

    String valid(String subject) {
        return claims(subject).expiration(in(Duration.ofMinutes(10))).compact();
    }

    String expired(String subject) {
        return claims(subject).expiration(in(Duration.ofMinutes(-5))).compact();
    }

    String notYetValid(String subject) {
        return claims(subject).notBefore(in(Duration.ofMinutes(10))).expiration(in(Duration.ofMinutes(20))).compact();
    }

    String withoutExpiry(String subject) {
        return claims(subject).compact();
    }

    String otherAudience(String subject) {
        return keys.claims(subject).audience().single("another-service").issuer(ISSUER)
                .expiration(in(Duration.ofMinutes(10))).compact();
    }

    String noAudience(String subject) {
        return keys.claims(subject).issuer(ISSUER).expiration(in(Duration.ofMinutes(10))).compact();
    }

    String otherIssuer(String subject) {
        return keys.claims(subject).audience().single(AUDIENCE).issuer("https://evil.example.com/")
                .expiration(in(Duration.ofMinutes(10))).compact();
    }

    /** A valid token but for the subject: none. */
    String noSubject() {
        return Jwts.builder().issuedAt(new Date()).audience().single(AUDIENCE).issuer(ISSUER)
                .expiration(in(Duration.ofMinutes(10))).signWith(keys.keyPair().getPrivate(), Jwts.SIG.RS256).compact();
    }

    /** Everything right, but signed by a key that is not configured. */
    String otherKey(String subject) {
        return attackerClaims(subject).compact();
    }

    /** Signed by another key, whose public half the token's own {@code jwk} header offers. */
    String embeddedJwk(String subject) {
        return attackerClaims(subject).header().jwk(Jwks.builder().key((RSAPublicKey) attacker.getPublic()).build()).and()
                .compact();
    }

    /** Signed by another key, with a {@code jku} header pointing at where its keys would be. */
    String jkuHeader(String subject) {
        return attackerClaims(subject).header().jwkSetUrl(URI.create("http://127.0.0.1:9/keys.json")).and().compact();
    }

    private JwtBuilder attackerClaims(String subject) {
        return Jwts.builder().subject(subject).issuedAt(new Date()).audience().single(AUDIENCE).issuer(ISSUER)
                .expiration(in(Duration.ofMinutes(10))).signWith(attacker.getPrivate(), Jwts.SIG.RS256);
    }

    /** {@code "alg": "none"}, no signature. */
    String algNone(String subject) {
        return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(payload(subject)) + ".";
    }

    /** HS256 with the configured public key's bytes as the HMAC secret (the classic key confusion). */
    String hs256WithPublicKey(String subject) {
        return Jwts.builder().subject(subject).audience().single(AUDIENCE).issuer(ISSUER)
                .expiration(in(Duration.ofMinutes(10)))
                .signWith(new SecretKeySpec(keys.keyPair().getPublic().getEncoded(), "HmacSHA256"), Jwts.SIG.HS256)
                .compact();
    }

    /** The configured key, but RS384. */
    String rs384(String subject) {
        return Jwts.builder().subject(subject).audience().single(AUDIENCE).issuer(ISSUER)
                .expiration(in(Duration.ofMinutes(10))).signWith(keys.keyPair().getPrivate(), Jwts.SIG.RS384).compact();
    }

    /** Encrypted to the configured public key (a JWE): anyone could make one. */
    String encrypted(String subject) {
        return Jwts.builder().subject(subject).audience().single(AUDIENCE).issuer(ISSUER)
                .expiration(in(Duration.ofMinutes(10)))
                .encryptWith(keys.keyPair().getPublic(), Jwts.KEY.RSA_OAEP_256, Jwts.ENC.A256GCM).compact();
    }

    /** A valid token of {@code subject} whose payload is swapped for one naming {@code other}, signature kept. */
    String tampered(String subject, String other) {
        String[] parts = valid(subject).split("\\.");
        return parts[0] + "." + b64(payload(other)) + "." + parts[2];
    }

    /** A valid token with its signature replaced by characters that base64url does not use. */
    String signatureNotBase64(String subject) {
        String[] parts = valid(subject).split("\\.");
        return parts[0] + "." + parts[1] + ".!!!!$$$$";
    }

    /** Signed by the configured key, RS256, but its payload is not JSON claims. */
    String payloadNotJson() {
        return Jwts.builder().content("not claims at all".getBytes(StandardCharsets.UTF_8), "text/plain")
                .signWith(keys.keyPair().getPrivate(), Jwts.SIG.RS256).compact();
    }

    private static String payload(String subject) {
        return "{\"sub\":\"" + subject + "\",\"aud\":\"" + AUDIENCE + "\",\"iss\":\"" + ISSUER + "\",\"exp\":"
                + (Instant.now().getEpochSecond() + 600) + "}";
    }

    private static Date in(Duration duration) {
        return Date.from(Instant.now().plus(duration));
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
