package io.eventgate.config;

import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link S3ConfigReader} with the real AWS SDK client against S3Mock in the test JVM ({@link S3Server}). */
class S3ConfigReaderTest {

    @TempDir
    static Path tmp;

    private static AutoCloseable identity;
    private static S3Server s3;
    private static S3ConfigReader reader;

    @BeforeAll
    static void start() {
        identity = S3Server.dummyAwsIdentity();
        s3 = S3Server.start();
        s3.put("cfg", "access.json", "{\"public.cps.za.test\": [\"S3User\"]}");
        reader = new S3ConfigReader(2);
    }

    @AfterAll
    static void stop() throws Exception {
        reader.close();
        s3.close();
        identity.close();
    }

    /** Settings as config.json would give them. */
    private static ConfigReader configured(Map<String, String> settings) {
        return reader.withSettings(Settings.of(settings, Map.of(), new Properties(), new Properties()), null);
    }

    private static ConfigReader configured() {
        return configured(Map.of("s3.endpoint_override", s3.endpoint()));
    }

    @Test
    void handlesOnlyS3Locations() {
        assertTrue(reader.handles("s3://bucket/key.json"));
        assertTrue(reader.handles("S3://bucket/key.json"));
        assertFalse(reader.handles("access.json"));
        assertFalse(reader.handles("/etc/eventgate/access.json"));
    }

    @Test
    void readsAnObject() {
        assertEquals("{\"public.cps.za.test\": [\"S3User\"]}", configured().read("s3://cfg/access.json"));
    }

    @Test
    void aMissingKeyNamesTheLocation() {
        ConfigException e = assertThrows(ConfigException.class, () -> configured().read("s3://cfg/missing.json"));
        assertEquals("s3://cfg/missing.json: NoSuchKey (The specified key does not exist.)", e.getMessage());
    }

    @Test
    void aLocationMustNameAnObject() {
        assertEquals("s3://cfg/: expected s3://bucket/key naming an object",
                assertThrows(ConfigException.class, () -> configured().read("s3://cfg/")).getMessage());
        assertEquals("s3:///key: no bucket (expected s3://bucket/key)",
                assertThrows(ConfigException.class, () -> configured().read("s3:///key")).getMessage());
    }

