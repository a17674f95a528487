package io.eventgate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgate.testsupport.AcceptingSink;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.S3Server;
import io.eventgate.testsupport.RunningGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EventGate running for real with its configuration on S3 (the real AWS SDK client against an
 * S3Mock in the test JVM): {@code access_config} and {@code topic_keys_config} as {@code s3://} locations, and
 * the whole configuration folder as an {@code s3://} prefix; reload through {@code POST /terminate}.
 * Kafka is not needed: the sink routes folder holds one sink that accepts every event.
 */
class S3ConfigurationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCESS = "{\"public.cps.za.test\": [\"S3User\"], \"public.cps.za.dlchange\": [\"FooUser\"]}";
    private static final String API = "openapi: 3.0.0\ninfo:\n  title: EventGate from S3\n  version: 9.9.9\npaths: {}\n";

    @TempDir
    static Path routes;

    private static AutoCloseable identity;
    private static S3Server s3;
    /** The example conf/ with access_config and topic_keys_config on S3. */
    private static RunningGateway onS3Files;
    /** The whole configuration folder on S3. */
    private static RunningGateway onS3Folder;

    @BeforeAll
    static void start() throws IOException {
        identity = S3Server.dummyAwsIdentity();
        s3 = S3Server.start();
        AcceptingSink.writeTo(routes);

        s3.put("files", "eventgate/access.json", ACCESS)
                .put("files", "eventgate/topic_keys.json", "{\"public.cps.za.test\": \"tenant_id\"}");
        onS3Files = RunningGateway.start(Map.of(
                "eventgate.access_config", "s3://files/eventgate/access.json",
                "eventgate.topic_keys_config", "s3://files/eventgate/topic_keys.json",
                "eventgate.s3.endpoint_override", s3.endpoint(),
                "eventgate.routes-dir", routes.toString()));

        Path conf = Path.of("conf");
        s3.put("folder", "prod/config.json", Files.readString(conf.resolve("config.json")))
                .put("folder", "prod/access.json", "{\"public.cps.za.s3only\": [\"S3User\"]}")
                .put("folder", "prod/topic_keys.json", "{}")
                .put("folder", "prod/api.yaml", API)
                .put("folder", "prod/topic_schemas/", "")
                .put("folder", "prod/topic_schemas/s3only.json", Files.readString(conf.resolve("topic_schemas/test.json")))
                .put("folder", "prod/topic_schemas/dlchange.json", Files.readString(conf.resolve("topic_schemas/dlchange.json")));
        onS3Folder = RunningGateway.start(Map.of(
                "eventgate.conf-dir", "s3://folder/prod",
                "eventgate.s3.endpoint_override", s3.endpoint(),
                "eventgate.routes-dir", routes.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {onS3Files, onS3Folder, s3, identity}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    private static HttpResponse<String> publish(RunningGateway gw, String user, String topic) {
        return gw.post("/topics/" + topic, gw.token(user), Events.test(Events.id()));
    }

    private static HttpResponse<String> terminate(RunningGateway gw) {
        return gw.post("/terminate", gw.token("EventGateAdmin"), "{}");
    }

    private static JsonNode body(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    @Test
    void theAccessFileOnS3DecidesWhoMayWrite() throws IOException {
        assertEquals(202, publish(onS3Files, "S3User", "public.cps.za.test").statusCode());

        // TestUser may write this topic in the local conf/access.json, but not in the S3 one.
        HttpResponse<String> refused = publish(onS3Files, "TestUser", "public.cps.za.test");
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals("auth", body(refused).at("/errors/0/type").asText());
    }

    @Test
    void theTopicKeysOnS3AreUsed() {
        assertEquals("tenant_id", onS3Files.app().config().current().keyField("public.cps.za.test").orElseThrow());
    }

    @Test
    void aReloadReadsS3AgainAndAFailedOneKeepsTheOldConfiguration() throws IOException {
        assertEquals(403, publish(onS3Files, "LaterUser", "public.cps.za.test").statusCode());

        s3.put("files", "eventgate/access.json", "{\"public.cps.za.test\": [\"S3User\", \"LaterUser\"]}");
        HttpResponse<String> reloaded = terminate(onS3Files);
        assertEquals(200, reloaded.statusCode(), reloaded.body());
        assertEquals(202, publish(onS3Files, "LaterUser", "public.cps.za.test").statusCode());

        s3.delete("files", "eventgate/access.json");
        HttpResponse<String> failed = terminate(onS3Files);
        assertEquals(500, failed.statusCode(), failed.body());
        assertEquals("internal", body(failed).at("/errors/0/type").asText());
        assertTrue(body(failed).at("/errors/0/message").asText().contains("s3://files/eventgate/access.json: NoSuchKey"),
                failed.body());
        assertEquals(202, publish(onS3Files, "LaterUser", "public.cps.za.test").statusCode());

        s3.put("files", "eventgate/access.json", ACCESS);
        assertEquals(200, terminate(onS3Files).statusCode());
        assertEquals(403, publish(onS3Files, "LaterUser", "public.cps.za.test").statusCode());
    }

    @Test
    void aFolderOnS3GivesTopicsSchemasApiAndAccess() throws IOException {
        HttpResponse<String> topics = onS3Folder.get("/topics");
        assertEquals(200, topics.statusCode());
        assertEquals(List.of("public.cps.za.dlchange", "public.cps.za.s3only"),
                JSON.convertValue(body(topics), List.class));

        HttpResponse<String> api = onS3Folder.get("/api");
        assertEquals(200, api.statusCode());
        assertEquals(API, api.body());

        assertEquals(200, onS3Folder.get("/topics/public.cps.za.s3only").statusCode());
        assertEquals(202, publish(onS3Folder, "S3User", "public.cps.za.s3only").statusCode());
        assertEquals(403, publish(onS3Folder, "TestUser", "public.cps.za.s3only").statusCode());
        assertEquals(404, publish(onS3Folder, "TestUser", "public.cps.za.test").statusCode());
    }

    @Test
    void aReloadCopiesTheFolderOnS3Again() throws IOException {
        s3.put("folder", "prod/topic_schemas/added.json", "{\"type\": \"object\"}");
        try {
            assertEquals(200, terminate(onS3Folder).statusCode());
            assertTrue(JSON.convertValue(body(onS3Folder.get("/topics")), List.class).contains("public.cps.za.added"));
        } finally {
            s3.delete("folder", "prod/topic_schemas/added.json");
            assertEquals(200, terminate(onS3Folder).statusCode());
        }
        assertEquals(List.of("public.cps.za.dlchange", "public.cps.za.s3only"),
                JSON.convertValue(body(onS3Folder.get("/topics")), List.class));
    }
}
