package io.eventgate.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token provider's key server over plain HTTP, for the tests: each path answers a document at
 * once, after a delay, or as a trickle of one byte a second that never ends; it counts the requests
 * per path. Every request has its own thread, so a trickle holds up nothing else.
 */
public final class KeyServer implements AutoCloseable {

    private record Answer(String body, Duration delay, boolean trickle) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    private KeyServer(HttpServer server) {
        this.server = server;
    }

    /** @param address where to listen: {@code 127.0.0.1}, or {@code 0.0.0.0} to be reached on every interface */
    public static KeyServer start(String address) {
        try {
            KeyServer keys = new KeyServer(HttpServer.create(new InetSocketAddress(address, 0), 0));
            keys.server.createContext("/", keys::answer);
            keys.server.setExecutor(keys.threads);
            keys.server.start();
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static KeyServer start() {
        return start("127.0.0.1");
    }

    /** {@code path} answers {@code body} at once. */
    public KeyServer serve(String path, String body) {
        return serveAfter(path, body, Duration.ZERO);
    }

    /** {@code path} answers {@code body} after {@code delay}. */
    public KeyServer serveAfter(String path, String body, Duration delay) {
        answers.put(path, new Answer(body, delay, false));
        return this;
    }

    /** {@code path} sends 200 and then one byte a second, for as long as the client listens. */
    public KeyServer trickle(String path) {
        answers.put(path, new Answer("", Duration.ZERO, true));
        return this;
    }

    /** How many requests {@code path} has had. */
    public int requests(String path) {
        return requests.computeIfAbsent(path, p -> new AtomicInteger()).get();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        Answer answer = answers.get(path);
        try (exchange; OutputStream out = exchange.getResponseBody()) {
            if (answer == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            Thread.sleep(answer.delay().toMillis());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (answer.trickle()) {
                exchange.sendResponseHeaders(200, 0);
                while (true) {
                    out.write('{');
                    out.flush();
                    Thread.sleep(1000);
                }
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, 0); // chunked: the client cannot rely on Content-Length
            out.write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
