package io.eventgate.config;

import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.ExampleConf;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RawHttp;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.eventgate.testsupport.Answers.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reload is atomic for the requests in flight: each finishes under the configuration it started
 * with, and none fails because a reload landed in the middle of it (real HTTP, real broker).
 */
class AtomicReloadTest {

    private static final String TOPIC = "public.cps.za.test";

    @TempDir
    static Path conf;
    private static RunningGateway gateway;
    private static String accessA;
    private static String schemaA;

    @BeforeAll
    static void start() throws IOException {
        ExampleConf.copyTo(conf);
        accessA = Files.readString(conf.resolve("access.json"));
        schemaA = Files.readString(conf.resolve("topic_schemas/test.json"));
        gateway = RunningGateway.start(Map.of(
                "eventgate.conf-dir", conf.toString(),
                "eventgate.config_poll_seconds", "0",
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aRequestWaitingForItsBodyFinishesUnderTheConfigurationItStartedWith() throws IOException {
        String id = Events.id();
        byte[] body = Events.test(id).getBytes(StandardCharsets.UTF_8);
        try (RawHttp client = RawHttp.connect(gatewayPort(), 10_000)) {
            client.send("POST /topics/" + TOPIC + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + gateway.token("TestUser") + "\r\n"
                    + "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n");
            // 100 Continue comes when the request asks for its body: token, topic and access passed.
            assertEquals(100, client.read().status());

            // Now TestUser may no longer write the topic, and its events need a field this one lacks.
            ExampleConf.editAccess(conf, access -> access.putArray(TOPIC).add("OtherUser"));
            Files.writeString(conf.resolve("topic_schemas/test.json"), schemaA.replace(
                    "\"required\": [\"event_id\"", "\"required\": [\"note\", \"event_id\""));
            try {
                assertEquals(200, gateway.post("/terminate", gateway.token("EventGateAdmin"), "").statusCode());
                assertError(gateway.post("/topics/" + TOPIC, gateway.token("TestUser"), Events.test(Events.id())),
                        403, "auth", "not authorized");
                assertError(gateway.post("/topics/" + TOPIC, gateway.token("OtherUser"), Events.test(Events.id())),
                        400, "validation", "note");

                client.send(body);
                RawHttp.Answer answer = client.read();

                assertEquals(202, answer.status(), "the request in flight kept the access rules and schema it started with: "
                        + answer.body());
                assertTrue(KafkaRecords.find(SharedKafka.bootstrapServers(), TOPIC, r -> r.value().contains(id),
                        Duration.ofSeconds(10)).isPresent(), "event " + id + " is in Kafka");
            } finally {
                Files.writeString(conf.resolve("access.json"), accessA);
                Files.writeString(conf.resolve("topic_schemas/test.json"), schemaA);
                assertEquals(200, gateway.post("/terminate", gateway.token("EventGateAdmin"), "").statusCode());
            }
        }
    }

    /**
     * Clients publish while an admin reloads over and over, the configuration changing between two
     * states that both accept the traffic: the access rule in list form and in object form with a
     * field constraint that the events meet, and the schema without and with an optional field.
     */
    @Test
    void noRequestFailsBecauseOfReloadsUnderLoad() throws Exception {
        String accessB = accessA.replace("\"" + TOPIC + "\": [\"TestUser\"]",
                "\"" + TOPIC + "\": {\"TestUser\": {\"environment\": [\"dev\"]}}");
        String schemaB = schemaA.replace("\"properties\": {", "\"properties\": {\n    \"note\": {\"type\": \"string\"},");
        assertTrue(!accessB.equals(accessA) && !schemaB.equals(schemaA), "the two states differ");

        int clients = 8;
        AtomicBoolean reloading = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
        AtomicInteger reloads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
        try {
            List<Future<?>> publishers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                publishers.add(pool.submit(() -> {
                    String token = gateway.token("TestUser");
                    while (reloading.get()) {
                        String id = Events.id();
                        HttpResponse<String> response = gateway.post("/topics/" + TOPIC, token, Events.test(id));
                        if (response.statusCode() == 202) {
                            accepted.add(id);
                        } else {
                            failures.add(response.statusCode() + " " + response.body());
                        }
                    }
                }));
            }
            Future<?> admin = pool.submit(() -> {
                String token = gateway.token("EventGateAdmin");
                try {
                    for (int i = 0; i < 30; i++) {
                        boolean b = i % 2 == 0;
                        Files.writeString(conf.resolve("access.json"), b ? accessB : accessA);
                        Files.writeString(conf.resolve("topic_schemas/test.json"), b ? schemaB : schemaA);
                        HttpResponse<String> reload = gateway.post("/terminate", token, "");
                        if (reload.statusCode() != 200) {
                            failures.add("reload " + reload.statusCode() + " " + reload.body());
                        }
                        reloads.incrementAndGet();
                    }
                } finally {
                    reloading.set(false);
                }
                return null;
            });
            admin.get(120, TimeUnit.SECONDS);
            for (Future<?> publisher : publishers) {
                publisher.get(30, TimeUnit.SECONDS);
            }
        } finally {
            reloading.set(false);
            pool.shutdownNow();
            Files.writeString(conf.resolve("access.json"), accessA);
            Files.writeString(conf.resolve("topic_schemas/test.json"), schemaA);
            gateway.post("/terminate", gateway.token("EventGateAdmin"), "");
        }

        assertEquals(30, reloads.get());
        assertEquals(List.of(), List.copyOf(failures), "no request failed");
        assertTrue(accepted.size() >= 30, "publishes ran during the reloads: " + accepted.size());
        String last = List.copyOf(accepted).get(accepted.size() - 1);
        assertTrue(KafkaRecords.find(SharedKafka.bootstrapServers(), TOPIC, r -> r.value().contains(last),
                Duration.ofSeconds(10)).isPresent(), "event " + last + " is in Kafka");

        assertEquals(202, gateway.post("/topics/" + TOPIC, gateway.token("TestUser"), Events.test(Events.id())).statusCode());
        assertEquals(1, gateway.app().camelContext().getEndpoints().stream()
                .filter(e -> e.getEndpointUri().startsWith("json-validator:")).count(),
                "the reloads left one validator endpoint, not one per reload: " + gateway.app().camelContext().getEndpoints());
    }

    private static int gatewayPort() {
        return gateway.uri("/").getPort();
    }
}
