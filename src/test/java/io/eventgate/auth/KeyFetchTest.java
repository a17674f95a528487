package io.eventgate.auth;

import io.eventgate.config.ConfigException;
import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KeyServer;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static io.eventgate.testsupport.Answers.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fetching the token keys is bounded: the whole answer within {@code token_fetch_timeout_ms}, at
 * most {@code token_fetch_max_bytes}, https only but for {@code file:} and loopback hosts (unless
 * {@code token_allow_http}). A slow key server fails a start or a reload at the limit and holds up
 * no other request; reloads that overlap fetch once.
 */
class KeyFetchTest {

    private static final int LIMIT_MS = 1500;
    /** Time a loaded machine may add to a limit before the test calls it late. */
    private static final long SLACK_MS = 3000;

    private static final DevTokens TOKENS = DevTokens.create();
    private static KeyServer keys;
    private static RunningGateway gateway;

    @TempDir
    Path folder;

    @BeforeAll
    static void start() {
        // a publish below is timed (while a reload trickles): not the one that makes the topic
        SharedKafka.createTopic("public.cps.za.test");
        keys = KeyServer.start().serve("/keys", DevTokens.keysDocument(TOKENS.keyPair()));
        gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.token_public_keys_url", keys.url("/keys"),
                "eventgate.token_fetch_timeout_ms", String.valueOf(LIMIT_MS)));
        // and not the one that starts the Kafka producer either
        gateway.post("/topics/public.cps.za.test", TOKENS.token("TestUser", Duration.ofMinutes(5)), Events.test(Events.id()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        keys.close();
    }

    private static PublicKeyLoader.Limits limits(boolean allowHttp) {
        return new PublicKeyLoader.Limits(Duration.ofMillis(LIMIT_MS), PublicKeyLoader.DEFAULT_MAX_BYTES, allowHttp);
    }

    private static String refusal(String keysUrl, PublicKeyLoader.Limits limits) {
        String message = assertThrows(ConfigException.class, () -> PublicKeyLoader.load(null, keysUrl, limits)).getMessage();
        assertFalse(message.contains("\n"), "one line: " + message);
        return message;
    }

    private static CompletableFuture<HttpResponse<String>> terminate() {
        return CompletableFuture.supplyAsync(() -> gateway.post("/terminate", TOKENS.token("EventGateAdmin", Duration.ofMinutes(5)), ""));
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    // --- where keys may come from ---

    @Test
    void loopbackHostsAreKnownWithoutALookup() {
        for (String host : new String[] {"localhost", "LocalHost", "127.0.0.1", "127.1.2.3", "[::1]", "::1"}) {
            assertTrue(PublicKeyLoader.isLoopback(host), host);
        }
        for (String host : new String[] {"10.0.0.1", "128.0.0.1", "keys.example.com", "localhost.example.com", "[fd00::2]"}) {
            assertFalse(PublicKeyLoader.isLoopback(host), host);
        }
    }

    @Test
    void plainHttpToAnotherHostIsRefusedWithoutConnecting() {
        String message = refusal("http://keys.example.com/keys", limits(false));
        assertTrue(message.startsWith("token_public_keys_url (http://keys.example.com/keys): plain http"), message);
        assertTrue(message.contains("use https, or set token_allow_http=true"), message);
        assertTrue(refusal("ftp://keys.example.com/keys", limits(true)).contains("only https, http and file"));
    }

    @Test
    void tokenAllowHttpLetsPlainHttpReachAnotherHost() throws SocketException {
        Optional<InetAddress> address = nonLoopbackAddress();
        assumeTrue(address.isPresent(), "this machine has no address but loopback");
        try (KeyServer everywhere = KeyServer.start("0.0.0.0").serve("/keys", DevTokens.keysDocument(TOKENS.keyPair()))) {
            String url = "http://" + address.get().getHostAddress() + ":" + everywhere.port() + "/keys";

            assertTrue(refusal(url, limits(false)).contains("token_allow_http"));
            assertEquals(0, everywhere.requests("/keys"), "refused before any connection");
            assertEquals(List.of(TOKENS.keyPair().getPublic()), PublicKeyLoader.load(null, url, limits(true)));
        }
    }

    @Test
    void anErrorStatusIsReported() {
        assertTrue(refusal(keys.url("/nothing-here"), limits(false)).endsWith("): HTTP 404; set token_public_keys_url"
                + " (or EVENTGATE_TOKEN_PUBLIC_KEYS_URL) to your token provider's keys URL"));
    }

    @Test
    void anUnreachableKeyServerIsNamedWithWhatToSetNeverNull() {
        String unknownHost = refusal("https://no-such-host.invalid/token/public-keys", limits(false));
        assertEquals("token_public_keys_url (https://no-such-host.invalid/token/public-keys): cannot connect:"
                + " the host no-such-host.invalid is not known; set token_public_keys_url"
                + " (or EVENTGATE_TOKEN_PUBLIC_KEYS_URL) to your token provider's keys URL", unknownHost);

        String closed = "http://127.0.0.1:" + io.eventgate.testsupport.RunningGateway.freePort() + "/keys";
        String refused = assertThrows(ConfigException.class, () -> PublicKeyLoader.load(closed, null, limits(false)))
                .getMessage();
        assertTrue(refused.startsWith("token_public_key_url (" + closed + "): cannot connect"), refused);
        assertTrue(refused.endsWith("; set token_public_key_url (or EVENTGATE_TOKEN_PUBLIC_KEY_URL) to your token"
                + " provider's key URL"), refused);
        assertFalse(refused.contains("null") || refused.contains("Exception") || refused.contains("\n"), refused);
    }

    // --- how much ---

    @Test
    void aKeysDocumentOverTheSizeLimitIsRefused() throws IOException {
        String document = DevTokens.keysDocument(TOKENS.keyPair());
        String atTheLimit = document + " ".repeat((int) PublicKeyLoader.DEFAULT_MAX_BYTES - document.length());
        String overTheLimit = atTheLimit + " ";
        Path file = Files.writeString(folder.resolve("keys.json"), overTheLimit);
        try (KeyServer server = KeyServer.start().serve("/limit", atTheLimit).serve("/over", overTheLimit)) {
            assertEquals(1, PublicKeyLoader.load(null, server.url("/limit"), limits(false)).size());
            for (String url : new String[] {server.url("/over"), file.toUri().toString()}) {
                assertTrue(refusal(url, limits(false)).endsWith("the answer is larger than 65536 bytes (token_fetch_max_bytes)"), url);
            }
        }
    }

    // --- how long ---

    @Test
    void aTricklingKeyServerFailsAStartAtTheTimeLimit() {
        keys.trickle("/trickle");
        long start = System.nanoTime();
        RuntimeException failure = assertThrows(RuntimeException.class, () -> RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.token_public_keys_url", keys.url("/trickle"),
                "eventgate.token_fetch_timeout_ms", String.valueOf(LIMIT_MS))));
        long took = millisSince(start);

        assertTrue(took >= LIMIT_MS && took < LIMIT_MS + SLACK_MS, "start failed after " + took + " ms");
        assertEquals(ConfigException.class, failure.getClass(), failure::toString);
        assertEquals("token_public_keys_url (" + keys.url("/trickle") + "): no complete answer within "
                + LIMIT_MS + " ms", failure.getMessage());
    }

    @Test
    void aTricklingKeyServerFailsAReloadAtTheTimeLimitAndHoldsUpNothingElse() {
        keys.trickle("/keys");
        try {
            int before = keys.requests("/keys");
            long start = System.nanoTime();
            CompletableFuture<HttpResponse<String>> reload = terminate();
            while (keys.requests("/keys") == before && millisSince(start) < LIMIT_MS) {
                Thread.onSpinWait();
            }

            long publishStart = System.nanoTime();
            HttpResponse<String> publish = gateway.post("/topics/public.cps.za.test",
                    TOKENS.token("TestUser", Duration.ofMinutes(5)), Events.test(Events.id()));
            long publishMs = millisSince(publishStart);
            long healthStart = System.nanoTime();
            HttpResponse<String> health = gateway.get("/health");
            long healthMs = millisSince(healthStart);
            boolean reloadStillRunning = !reload.isDone();

            HttpResponse<String> answer = reload.join();
            long took = millisSince(start);

            assertEquals(202, publish.statusCode(), publish.body());
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(reloadStillRunning, "the publish and /health answered while the reload was fetching");
            assertTrue(publishMs < 1000 && healthMs < 1000, "publish " + publishMs + " ms, /health " + healthMs + " ms");
            assertError(answer, 500, "internal", "token_public_keys_url (" + keys.url("/keys")
                    + "): no complete answer within " + LIMIT_MS + " ms");
            assertTrue(took < LIMIT_MS + SLACK_MS, "reload answered after " + took + " ms");
        } finally {
            keys.serve("/keys", DevTokens.keysDocument(TOKENS.keyPair()));
        }
        assertEquals(202, gateway.post("/topics/public.cps.za.test", TOKENS.token("TestUser", Duration.ofMinutes(5)),
                Events.test(Events.id())).statusCode(), "the previous keys are still in force");
    }

    @Test
    void twoReloadsAtOnceFetchTheKeysOnce() {
        keys.serveAfter("/keys", DevTokens.keysDocument(TOKENS.keyPair()), Duration.ofMillis(1000));
        try {
            int before = keys.requests("/keys");

            CompletableFuture<HttpResponse<String>> first = terminate();
            CompletableFuture<HttpResponse<String>> second = terminate();

            assertEquals(200, first.join().statusCode(), first.join().body());
            assertEquals(200, second.join().statusCode(), second.join().body());
            assertEquals(before + 1, keys.requests("/keys"));
        } finally {
            keys.serve("/keys", DevTokens.keysDocument(TOKENS.keyPair()));
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                Optional<InetAddress> address = nic.inetAddresses().filter(Inet4Address.class::isInstance).findFirst();
                if (address.isPresent()) {
                    return address;
                }
            }
        }
        return Optional.empty();
    }
}
