package io.eventgate.metrics;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A web hook served on the loopback, and a YAML sink route, {@code sink-hook} (no batch route), that
 * posts each event to it: the test decides what the hook answers ({@link #status}), and may run
 * something before each answer ({@link #beforeAnswer}).
 */
final class WebHook implements AutoCloseable {

    /** What the hook answers. */
    final AtomicInteger status = new AtomicInteger(200);
    private final HttpServer server;
    private final Runnable beforeAnswer;

    private WebHook(Runnable beforeAnswer) throws IOException {
        this.beforeAnswer = beforeAnswer;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            this.beforeAnswer.run();
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
    }

    /** Starts the hook and writes {@code hook.yaml} into {@code routes}. */
    static WebHook start(Path routes, Runnable beforeAnswer) {
        try {
            WebHook hook = new WebHook(beforeAnswer);
            Files.writeString(routes.resolve("hook.yaml"), """
                    - route:
                        id: sink-hook
                        from:
                          uri: direct:sink-hook
                          steps:
                            - to:
                                uri: "http://127.0.0.1:%d/hook"
                    """.formatted(hook.server.getAddress().getPort()));
            return hook;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
