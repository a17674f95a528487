package io.eventgate.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain HTTP pass-through on 127.0.0.1 that records each request's method and path (with the
 * query) before forwarding it to another server, whichever that is: point a client at
 * {@link #endpoint()} to count what it asks of a test server without touching the server.
 */
public final class CountingProxy implements AutoCloseable {

    /** Headers that belong to one hop, or that the JDK client sets itself. */
    private static final Set<String> HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection");

    private final HttpServer server;
    private final URI target;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private CountingProxy(HttpServer server, URI target) {
        this.server = server;
        this.target = target;
    }

    /** @param target the server's base URL, e.g. {@code http://127.0.0.1:4566} */
    public static CountingProxy to(String target) {
        try {
            CountingProxy proxy = new CountingProxy(
                    HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), URI.create(target));
            proxy.server.createContext("/", proxy::forward);
            proxy.server.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every request so far, as {@code METHOD /path?query}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String pathAndQuery = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            requests.add(method + " " + pathAndQuery);
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(pathAndQuery))
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            for (Map.Entry<String, List<String>> header : answer.headers().map().entrySet()) {
                if (!HOP.contains(header.getKey().toLowerCase(Locale.ROOT)) && !header.getKey().startsWith(":")) {
                    exchange.getResponseHeaders().put(header.getKey(), header.getValue());
                }
            }
            byte[] bytes = answer.body();
            boolean noBody = method.equals("HEAD") || bytes.length == 0;
            exchange.sendResponseHeaders(answer.statusCode(), noBody ? -1 : bytes.length);
            if (!noBody) {
                exchange.getResponseBody().write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
