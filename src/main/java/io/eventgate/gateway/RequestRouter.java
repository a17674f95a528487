package io.eventgate.gateway;

import org.apache.camel.Exchange;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Maps a request's method and path to one of the gateway's endpoints, the same way for every
 * front door. The chosen endpoint goes into {@link #ENDPOINT}; a topic in the path goes into
 * {@link Exchanges#TOPIC}; a Swagger UI asset name into {@link #ASSET}.
 */
public final class RequestRouter {

    public static final String ENDPOINT = "eventGateEndpoint";
    public static final String ASSET = "eventGateAsset";
    /** {@code POST /topics/{topic}/batch}: a batch publish. */
    private static final String BATCH_SUFFIX = "/batch";

    /** The endpoints; {@link #NOT_FOUND} for anything else. */
    public enum Endpoint { API, DOCS, DOCS_ASSET, TOKEN, TOPICS, TOPIC_SCHEMA, PUBLISH, PUBLISH_BATCH, HEALTH, TERMINATE, METRICS, STATS, NOT_FOUND }

    private RequestRouter() {
    }

    public static void route(Exchange exchange) {
        String method = exchange.getProperty(Exchanges.METHOD, "", String.class).toUpperCase(Locale.ROOT);
        String path = exchange.getProperty(Exchanges.PATH, "/", String.class);
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        Endpoint endpoint = resolve(method, path, exchange);
        exchange.setProperty(ENDPOINT, endpoint.name());
    }

    private static Endpoint resolve(String method, String path, Exchange exchange) {
        boolean get = method.equals("GET") || method.equals("HEAD");
        switch (path) {
            case "/api":
                return get ? Endpoint.API : Endpoint.NOT_FOUND;
            case "/docs":
                return get ? Endpoint.DOCS : Endpoint.NOT_FOUND;
            case "/token":
                return get ? Endpoint.TOKEN : Endpoint.NOT_FOUND;
            case "/topics":
                return get ? Endpoint.TOPICS : Endpoint.NOT_FOUND;
            case "/health":
                return get ? Endpoint.HEALTH : Endpoint.NOT_FOUND;
            case "/terminate":
                return method.equals("POST") ? Endpoint.TERMINATE : Endpoint.NOT_FOUND;
            case "/metrics":
                return get ? Endpoint.METRICS : Endpoint.NOT_FOUND;
            default:
                break;
        }
        String rest = segmentAfter(path, "/topics/");
        String batch = path.endsWith(BATCH_SUFFIX) ? segmentAfter(path.substring(0, path.length() - BATCH_SUFFIX.length()), "/topics/") : null;
        if (batch != null) {
            rest = batch;
        }
        if (rest != null) {
            try {
                exchange.setProperty(Exchanges.TOPIC, URLDecoder.decode(rest, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new GatewayException(400, "validation", "Request path is not valid URL encoding");
            }
            if (batch != null) {
                return method.equals("POST") ? Endpoint.PUBLISH_BATCH : Endpoint.NOT_FOUND;
            }
            return get ? Endpoint.TOPIC_SCHEMA : method.equals("POST") ? Endpoint.PUBLISH : Endpoint.NOT_FOUND;
        }
        String stats = segmentAfter(path, "/stats/");
        if (stats != null) {
            exchange.setProperty(Exchanges.TOPIC, pathTopic(stats));
            return method.equals("POST") ? Endpoint.STATS : Endpoint.NOT_FOUND;
        }
        String asset = segmentAfter(path, "/docs/");
        if (asset != null && get) {
            exchange.setProperty(ASSET, asset);
            return Endpoint.DOCS_ASSET;
        }
        return Endpoint.NOT_FOUND;
    }

    /** A topic in the path, URL-decoded; 400 {@code validation} when it is not valid URL encoding. */
    private static String pathTopic(String segment) {
        try {
            return URLDecoder.decode(segment, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new GatewayException(400, "validation", "Request path is not valid URL encoding");
        }
    }

    /** The single path segment after {@code prefix}, or null. */
    private static String segmentAfter(String path, String prefix) {
        if (!path.startsWith(prefix)) {
            return null;
        }
        String rest = path.substring(prefix.length());
        return rest.isEmpty() || rest.contains("/") ? null : rest;
    }
}
