package io.eventgate.review;

import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A sink's batch route may come and go while EventGate runs (a live reload, README "Camel JBang"). Found
 * in the review of the batch merge: the batch publish remembered, per sink, whether it had a batch route
 * the first time it looked, so that once the route was gone every batch to that sink was sent to an
 * endpoint nobody consumed and failed, until a restart.
 */
class BatchRouteReloadTest {

    @TempDir
    Path routes;
    @TempDir
    Path out;

    @Test
    void aBatchRouteRemovedWhileRunningIsNoLongerUsed() throws Exception {
        Files.writeString(routes.resolve("hook.yaml"), """
                - route:
                    id: sink-hook
                    from:
                      uri: direct:sink-hook
                      steps:
                        - to: "file:%s?fileName=${exchangeId}.json"
                - route:
                    id: batch-sink-hook
                    from:
                      uri: direct:batch-sink-hook
                      steps:
                        - log: "a batch of ${body.size()}"
                """.formatted(out));
        try (RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                // not short: the first batch of a fresh gateway on a busy machine may take a second
                "eventgate.sinks.hook.timeout_ms", "3000",
                "eventgate.routes-dir", "routes," + routes))) {
            String token = gateway.token("TestUser");
            HttpResponse<String> first = gateway.post("/topics/public.cps.za.test/batch", token, "[" + Events.test(Events.id()) + "]");
            assertEquals(202, first.statusCode(), first.body());

            // as a live reload of hook.yaml without its batch route does
            CamelContext context = gateway.app().camelContext();
            context.getRouteController().stopRoute("batch-sink-hook");
            context.removeRoute("batch-sink-hook");

            HttpResponse<String> second = gateway.post("/topics/public.cps.za.test/batch", token, "[" + Events.test(Events.id()) + "]");
            assertEquals(202, second.statusCode(), second.body());
        }
    }
}
