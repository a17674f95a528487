package io.eventgate.auth;

import io.eventgate.config.ConfigHolder;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayException;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;

/**
 * Verifies the request's JWT and records its subject. The token comes from
 * {@code Authorization: Bearer <jwt>} (scheme word in any case) or else from the legacy header
 * {@code bearer: <jwt>}, and from nowhere else: the front doors put only request headers in the
 * header map, never query string parameters. Anything wrong with it is a 401 {@code auth} whose
 * message says which case applies ({@link TokenVerifier.Reason}), never which key.
 */
public final class JwtProcessor implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(JwtProcessor.class);

    private final ConfigHolder config;

    public JwtProcessor(ConfigHolder config) {
        this.config = config;
    }

    @Override
    public void process(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, String> headers = exchange.getProperty(Exchanges.HEADERS, Map.of(), Map.class);
        try {
            Claims claims = config.current().verifier().verify(extractToken(headers));
            exchange.setProperty(Exchanges.SUBJECT, claims.getSubject());
        } catch (TokenVerifier.InvalidTokenException e) {
            LOG.debug("Token refused: {}", e.getMessage());
            throw new GatewayException(401, "auth", e.reason().message());
        } catch (JwtException | IllegalArgumentException e) {
            LOG.debug("Token refused: {}", e.getMessage());
            throw new GatewayException(401, "auth", TokenVerifier.Reason.MALFORMED.message());
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
