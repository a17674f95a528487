package io.eventgate.docs;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.RequestRouter;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code conf/api.yaml}, the document served at {@code /api} and shown at {@code /docs}, describes every
 * endpoint that the gateway serves, with the answers that the endpoint's tests see, and is an OpenAPI 3
 * document whose references resolve. A new endpoint in {@link RequestRouter.Endpoint} without its entry
 * here fails this test.
 */
class ApiDocumentTest {

    private static final String TOPIC = "public.cps.za.test";

    /** Each endpoint, the operation that describes it, and the statuses its answers are documented with. */
    private record Operation(RequestRouter.Endpoint endpoint, String method, String path, Set<String> statuses) {
    }

    private static final List<Operation> OPERATIONS = List.of(
            new Operation(RequestRouter.Endpoint.API, "get", "/api", Set.of("200")),
            new Operation(RequestRouter.Endpoint.DOCS, "get", "/docs", Set.of("200")),
            new Operation(RequestRouter.Endpoint.TOKEN, "get", "/token", Set.of("303")),
            new Operation(RequestRouter.Endpoint.TOPICS, "get", "/topics", Set.of("200")),
            new Operation(RequestRouter.Endpoint.TOPIC_SCHEMA, "get", "/topics/{topic_name}", Set.of("200", "404")),
            new Operation(RequestRouter.Endpoint.PUBLISH, "post", "/topics/{topic_name}",
                    Set.of("202", "400", "401", "403", "404", "408", "413", "500")),
            new Operation(RequestRouter.Endpoint.PUBLISH_BATCH, "post", "/topics/{topic_name}/batch",
                    Set.of("202", "207", "400", "401", "403", "404", "408", "413", "500")),
            new Operation(RequestRouter.Endpoint.HEALTH, "get", "/health", Set.of("200", "503")),
            new Operation(RequestRouter.Endpoint.TERMINATE, "post", "/terminate", Set.of("200", "401", "403", "500")),
            new Operation(RequestRouter.Endpoint.METRICS, "get", "/metrics", Set.of("200", "401", "403", "404")),
            new Operation(RequestRouter.Endpoint.STATS, "post", "/stats/{topic_name}",
                    Set.of("200", "400", "401", "403", "404", "408", "413", "500")));

    private static JsonNode api;
    private static CamelContext camel;

    @BeforeAll
    static void read() throws IOException {
        api = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()
                .readTree(Path.of("conf/api.yaml").toFile());
        camel = new DefaultCamelContext();
    }

    @AfterAll
    static void close() throws Exception {
        camel.close();
    }

    @Test
    void isAnOpenApi3DocumentWithATitleAndVersion() {
        assertTrue(api.path("openapi").asText().startsWith("3."), "openapi: " + api.path("openapi"));
        assertTrue(api.path("info").path("title").isTextual() && api.path("info").path("version").isTextual(), "info");
        assertTrue(api.path("paths").isObject(), "paths");
    }

    @Test
    void everyEndpointOfTheRouterIsDocumented() {
        Set<RequestRouter.Endpoint> documented = EnumSet.noneOf(RequestRouter.Endpoint.class);
        OPERATIONS.forEach(operation -> documented.add(operation.endpoint()));
        Set<RequestRouter.Endpoint> served = EnumSet.allOf(RequestRouter.Endpoint.class);
        served.remove(RequestRouter.Endpoint.NOT_FOUND);
        served.remove(RequestRouter.Endpoint.DOCS_ASSET); // the Swagger UI page's scripts and styles, part of /docs
        assertEquals(served, documented, "add the new endpoint to conf/api.yaml and to OPERATIONS");
    }

    @Test
    void eachDocumentedOperationIsServedAndHasItsAnswers() {
        List<String> problems = new ArrayList<>();
        for (Operation operation : OPERATIONS) {
            String name = operation.method().toUpperCase(Locale.ROOT) + " " + operation.path();
            String served = route(operation.method(), operation.path().replace("{topic_name}", TOPIC));
            if (!served.equals(operation.endpoint().name())) {
                problems.add(name + " is routed to " + served);
            }
            JsonNode responses = api.path("paths").path(operation.path()).path(operation.method()).path("responses");
            if (!responses.isObject()) {
                problems.add(name + " is not in the document");
                continue;
            }
            for (String status : operation.statuses()) {
                if (!responses.has(status)) {
                    problems.add(name + " lacks its " + status + " answer");
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> response = it.next();
                if (!response.getValue().path("description").isTextual()) {
                    problems.add(name + " " + response.getKey() + " has no description (OpenAPI requires one)");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyPathInTheDocumentIsServed() {
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = api.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                if (route(method, path.getKey().replace("{topic_name}", TOPIC)).equals(RequestRouter.Endpoint.NOT_FOUND.name())) {
                    problems.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey() + " is documented but answers 404");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyReferenceResolves() {
        List<String> missing = new ArrayList<>();
        references(api, missing);
        assertEquals(List.of(), missing);
    }

    private static void references(JsonNode node, List<String> missing) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null) {
                String target = ref.asText();
                if (!target.startsWith("#/") || api.at(target.substring(1)).isMissingNode()) {
                    missing.add(target);
                }
            }
            node.elements().forEachRemaining(child -> references(child, missing));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> references(child, missing));
        }
    }

    private static String route(String method, String path) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(Exchanges.METHOD, method.toUpperCase(Locale.ROOT));
        exchange.setProperty(Exchanges.PATH, path);
        RequestRouter.route(exchange);
        return exchange.getProperty(RequestRouter.ENDPOINT, String.class);
    }
}
