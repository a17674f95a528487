package io.eventgate;

import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.ChildJvm;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's "Against your own Kafka": {@code java -jar}'s main class as its own JVM, with the
 * example {@code conf/} as shipped and only environment variables pointing it at a broker and a key
 * ({@code EVENTGATE_KAFKA_BOOTSTRAP_SERVER}, {@code EVENTGATE_TOKEN_PUBLIC_KEYS_URL}): an event posted
 * with a token of that key gets 202 and lands in the broker.
 */
class OwnBrokerRunTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dev;

    @Test
    void javaJarWithTheExampleConfAndEnvironmentSettingsPublishesToTheBroker() throws Exception {
        String bootstrap = SharedKafka.bootstrapServers();
        DevTokens tokens = DevTokens.persistent(dev);
        int port = RunningGateway.freePort();
        try (ChildJvm jar = ChildJvm.start(EventGateMain.class.getName(), List.of(), Map.of(
                "CONF_DIR", "conf",
                "CAMEL_SERVER_PORT", String.valueOf(port),
                "EVENTGATE_KAFKA_BOOTSTRAP_SERVER", bootstrap,
                "EVENTGATE_TOKEN_PUBLIC_KEYS_URL", tokens.keysUrl()))) {
            URI base = URI.create("http://127.0.0.1:" + port);
            awaitTopics(jar, base);

            String id = Events.id();
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(base.resolve("/topics/public.cps.za.test"))
                    .header("Authorization", "Bearer " + tokens.token("TestUser", Duration.ofMinutes(5)))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Events.test(id))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, answer.statusCode(), answer.body());
            assertTrue(KafkaRecords.find(bootstrap, "public.cps.za.test", r -> r.value().contains(id),
                    Duration.ofSeconds(30)).isPresent(), "the event is in the broker");
        }
    }

    /** Waits until it serves {@code GET /topics}, failing if it exits or takes over a minute. */
    private static void awaitTopics(ChildJvm jar, URI base) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (!jar.isAlive()) {
                throw new AssertionError("EventGate exited:\n" + jar.stdout() + jar.stderr());
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(base.resolve("/topics")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("EventGate did not serve /topics within 60 s:\n" + jar.stdout() + jar.stderr());
    }
}
