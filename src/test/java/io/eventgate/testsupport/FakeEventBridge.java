package io.eventgate.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An EventBridge endpoint on {@code 127.0.0.1} that speaks the service's JSON 1.1 protocol for
 * PutEvents, for the real AWS SDK client with its endpoint overridden ({@link #url()}). It records
 * every request and answers as {@link #behave(Behaviour)} says.
 *
 * <p>Why hand-written: S3 is tested against a maintained server (S3Mock, {@link S3Server}), but no
 * maintained EventBridge server runs inside a JVM. LocalStack and moto are separate processes (Python,
 * usually in a container) that CI, with only a JDK and Maven, does not have; and none of them can be
 * told to fail, throttle or hang on cue, which the sink's tests need ({@link Behaviour}). This answers
 * PutEvents only, in the service's wire format, so the real AWS SDK client is what is tested.
 */
public final class FakeEventBridge implements AutoCloseable {

    /** How the next PutEvents calls are answered. */
    public enum Behaviour {
        /** {@code FailedEntryCount: 0} with an EventId per entry. */
        ACCEPT,
        /** {@code FailedEntryCount: 1}, the entry with an ErrorCode and ErrorMessage. */
        FAIL_ENTRY,
        /** HTTP 500 with an InternalException. */
        SERVER_ERROR,
        /** HTTP 400 with a ThrottlingException. */
        THROTTLE,
        /** No answer for {@link #SILENCE_MS}. */
        SILENT,
        /** As {@link #ACCEPT}, after {@link #SLOW_MS}. */
        SLOW
    }

    /**
     * One recorded request: its headers (lower-case names, first value), parsed JSON body, and when it
     * reached this fake ({@link System#nanoTime()}).
     */
    public record Request(Map<String, String> headers, JsonNode body, long receivedNanos) {
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    public static final long SILENCE_MS = 5000;
    public static final long SLOW_MS = 500;
    public static final String FAILED_ENTRY_CODE = "InternalFailure";
    public static final String FAILED_ENTRY_MESSAGE = "The event could not be stored";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final java.util.Queue<String> acceptedDetails = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile Behaviour behaviour = Behaviour.ACCEPT;
    /** PutEvents calls being answered now, and the most at once since {@link #behave}. */
    private final java.util.concurrent.atomic.AtomicInteger answering = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();

    private FakeEventBridge(HttpServer server) {
        this.server = server;
    }

    public static FakeEventBridge start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeEventBridge fake = new FakeEventBridge(server);
            server.createContext("/", fake::handle);
            server.setExecutor(fake.executor);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Sets how calls are answered from now on and forgets the recorded requests. */
    public void behave(Behaviour behaviour) {
        this.behaviour = behaviour;
        requests.clear();
        mostAtOnce.set(0);
    }

    /** The most calls this fake was answering at the same time since {@link #behave} was last called. */
    public int mostAtOnce() {
        return mostAtOnce.get();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /**
     * The {@code Detail} of every entry of every PutEvents answered as accepted ({@link Behaviour#ACCEPT},
     * or {@link Behaviour#SLOW} once its pause is over), since the fake started: what EventBridge
     * would hold, whether or not the caller was still waiting for the answer. {@link #behave} keeps it.
     */
    public List<String> acceptedDetails() {
        return List.copyOf(acceptedDetails);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            long received = System.nanoTime();
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0)));
            byte[] body = exchange.getRequestBody().readAllBytes();
            JsonNode json = JSON.readTree(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body);
            requests.add(new Request(Map.copyOf(headers), json, received));
            if (!"AWSEvents.PutEvents".equals(headers.get("x-amz-target"))) {
                answer(exchange, 400, "{\"__type\":\"UnknownOperationException\"}");
                return;
            }
            switch (behaviour) {
                case ACCEPT -> accept(exchange, json);
                case FAIL_ENTRY -> answer(exchange, 200, "{\"FailedEntryCount\":1,\"Entries\":[{\"ErrorCode\":\""
                        + FAILED_ENTRY_CODE + "\",\"ErrorMessage\":\"" + FAILED_ENTRY_MESSAGE + "\"}]}");
                case SERVER_ERROR -> answer(exchange, 500, "{\"__type\":\"InternalException\",\"message\":\"Internal failure\"}");
                case THROTTLE -> answer(exchange, 400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
                case SILENT -> pause(SILENCE_MS);
                case SLOW -> {
                    mostAtOnce.accumulateAndGet(answering.incrementAndGet(), Math::max);
                    try {
                        if (pause(SLOW_MS)) {
                            accept(exchange, json);
                        }
                    } finally {
                        answering.decrementAndGet();
                    }
                }
            }
        }
    }

    private void accept(HttpExchange exchange, JsonNode request) throws IOException {
        request.path("Entries").forEach(entry -> acceptedDetails.add(entry.path("Detail").asText()));
        // one EventId per entry, in order, as EventBridge answers
        StringBuilder entries = new StringBuilder();
        for (int i = 0; i < Math.max(1, request.path("Entries").size()); i++) {
            entries.append(i == 0 ? "" : ",").append("{\"EventId\":\"").append(UUID.randomUUID()).append("\"}");
        }
        answer(exchange, 200, "{\"FailedEntryCount\":0,\"Entries\":[" + entries + "]}");
    }

    /** Sleeps; false when interrupted (the fake is closing). */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
