package io.eventgate.auth;

import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.CapturedLog;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.KeyServer;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static io.eventgate.testsupport.Answers.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A token whose {@code kid} the keys lack makes EventGate fetch the keys once more (the provider
 * rotated its key), at most once per {@code token_refetch_seconds}, and a key server that is down
 * leaves the keys in use. Keys over real HTTP ({@link KeyServer}), real RS256 tokens, real broker.
 */
class KeyRefetchTest {

    private static final String TOPIC = "public.cps.za.test";
    private static final KeyPair OLD = DevTokens.newKeyPair();
    private static final KeyPair NEW = DevTokens.newKeyPair();
    private static final KeyPair STRANGER = DevTokens.newKeyPair();

    @Test
    void aTokenSignedWithARotatedInKeyIsAcceptedAfterOneRefetch() {
        try (KeyServer keys = KeyServer.start().serve("/keys", keysDocument(Map.of("old", OLD)));
             RunningGateway gateway = start(keys, "3600")) {
            assertPublished(gateway, sign(OLD, "old"));
            assertEquals(1, keys.requests("/keys"), "fetched once, at start");

            keys.serve("/keys", keysDocument(Map.of("old", OLD, "new", NEW)));
            assertPublished(gateway, sign(NEW, "new"));
            assertEquals(2, keys.requests("/keys"), "one refetch for the new kid");

            assertPublished(gateway, sign(NEW, "new"));
            assertPublished(gateway, sign(OLD, "old"));
            assertEquals(2, keys.requests("/keys"), "a known kid fetches nothing");
        }
    }

    @Test
    void hundredTokensWithMadeUpKidsCauseOneFetchPerInterval() throws Exception {
        try (KeyServer keys = KeyServer.start().serveAfter("/keys", keysDocument(Map.of("old", OLD)), Duration.ofMillis(200));
             RunningGateway gateway = start(keys, "3600")) {
            assertEquals(1, keys.requests("/keys"));
            ExecutorService clients = Executors.newFixedThreadPool(16);
            try {
                List<Future<HttpResponse<String>>> answers = IntStream.range(0, 100)
                        .mapToObj(i -> clients.submit(() -> gateway.post("/topics/" + TOPIC,
                                sign(STRANGER, UUID.randomUUID().toString()), Events.test(Events.id()))))
                        .toList();
                for (Future<HttpResponse<String>> answer : answers) {
                    assertError(answer.get(), 401, "auth", "Token is not signed by a configured key");
                }
            } finally {
                clients.shutdownNow();
            }
            assertEquals(2, keys.requests("/keys"), "one refetch for 100 made-up kids within the interval");

            assertPublished(gateway, sign(OLD, "old"));
        }
    }

    @Test
    void everyRequestThatWaitedForTheRefetchIsAcceptedNotOnlyTheFirst() throws Exception {
        try (KeyServer keys = KeyServer.start().serve("/keys", keysDocument(Map.of("old", OLD)));
             RunningGateway gateway = start(keys, "3600")) {
            // The rotated-in key, served slowly: the requests below all come while the refetch runs.
            keys.serveAfter("/keys", keysDocument(Map.of("old", OLD, "new", NEW)), Duration.ofMillis(700));
            ExecutorService clients = Executors.newFixedThreadPool(8);
            try {
                List<Future<HttpResponse<String>>> answers = IntStream.range(0, 8)
                        .mapToObj(i -> clients.submit(() -> gateway.post("/topics/" + TOPIC, sign(NEW, "new"),
                                Events.test(Events.id()))))
                        .toList();
                for (Future<HttpResponse<String>> answer : answers) {
                    assertEquals(202, answer.get().statusCode(), answer.get().body());
                }
            } finally {
                clients.shutdownNow();
            }
            assertEquals(2, keys.requests("/keys"), "one refetch, shared by the eight requests");
        }
    }

    @Test
    void twoCallersAtOnceShareOneRefetchAndALateCallerSeesItsKeys() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger fetched = new AtomicInteger();
        KeyRefetch refetch = new KeyRefetch(() -> {
            fetched.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of(new PublicKeyLoader.Key("old", OLD.getPublic()), new PublicKeyLoader.Key("new", NEW.getPublic()));
        }, 3600);
        TokenVerifier verifier = new TokenVerifier(List.of(new PublicKeyLoader.Key("old", OLD.getPublic())),
                TokenVerifier.Rules.withClockSkew(0), refetch);
        String token = sign(NEW, "new");
        long checked = verifier.keysVersion();

