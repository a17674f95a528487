package io.eventgate.auth;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;

import java.security.Key;
import java.security.PublicKey;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies RS256 JWTs against the configured public keys. A token passes when any key verifies it
 * (that allows key rotation). Every other algorithm, {@code none} and HS256 included, is refused,
 * as are expired and not-yet-valid tokens (with a small clock skew).
 *
 * <p>The parsers are built once per key, when the configuration loads. A verified token is
 * remembered with its claims until its {@code exp} (plus the clock skew, as the parser allows),
 * keyed by the exact token string, so that a client that reuses its token pays for the RSA check
 * once. The cache is bounded ({@code token_cache_size}); when it is full, expired entries are
 * dropped, and a token that still finds no room is simply verified each time. A token without
 * {@code exp} is never cached. The cache belongs to this verifier, so a reload, which makes a new
 * verifier with the new keys, starts empty.
 */
public final class TokenVerifier {

    public static final String ALGORITHM = "RS256";

    /** The default number of verified tokens remembered. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;

    private record Verified(Claims claims, long validUntilMillis) {
    }

    private final List<JwtParser> parsers;
    private final long clockSkewMillis;
    private final int cacheSize;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    public TokenVerifier(List<PublicKey> keys, long clockSkewSeconds) {
        this(keys, clockSkewSeconds, DEFAULT_CACHE_SIZE);
    }

    public TokenVerifier(List<PublicKey> keys, long clockSkewSeconds, int cacheSize) {
        this.parsers = keys.stream().map(key -> parserFor(key, clockSkewSeconds)).toList();
        this.clockSkewMillis = clockSkewSeconds * 1000;
        this.cacheSize = Math.max(0, cacheSize);
    }

    private static JwtParser parserFor(PublicKey key, long clockSkewSeconds) {
        return Jwts.parser()
                .keyLocator(new LocatorAdapter<Key>() {
                    @Override
                    protected Key locate(JwsHeader header) {
                        if (!ALGORITHM.equals(header.getAlgorithm())) {
                            throw new InvalidTokenException("algorithm " + header.getAlgorithm() + " is not accepted");
                        }
                        return key;
                    }
                })
                .clockSkewSeconds(clockSkewSeconds)
                .build();
    }

    /**
     * @return the verified claims
     * @throws InvalidTokenException when no key verifies the token
     */
    public Claims verify(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("no token");
        }
        long now = System.currentTimeMillis();
        Verified known = verified.get(token);
        if (known != null) {
            if (now < known.validUntilMillis()) {
                return known.claims();
            }
            verified.remove(token, known);
        }
        Claims claims = verifySignature(token);
        remember(token, claims, now);
        return claims;
    }

    /** The number of tokens remembered now (tests). */
    int cached() {
        return verified.size();
    }

    private void remember(String token, Claims claims, long now) {
        Date expiry = claims.getExpiration();
        if (expiry == null || cacheSize == 0) {
            return;
        }
        if (verified.size() >= cacheSize) {
            verified.values().removeIf(entry -> entry.validUntilMillis() <= now);
        }
        if (verified.size() < cacheSize) {
            verified.put(token, new Verified(claims, expiry.getTime() + clockSkewMillis));
        }
    }

    private Claims verifySignature(String token) {
        JwtException last = null;
        for (JwtParser parser : parsers) {
            try {
                return parser.parseSignedClaims(token).getPayload();
            } catch (InvalidTokenException e) {
                throw e;
            } catch (JwtException | IllegalArgumentException e) {
                last = e instanceof JwtException jwt ? jwt : new InvalidTokenException(e.getMessage());
            }
        }
        throw new InvalidTokenException(last == null ? "not verified" : last.getMessage());
    }

    /** A token that is missing, malformed, of another algorithm, expired, or not verified. */
    public static final class InvalidTokenException extends JwtException {
        public InvalidTokenException(String message) {
            super(message);
        }
    }
}
