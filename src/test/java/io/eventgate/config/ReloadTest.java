package io.eventgate.config;

import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.ExampleConf;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.eventgate.testsupport.Answers.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** POST /terminate: admins only; reloads access and schemas; a failed reload keeps the old configuration. */
class ReloadTest {

    @TempDir
    static Path conf;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        ExampleConf.copyTo(conf);
        gateway = RunningGateway.start(Map.of(
                "eventgate.conf-dir", conf.toString(),
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void onlyAdminsMayReload() {
        assertError(gateway.post("/terminate", null, ""), 401, "auth", "Token is missing");
        assertError(gateway.post("/terminate", gateway.token("TestUser"), ""), 403, "auth", "reload");
    }

    @Test
    void anAdminTokenWithoutExpiryCannotReload() {
        EventGateConfig before = gateway.app().config().current();

        assertError(gateway.post("/terminate", gateway.tokens().claims("EventGateAdmin").compact(), ""),
                401, "auth", "Token has no expiry");
        assertSame(before, gateway.app().config().current(), "no reload took place");
    }

    @Test
    void anAdminTokenInTheQueryStringDoesNotCount() {
        String admin = gateway.token("EventGateAdmin");
        assertError(gateway.post("/terminate?bearer=" + admin, null, ""), 401, "auth", "Token is missing");
        assertError(gateway.post("/terminate?Authorization=Bearer%20" + admin, null, ""), 401, "auth", "Token is missing");
    }

    @Test
    void reloadPicksUpNewAccessAndSchemas() throws IOException {
        String dlchange = Events.dlchange(Events.id());
        assertEquals(403, gateway.post("/topics/public.cps.za.dlchange", gateway.token("TestUser"), dlchange).statusCode());
        Path access = conf.resolve("access.json");
        String original = Files.readString(access);
        Path extraSchema = conf.resolve("topic_schemas/public.cps.za.extra.json");
        try {
            Files.writeString(access, original.replace("[\"FooUser\", \"BarUser\"]", "[\"FooUser\", \"BarUser\", \"TestUser\"]"));
            Files.writeString(extraSchema, "{\"type\": \"object\"}");

            HttpResponse<String> reload = gateway.post("/terminate", gateway.token("EventGateAdmin"), "");

            assertEquals(200, reload.statusCode(), reload.body());
            assertEquals(202, gateway.post("/topics/public.cps.za.dlchange", gateway.token("TestUser"), dlchange).statusCode());
            assertEquals(200, gateway.get("/topics/public.cps.za.extra").statusCode());
        } finally {
            Files.writeString(access, original);
            Files.deleteIfExists(extraSchema);
            gateway.post("/terminate", gateway.token("eventgateadmin"), "");
        }
    }

    @Test
    void failedReloadKeepsTheOldConfiguration() throws IOException {
        Path access = conf.resolve("access.json");
        String original = Files.readString(access);
        try {
            Files.writeString(access, "{ broken");

            assertError(gateway.post("/terminate", gateway.token("EventGateAdmin"), ""), 500, "internal", "access.json");
            assertEquals(202, gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"),
                    Events.test(Events.id())).statusCode(), "the previous access rules are still in force");
        } finally {
            Files.writeString(access, original);
        }
    }
}
