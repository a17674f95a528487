package io.eventgate.auth;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;

import java.security.Key;
import java.security.PublicKey;
import java.util.List;

/**
 * Verifies RS256 JWTs against the configured public keys. A token passes when any key verifies it
 * (that allows key rotation). Every other algorithm, {@code none} and HS256 included, is refused,
 * as are expired and not-yet-valid tokens (with a small clock skew).
 *
 * <p>The parsers are built once per key, when the configuration loads.
 */
public final class TokenVerifier {

    public static final String ALGORITHM = "RS256";

    private final List<JwtParser> parsers;

    public TokenVerifier(List<PublicKey> keys, long clockSkewSeconds) {
        this.parsers = keys.stream().map(key -> parserFor(key, clockSkewSeconds)).toList();
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
