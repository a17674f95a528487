package io.eventgate.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The two calls of the AWS Lambda REST API that {@code /terminate} makes, on 127.0.0.1:
 * {@code GET /2015-03-31/functions/{name}/configuration} (GetFunctionConfiguration) and
 * {@code PUT} on the same path (UpdateFunctionConfiguration). It keeps one function's environment
 * variables and records every update's body.
 */
final class LambdaApiStub implements AutoCloseable {

    private static final String PREFIX = "/2015-03-31/functions/";

    private final HttpServer server;
    private final String functionName;
    private final Map<String, String> variables = new TreeMap<>();
    private final List<JsonNode> updates = new CopyOnWriteArrayList<>();
    private volatile boolean denyUpdates;

    private LambdaApiStub(String functionName, Map<String, String> variables) throws IOException {
        this.functionName = functionName;
        this.variables.putAll(variables);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    static LambdaApiStub start(String functionName, Map<String, String> variables) throws IOException {
        return new LambdaApiStub(functionName, variables);
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The bodies of the UpdateFunctionConfiguration calls so far. */
    List<JsonNode> updates() {
        return updates;
    }

    synchronized Map<String, String> variables() {
        return Map.copyOf(variables);
    }

    /** Makes updates fail as a role without {@code lambda:UpdateFunctionConfiguration} would. */
    void denyUpdates(boolean deny) {
        denyUpdates = deny;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.equals(PREFIX + functionName + "/configuration")) {
                send(exchange, 404, "ResourceNotFoundException", "{\"Type\":\"User\",\"Message\":\"Function not found: "
                        + path + "\"}");
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "GET" -> send(exchange, 200, null, configuration());
                case "PUT" -> {
                    JsonNode update = LambdaEvents.JSON.readTree(exchange.getRequestBody());
                    if (denyUpdates) {
                        send(exchange, 403, "AccessDeniedException", "{\"Message\":\"User: arn:aws:sts::123456789012:"
                                + "assumed-role/eventgate/" + functionName + " is not authorized to perform: "
                                + "lambda:UpdateFunctionConfiguration\"}");
                        return;
                    }
                    updates.add(update);
                    synchronized (this) {
                        variables.clear();
                        update.path("Environment").path("Variables").fields()
                                .forEachRemaining(e -> variables.put(e.getKey(), e.getValue().asText()));
                    }
                    send(exchange, 200, null, configuration());
                }
                default -> send(exchange, 405, "InvalidRequestException", "{\"Message\":\"method\"}");
            }
        }
    }

    private synchronized String configuration() {
        ObjectNode config = LambdaEvents.JSON.createObjectNode();
        config.put("FunctionName", functionName);
        config.put("FunctionArn", "arn:aws:lambda:eu-west-1:123456789012:function:" + functionName);
        config.put("Runtime", "java17");
        config.put("Role", "arn:aws:iam::123456789012:role/eventgate");
        config.put("Handler", "io.eventgate.frontdoor.LambdaHandler::handleRequest");
        config.put("MemorySize", 1024);
        config.put("Timeout", 60);
        config.put("PackageType", "Zip");
        config.put("State", "Active");
        config.put("LastUpdateStatus", "Successful");
        ObjectNode vars = config.putObject("Environment").putObject("Variables");
        variables.forEach(vars::put);
        return config.toString();
    }

    private static void send(HttpExchange exchange, int status, String errorType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-RequestId", "5f1c2d3e-0000-4000-8000-000000000000");
        if (errorType != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
