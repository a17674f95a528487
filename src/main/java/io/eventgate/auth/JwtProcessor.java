package io.eventgate.auth;

import io.eventgate.config.ConfigHolder;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayException;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Verifies the request's JWT and records its subject. The token comes from
 * {@code Authorization: Bearer <jwt>} (scheme word in any case) or else from the legacy header
 * {@code bearer: <jwt>}, and from nowhere else: the front doors put only request headers in the
 * header map, never query string parameters. Anything wrong with it is a 401 {@code auth} whose
 * message says which case applies ({@link TokenVerifier.Reason}), never which key.
 */
public final class JwtProcessor extends AsyncProcessorSupport {

    private static final Logger LOG = LoggerFactory.getLogger(JwtProcessor.class);

    private final ConfigHolder config;

    public JwtProcessor(ConfigHolder config) {
        this.config = config;
    }

    /**
     * Synchronous unless the token names a key id that the keys lack: then the keys are fetched
     * again (rate-limited, on a thread of their own) and the route goes on once that is over.
     */
    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        @SuppressWarnings("unchecked")
        Map<String, String> headers = exchange.getProperty(Exchanges.HEADERS, Map.of(), Map.class);
        String token = extractToken(headers);
        TokenVerifier verifier = config.current(exchange).verifier();
        long keysChecked = verifier.keysVersion();
        TokenVerifier.InvalidTokenException refused = verify(exchange, verifier, token);
        CompletableFuture<Boolean> refetch = refused != null && refused.reason() == TokenVerifier.Reason.NOT_SIGNED
                ? verifier.refetchFor(token, keysChecked) : null;
        if (refetch == null) {
            refuseIf(exchange, refused);
            callback.done(true);
            return true;
        }
        refetch.whenComplete((changed, failure) -> {
            refuseIf(exchange, Boolean.TRUE.equals(changed) ? verify(exchange, verifier, token) : refused);
            callback.done(false);
        });
        return false;
    }

    /** Records the subject of a valid token; else the reason it is refused. */
    private static TokenVerifier.InvalidTokenException verify(Exchange exchange, TokenVerifier verifier, String token) {
        try {
            Claims claims = verifier.verify(token);
            exchange.setProperty(Exchanges.SUBJECT, claims.getSubject());
            return null;
        } catch (TokenVerifier.InvalidTokenException e) {
            return e;
        } catch (JwtException | IllegalArgumentException e) {
            return new TokenVerifier.InvalidTokenException(TokenVerifier.Reason.MALFORMED, String.valueOf(e.getMessage()));
        }
    }

    private static void refuseIf(Exchange exchange, TokenVerifier.InvalidTokenException refused) {
        if (refused != null) {
            LOG.debug("Token refused: {}", refused.getMessage());
            exchange.setException(new GatewayException(401, "auth", refused.reason().message()));
        }
    }

    /** @return the raw token, or null when the request carries none */
    static String extractToken(Map<String, String> headers) {
        String authorization = headers.get("Authorization");
        if (authorization != null) {
            String value = authorization.trim();
            int space = value.indexOf(' ');
            if (space > 0 && value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
                return value.substring(space + 1).trim();
            }
        }
        String legacy = headers.get("bearer");
        return legacy == null ? null : legacy.trim();
    }
}
