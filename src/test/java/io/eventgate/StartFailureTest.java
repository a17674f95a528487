package io.eventgate;

import io.eventgate.dev.DevRun;
import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.ChildJvm;
import io.eventgate.testsupport.ExampleConf;
import io.eventgate.testsupport.RunningGateway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar} ({@link EventGateMain}) and the dev run ({@link DevRun}), each as its own JVM as
 * a user starts it, end on a failed start with exit status 2 and one line on standard error that
 * says what is wrong: never a stack trace, never "null", never a process left hanging.
 */
class StartFailureTest {

    private static final Duration JAR_LIMIT = Duration.ofSeconds(60);
    /** The dev run starts its broker first. */
    private static final Duration DEV_LIMIT = Duration.ofSeconds(120);

    @TempDir
    static Path tmp;
    private static DevTokens tokens;

    @BeforeAll
    static void key() {
        tokens = DevTokens.persistent(tmp.resolve("dev"));
    }

    private static Map<String, String> env(Path conf, int port) {
        return Map.of("CONF_DIR", conf.toString(), "CAMEL_SERVER_PORT", String.valueOf(port),
                "EVENTGATE_TOKEN_PUBLIC_KEYS_URL", tokens.keysUrl(), "EVENTGATE_KAFKA_BOOTSTRAP_SERVER", "",
                "LOG_LEVEL", "WARN");
    }

    /** A copy of the example conf/ with a broken access.json. */
    private static Path brokenAccess(String name) throws IOException {
        Path conf = ExampleConf.copyTo(Files.createDirectory(tmp.resolve(name)));
        Files.writeString(conf.resolve("access.json"), "{\"public.cps.za.test\": [\"TestUser\",\n");
        return conf;
    }

    /** Ends within the limit with status 2 and one line starting {@code EventGate cannot start: }; returns the rest of it. */
    private static String oneLineFailure(ChildJvm child, Duration limit) throws InterruptedException {
        int status = child.exitWithin(limit);
        String all = "stdout:\n" + child.stdout() + "\nstderr:\n" + child.stderr();
        assertEquals(StartFailure.EXIT_STATUS, status, all);
        List<String> lines = child.stderrLines();
        assertEquals(1, lines.size(), all);
        String line = lines.get(0);
        assertTrue(line.startsWith(StartFailure.PREFIX), all);
        assertFalse(all.contains("\tat ") || all.contains("Exception in thread"), "no stack trace: " + all);
        assertFalse(line.contains("null"), line);
        return line.substring(StartFailure.PREFIX.length());
    }

    @Test
    void javaJarWithTheExampleConfAsShippedSaysWhichSettingToSet() throws Exception {
        try (ChildJvm jar = ChildJvm.start(EventGateMain.class.getName(), List.of(), Map.of(
                "CAMEL_SERVER_PORT", String.valueOf(RunningGateway.freePort())))) {
            String reason = oneLineFailure(jar, JAR_LIMIT);
            assertTrue(reason.startsWith("token_public_keys_url (https://login.example.com/token/public-keys): "), reason);
            assertTrue(reason.endsWith("; set token_public_keys_url (or EVENTGATE_TOKEN_PUBLIC_KEYS_URL) to your"
                    + " token provider's keys URL"), reason);
        }
    }

    @Test
    void javaJarWithABrokenAccessFileNamesIt() throws Exception {
        brokenAccessFileIsNamed(EventGateMain.class, List.of(), JAR_LIMIT);
    }

    @Test
    void javaJarOnAPortInUseSaysToSetAnother() throws Exception {
        portInUseIsNamed(EventGateMain.class, List.of(), JAR_LIMIT);
    }

    @Test
    void javaJarWithASinkRouteThatCannotBeMadeNamesIt() throws Exception {
        Path routes = Files.createDirectory(tmp.resolve("routes-broken"));
        for (String sink : List.of("kafka.yaml", "eventbridge.yaml", "postgres.yaml")) {
            Files.copy(Path.of("routes", sink), routes.resolve(sink));
        }
        Files.writeString(routes.resolve("broken.yaml"), """
                - route:
                    id: sink-broken
                    from:
                      uri: direct:sink-broken
                      steps:
                        - to: "nosuchcomponent:somewhere"
                """);
        Map<String, String> env = new java.util.HashMap<>(env(Path.of("conf"), RunningGateway.freePort()));
        env.put("EVENTGATE_ROUTES_DIR", routes.toString());
        try (ChildJvm jar = ChildJvm.start(EventGateMain.class.getName(), List.of(), env)) {
            String reason = oneLineFailure(jar, JAR_LIMIT);
            assertTrue(reason.startsWith("route sink-broken: ") && reason.contains("nosuchcomponent://somewhere"), reason);
        }
    }

    @Test
    void devRunWithABrokenAccessFileNamesItAndStopsItsBroker() throws Exception {
        brokenAccessFileIsNamed(DevRun.class, List.of("-D" + DevRun.DEV_DIR_PROPERTY + "=" + tmp.resolve("dev")), DEV_LIMIT);
    }

    @Test
    void devRunOnAPortInUseSaysToSetAnother() throws Exception {
        portInUseIsNamed(DevRun.class, List.of("-D" + DevRun.DEV_DIR_PROPERTY + "=" + tmp.resolve("dev")), DEV_LIMIT);
    }

    private static void brokenAccessFileIsNamed(Class<?> main, List<String> jvmArgs, Duration limit) throws Exception {
        Path conf = brokenAccess(main.getSimpleName() + "-access");
        try (ChildJvm child = ChildJvm.start(main.getName(), jvmArgs, env(conf, RunningGateway.freePort()))) {
            String reason = oneLineFailure(child, limit);
            assertTrue(reason.startsWith(conf.resolve("access.json") + ": not valid JSON"), reason);
        }
    }

    private static void portInUseIsNamed(Class<?> main, List<String> jvmArgs, Duration limit) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("0.0.0.0", 0));
            int port = taken.getLocalPort();
            try (ChildJvm child = ChildJvm.start(main.getName(), jvmArgs, env(Path.of("conf"), port))) {
                assertEquals("the HTTP server cannot listen on 0.0.0.0:" + port + ": the port is in use"
                        + " (set CAMEL_SERVER_PORT to a free port)", oneLineFailure(child, limit));
            }
        }
    }

    @Test
    void theReasonOfAWrappedFailureIsOneLine() {
        Exception yaml = new RuntimeException("Error pre-parsing resource: file:routes/bad.yaml",
                new IllegalStateException("while parsing a flow node\n in file:routes/bad.yaml, line 3, column 1:\n    \n    ^\n"
                        + "expected the node content"));
        assertEquals("while parsing a flow node in file:routes/bad.yaml, line 3, column 1: expected the node content",
                StartFailure.reason(yaml));
        assertEquals("conf/access.json: file not found", StartFailure.reason(new IllegalStateException("start",
                new io.eventgate.config.ConfigException("conf/access.json: file not found"))));
        assertEquals("boom (set CAMEL_SERVER_PORT to a free port)",
                StartFailure.reason(new IllegalStateException(new java.net.BindException("boom"))));
    }
}
