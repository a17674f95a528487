package io.eventgate.frontdoor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback stand-in for the AWS Lambda Runtime API, the HTTP interface through which the runtime
 * interface client (RIC, {@code com.amazonaws.services.lambda.runtime.api.client.AWSLambda}) takes
 * invocations and hands back answers. It lets the container image's start path run without Lambda:
 * for the class-data-sharing training at image build ({@link CdsTraining}), and in tests and
 * benchmarks. Point the RIC at it with {@code AWS_LAMBDA_RUNTIME_API=127.0.0.1:<port>}.
 *
 * <p>Served: {@code GET /2018-06-01/runtime/invocation/next} (blocks until an event is submitted),
 * {@code POST .../invocation/<id>/response} and {@code .../<id>/error}, and {@code POST
 * /2018-06-01/runtime/init/error}. An error completes the invocation's answer exceptionally.
 */
public final class LocalRuntimeApi implements AutoCloseable {

    private static final String PREFIX = "/2018-06-01/runtime/";
    private static final String FUNCTION_ARN = "arn:aws:lambda:eu-west-1:000000000000:function:eventgate";

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "local-runtime-api");
        thread.setDaemon(true);
        return thread;
    });
    private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
    private final ConcurrentHashMap<String, CompletableFuture<String>> answers = new ConcurrentHashMap<>();
    private final CompletableFuture<Long> firstPoll = new CompletableFuture<>();
    private final CompletableFuture<String> initError = new CompletableFuture<>();

    private record Invocation(String id, String event) {
    }

    private LocalRuntimeApi(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext(PREFIX, this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** Listens on 127.0.0.1 at {@code port} (0: any free port). */
    public static LocalRuntimeApi start(int port) throws IOException {
        return new LocalRuntimeApi(port);
    }

    /** The value for {@code AWS_LAMBDA_RUNTIME_API}. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues one invocation; the future completes with the function's answer (JSON text). */
    public CompletableFuture<String> submit(String eventJson) {
        Invocation invocation = new Invocation(UUID.randomUUID().toString(), eventJson);
        CompletableFuture<String> answer = new CompletableFuture<>();
        answers.put(invocation.id(), answer);
        pending.add(invocation);
        return answer;
    }

    /** Completes with {@link System#nanoTime()} at the runtime's first poll, that is when its init ended. */
    public CompletableFuture<Long> firstPoll() {
        return firstPoll;
    }

    /** Completes with the body of an init error report. */
    public CompletableFuture<String> initError() {
        return initError;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (path.equals("invocation/next")) {
                firstPoll.complete(System.nanoTime());
                Invocation next = pending.take();
                exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", next.id());
                exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms",
                        Long.toString(System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(15)));
                exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN);
                exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000");
                reply(exchange, 200, next.event());
            } else if (path.startsWith("invocation/")) {
                String[] parts = path.split("/");
                CompletableFuture<String> answer = parts.length == 3 ? answers.remove(parts[1]) : null;
                if (answer == null) {
                    reply(exchange, 404, "{\"errorMessage\":\"unknown invocation\"}");
                    return;
                }
                if (parts[2].equals("response")) {
                    answer.complete(body);
                } else {
                    answer.completeExceptionally(new IllegalStateException("the function reported an error: " + body));
                }
                reply(exchange, 202, "{\"status\":\"OK\"}");
            } else if (path.equals("init/error")) {
                initError.complete(body);
                reply(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                reply(exchange, 404, "{\"errorMessage\":\"not served here\"}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
