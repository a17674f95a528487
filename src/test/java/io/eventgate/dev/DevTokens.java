package io.eventgate.dev;

import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * A throw-away RSA signing key for the dev run and the tests: it signs RS256 tokens and publishes
 * its public key as a {@code token_public_keys_url} document ({@code {"keys": [{"key": ...}]}})
 * in a temporary file.
 */
public final class DevTokens {

    private final KeyPair keyPair;
    private final Path keysFile;

    private DevTokens(KeyPair keyPair, Path keysFile) {
        this.keyPair = keyPair;
        this.keysFile = keysFile;
    }

    public static DevTokens create() {
        KeyPair keyPair = newKeyPair();
        try {
            Path file = Files.createTempFile("eventgate-dev-keys", ".json");
            file.toFile().deleteOnExit();
            Files.writeString(file, keysDocument(keyPair), StandardCharsets.UTF_8);
            return new DevTokens(keyPair, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"keys": [{"key": "<base64 DER>"}]}} for the given key pair. */
    public static String keysDocument(KeyPair keyPair) {
        return "{\"keys\": [{\"key\": \"" + base64(keyPair) + "\"}]}";
    }

    /** {@code {"key": "<base64 DER>"}} for the given key pair. */
    public static String keyDocument(KeyPair keyPair) {
        return "{\"key\": \"" + base64(keyPair) + "\"}";
    }

    private static String base64(KeyPair keyPair) {
        return Base64.getEncoder().encodeToString(keyPair.getPublic().getEncoded());
    }

    /** The {@code file:} URL to use as {@code token_public_keys_url}. */
    public String keysUrl() {
        return keysFile.toUri().toString();
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    /** A valid RS256 token for {@code subject}, good for the given time. */
    public String token(String subject, Duration validFor) {
        return claims(subject).expiration(Date.from(Instant.now().plus(validFor))).compact();
    }

    /**
     * A token for {@code subject}, issued now and signed RS256 with this key, to be completed by the
     * caller: no {@code exp} yet (add one, or test a token without), no {@code aud} or {@code iss}.
     */
    public JwtBuilder claims(String subject) {
        return Jwts.builder()
                .subject(subject)
                .issuedAt(new Date())
                .signWith(keyPair.getPrivate(), Jwts.SIG.RS256);
    }
}
