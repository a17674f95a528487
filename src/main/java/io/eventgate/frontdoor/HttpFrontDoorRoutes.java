package io.eventgate.frontdoor;

import io.eventgate.config.ConfigHolder;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayException;
import io.eventgate.gateway.GatewayRoutes;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;

import java.util.Map;
import java.util.TreeMap;

/**
 * The HTTP front door ({@code java -jar} and the dev run): every request on the embedded
 * platform-http server goes to the shared gateway route.
 */
public final class HttpFrontDoorRoutes extends RouteBuilder {

    /** How long a client may take to send the body of its request. */
    private static final long BODY_TIMEOUT_MILLIS = 30_000;

    private final ConfigHolder config;

    public HttpFrontDoorRoutes(ConfigHolder config) {
        this.config = config;
    }

    @Override
    public void configure() {
        // useBodyHandler=false: the body is read by readBody, as bytes, whatever its Content-Type.
        from("platform-http:/?matchOnUriPrefix=true&useBodyHandler=false").routeId("http-front-door")
                .process(HttpFrontDoorRoutes::toGatewayRequest)
                .process(this::readBody)
                .to(GatewayRoutes.GATEWAY);
    }

    /**
     * Replaces the unread request with its body's bytes, up to the configured {@code max_body_bytes};
     * a body that is too large or too slow becomes {@link Exchanges#BODY_REFUSAL}.
     */
    private void readBody(Exchange exchange) throws InterruptedException {
        Message message = exchange.getMessage();
        HttpServerRequest request = message.getBody(HttpServerRequest.class);
        byte[] body = new byte[0];
        if (request != null) {
            try {
                body = HttpRequestBody.read(request, config.current().maxBodyBytes(), BODY_TIMEOUT_MILLIS);
            } catch (GatewayException refusal) {
                exchange.setProperty(Exchanges.BODY_REFUSAL, refusal);
            }
        }
        message.setBody(body);
    }

    /**
     * Moves the request's method, path and headers into exchange properties and clears the message
     * headers, so that nothing of the request is echoed back as a response header.
     */
    static void toGatewayRequest(Exchange exchange) {
        Message message = exchange.getMessage();
        String path = message.getHeader(Exchange.HTTP_PATH, String.class);
        if (path == null || path.isEmpty()) {
            path = message.getHeader(Exchange.HTTP_URI, "/", String.class);
        }
        int query = path.indexOf('?');
        path = query < 0 ? path : path.substring(0, query);
        exchange.setProperty(Exchanges.METHOD, message.getHeader(Exchange.HTTP_METHOD, "GET", String.class));
        exchange.setProperty(Exchanges.PATH, path.startsWith("/") ? path : "/" + path);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, Object> header : message.getHeaders().entrySet()) {
            if (!header.getKey().startsWith("Camel") && header.getValue() != null) {
                Object value = header.getValue();
                headers.put(header.getKey(), value instanceof Iterable<?> values
                        ? values.iterator().hasNext() ? String.valueOf(values.iterator().next()) : ""
                        : String.valueOf(value));
            }
        }
        exchange.setProperty(Exchanges.HEADERS, headers);
        message.removeHeaders("*");
    }
}