    @Test
    void aBadEndpointSettingIsNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> configured(Map.of("s3.endpoint_override", "localhost:9000")).read("s3://cfg/access.json"));
        assertEquals("s3://cfg/access.json: setting 's3.endpoint_override': 'localhost:9000' is not an http(s) URL",
                e.getMessage());
    }

    @Test
    void anUnreachableEndpointIsOneLineNamingTheLocation() {
        String closed = "http://127.0.0.1:" + io.eventgate.testsupport.RunningGateway.freePort();
        ConfigException e = assertThrows(ConfigException.class,
                () -> configured(Map.of("s3.endpoint_override", closed)).read("s3://cfg/access.json"));
        assertTrue(e.getMessage().startsWith("s3://cfg/access.json: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void copiesAFolderAcrossListingPages() throws Exception {
        s3.put("cfg", "conf/config.json", "{}")
                .put("cfg", "conf/topic_schemas/", "")
                .put("cfg", "conf/topic_schemas/a.json", "{\"a\": 1}")
                .put("cfg", "conf/topic_schemas/b.json", "{\"b\": 2}")
                .put("cfg", "conf-other/config.json", "{\"other\": true}");
        Path target = Files.createDirectory(tmp.resolve("copy"));

        configured().copyFolder("s3://cfg/conf", target);

        assertEquals("{}", Files.readString(target.resolve("config.json")));
        assertEquals("{\"b\": 2}", Files.readString(target.resolve("topic_schemas/b.json")));
        try (var files = Files.walk(target)) {
            assertEquals(3, files.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void anEmptyFolderIsAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> configured().copyFolder("s3://cfg/nothing/", tmp));
        assertEquals("s3://cfg/nothing/: no objects under this prefix", e.getMessage());
    }

    @Test
    void theLoaderNamesAMissingAccessFileOnS3() {
        Properties overrides = new Properties();
        overrides.putAll(Map.of(
                "eventgate.access_config", "s3://cfg/no-such-access.json",
                "eventgate.s3.endpoint_override", s3.endpoint(),
                "eventgate.token_public_keys_url", DevTokens.create().keysUrl()));
        ConfigLoader loader = new ConfigLoader(Path.of("conf"), Map.of(), overrides, new S3ConfigReader());
        ConfigException e = assertThrows(ConfigException.class, loader::load);
        assertEquals("s3://cfg/no-such-access.json: NoSuchKey (The specified key does not exist.)", e.getMessage());
    }

    @Test
    void problemsInAFolderOnS3AreReportedWithTheirS3Location() {
        s3.put("bad", "conf/config.json", "{\"access_config\": \"access.json\", \"token_public_keys_url\": \"file:///none\"}")
                .put("bad", "conf/access.json", "{\"public.cps.za.test\": [\"S3User\"]}")
                .put("bad", "conf/topic_schemas/broken.json", "{");
        Properties overrides = new Properties();
        overrides.put("eventgate.s3.endpoint_override", s3.endpoint());
        ConfigLoader loader = new ConfigLoader("s3://bad/conf", Map.of(), overrides, new S3ConfigReader());
        ConfigException e = assertThrows(ConfigException.class, loader::load);
        assertTrue(e.getMessage().startsWith("s3://bad/conf/topic_schemas/broken.json: not valid JSON"), e.getMessage());

        ConfigLoader nowhere = new ConfigLoader("s3://bad/elsewhere/", Map.of(), overrides, new S3ConfigReader());
        assertEquals("s3://bad/elsewhere/: no objects under this prefix",
                assertThrows(ConfigException.class, nowhere::load).getMessage());
    }

    @Test
    void theEndpointForAFolderOnS3MayComeFromTheEnvironment() throws Exception {
        Path conf = Path.of("conf");
        s3.put("env", "conf/config.json", "{\"access_config\": \"access.json\", \"token_public_keys_url\": \""
                        + DevTokens.create().keysUrl() + "\"}")
                .put("env", "conf/access.json", "{\"public.cps.za.test\": [\"S3User\"]}")
                .put("env", "conf/api.yaml", "openapi: 3.0.0\n")
                .put("env", "conf/topic_schemas/test.json", Files.readString(conf.resolve("topic_schemas/test.json")));
        ConfigLoader loader = new ConfigLoader("s3://env/conf/",
                Map.of("EVENTGATE_S3_ENDPOINT_OVERRIDE", s3.endpoint()), new Properties(), new S3ConfigReader());

        EventGateConfig config = loader.load();

        assertEquals(List.of("public.cps.za.test"), config.topics().names());
        assertEquals("openapi: 3.0.0\n", config.apiYaml());
        assertEquals(s3.endpoint(), config.settings().get("s3.endpoint_override").orElseThrow());
    }

    @Test
    void theClientTrustsTheCaBundle() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("tls"));
        Path keystore = dir.resolve("server.p12");
        Path caBundle = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "s3", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "s3", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", caBundle.toString());
        // A bundle as distributions ship it: a comment, then the certificate.
        Files.writeString(caBundle, "# test CA\n" + Files.readString(caBundle));

        try (S3Server https = S3Server.startHttps(keystore, "changeit", "s3")) {
            https.put("tls", "access.json", "{}");
            Map<String, String> settings = new HashMap<>(Map.of("s3.endpoint_override", https.endpoint()));

            ConfigException untrusted = assertThrows(ConfigException.class,
                    () -> configured(settings).read("s3://tls/access.json"));
            assertTrue(untrusted.getMessage().startsWith("s3://tls/access.json: "), untrusted.getMessage());
            assertFalse(untrusted.getMessage().contains("\n"), untrusted.getMessage());

            settings.put("ssl_ca_bundle", caBundle.toString());
            assertEquals("{}", configured(settings).read("s3://tls/access.json"));

            settings.put("ssl_ca_bundle", dir.resolve("absent.pem").toString());
            assertTrue(assertThrows(ConfigException.class, () -> configured(settings).read("s3://tls/access.json"))
                    .getMessage().endsWith("absent.pem: file not found"));
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
    }
}
