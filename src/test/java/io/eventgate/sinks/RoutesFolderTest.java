package io.eventgate.sinks;

import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Every YAML file in routes/ (and the examples) loads, and each route it declares is running. */
class RoutesFolderTest {

    private static final Pattern ROUTE_ID = Pattern.compile("(?m)^ {4}id: (\\S+)\\s*$");

    @Test
    void everyRouteOfEveryYamlFileIsLoaded() throws IOException {
        List<String> declared = new ArrayList<>(declaredRouteIds(Path.of("routes")));
        declared.addAll(declaredRouteIds(Path.of("examples/sinks")));
        assertFalse(declared.isEmpty());
        try (RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.routes-dir", "routes,examples/sinks",
                "eventgate.event_bus_arn", "arn:aws:events:eu-west-1:123456789012:event-bus/unused",
                "eventgate.sinks.webhook.url", "http://127.0.0.1:9/unused",
                "eventgate.sinks.archive.directory", "target/archive-unused"))) {
            CamelContext context = gateway.app().camelContext();
            for (String id : declared) {
                assertNotNull(context.getRoute(id), "route " + id + " is loaded");
                assertEquals("Started", context.getRouteController().getRouteStatus(id).name(), id);
            }
            List<String> sinks = gateway.app().sinks().all().stream().map(SinkDirectory.Sink::name).toList();
            assertEquals(List.of("archive", "eventbridge", "kafka", "postgres", "webhook"), sinks);
        }
    }

    private static List<String> declaredRouteIds(Path folder) throws IOException {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                Matcher matcher = ROUTE_ID.matcher(Files.readString(file));
                int before = ids.size();
                while (matcher.find()) {
                    ids.add(matcher.group(1));
                }
                assertFalse(ids.size() == before, file + " declares no route id");
            }
        }
        return ids;
    }
}