        // Sixteen callers race to start the refetch: one starts it, every other one shares it.
        ExecutorService callers = Executors.newFixedThreadPool(16);
        List<CompletableFuture<Boolean>> waits;
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<CompletableFuture<Boolean>>> asked = IntStream.range(0, 16)
                    .mapToObj(i -> callers.submit(() -> {
                        go.await();
                        return verifier.refetchFor(token, checked);
                    }))
                    .toList();
            go.countDown();
            waits = new ArrayList<>();
            for (Future<CompletableFuture<Boolean>> one : asked) {
                waits.add(one.get());
            }
        } finally {
            callers.shutdownNow();
        }
        release.countDown();
        for (CompletableFuture<Boolean> wait : waits) {
            assertEquals(Boolean.TRUE, wait.get(10, TimeUnit.SECONDS), "each caller checks its token again");
        }
        assertEquals(1, fetched.get());
        assertEquals("TestUser", verifier.verify(token).getSubject());

        // A request that was checked with the old keys, and asks only after the refetch put the new
        // ones in use, within the interval: it checks its token again rather than being refused.
        assertEquals(Boolean.TRUE, verifier.refetchFor(token, checked).get(10, TimeUnit.SECONDS));
        // A made-up kid within the interval gets the last refetch's outcome at once: refused.
        assertEquals(Boolean.FALSE, verifier.refetchFor(sign(STRANGER, "made-up"), verifier.keysVersion())
                .get(10, TimeUnit.SECONDS));
        assertEquals(1, fetched.get());
    }

    @Test
    void aKeyServerThatIsDownLeavesTheKeysInUse() throws Exception {
        KeyServer keys = KeyServer.start().serve("/keys", keysDocument(Map.of("old", OLD)));
        try (keys; RunningGateway gateway = start(keys, "1"); CapturedLog log = CapturedLog.start()) {
            keys.close();

            assertError(gateway.post("/topics/" + TOPIC, sign(NEW, "new"), Events.test(Events.id())),
                    401, "auth", "Token is not signed by a configured key");

            assertPublished(gateway, sign(OLD, "old"));
            assertEquals(1, log.lines("the keys could not be fetched again").size(), "one WARN line");
            assertTrue(log.lines("the keys could not be fetched again").get(0).contains("WARN"));
        }
    }

    @Test
    void aKeyIdIsReadFromTheTokenHeaderOnly() {
        assertEquals("k-1", TokenVerifier.kidOf(sign(OLD, "k-1")));
        assertEquals(null, TokenVerifier.kidOf(Jwts.builder().subject("TestUser").signWith(OLD.getPrivate(), Jwts.SIG.RS256).compact()));
        assertEquals(null, TokenVerifier.kidOf("not a token"));
        assertEquals(null, TokenVerifier.kidOf("%%%.e30.sig"));
        assertEquals(null, TokenVerifier.kidOf(Base64.getUrlEncoder().encodeToString("[1]".getBytes()) + ".e30.sig"));
    }

    private static RunningGateway start(KeyServer keys, String refetchSeconds) {
        return RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.token_public_keys_url", keys.url("/keys"),
                "eventgate.token_refetch_seconds", refetchSeconds,
                "eventgate.config_poll_seconds", "0"));
    }

    private static void assertPublished(RunningGateway gateway, String token) {
        String id = Events.id();
        HttpResponse<String> answer = gateway.post("/topics/" + TOPIC, token, Events.test(id));
        assertEquals(202, answer.statusCode(), answer.body());
        assertTrue(KafkaRecords.find(SharedKafka.bootstrapServers(), TOPIC, r -> r.value().contains(id),
                Duration.ofSeconds(10)).isPresent(), "event " + id + " is in Kafka");
    }

    /** {@code {"keys": [{"kid": ..., "key": ...}, ...]}}. */
    private static String keysDocument(Map<String, KeyPair> byKid) {
        return "{\"keys\": [" + String.join(", ", byKid.entrySet().stream()
                .map(e -> "{\"kid\": \"" + e.getKey() + "\", \"key\": \""
                        + Base64.getEncoder().encodeToString(e.getValue().getPublic().getEncoded()) + "\"}")
                .toList()) + "]}";
    }

    private static String sign(KeyPair key, String kid) {
        return Jwts.builder().header().keyId(kid).and()
                .subject("TestUser")
                .expiration(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
                .signWith(key.getPrivate(), Jwts.SIG.RS256).compact();
    }
}
