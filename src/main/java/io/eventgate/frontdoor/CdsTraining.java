package io.eventgate.frontdoor;

import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsonwebtoken.Jwts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The training run for the container image's class-data-sharing archive. The image build runs it
 * once with {@code -XX:ArchiveClassesAtExit} (see {@code src/main/docker/lambda-entrypoint.sh
 * --train}), so that the archive holds the classes a start and a first publish load, through the
 * same path as in Lambda: the runtime interface client ({@link AWSLambda}) polls a
 * {@link LocalRuntimeApi} on {@code AWS_LAMBDA_RUNTIME_API}, creates {@link LambdaHandler} and
 * answers a few API Gateway events.
 *
 * <p>It needs no network and no broker: {@link #offline()} makes a throw-away signing key and points
 * Kafka at a closed port, so the publish is refused by the Kafka sink after the producer's classes
 * are loaded. Any answer is fine; no answer within two minutes, or an init error, exits with 1.
 * The JVM ends with {@link Runtime#halt} (the archive is still written), without waiting for Camel's
 * graceful shutdown.
 */
public final class CdsTraining {

    private static final String TOPIC = "public.cps.za.test";

    private CdsTraining() {
    }

    /** Argument: the handler string (default {@code io.eventgate.frontdoor.LambdaHandler::handleRequest}). */
    public static void main(String[] args) throws Exception {
        String handler = args.length > 0 ? args[0] : LambdaHandler.class.getName() + "::handleRequest";
        String address = System.getenv("AWS_LAMBDA_RUNTIME_API");
        if (address == null || !address.startsWith("127.0.0.1:")) {
            System.err.println("CdsTraining: set AWS_LAMBDA_RUNTIME_API=127.0.0.1:<free port>");
            Runtime.getRuntime().halt(2);
        }
        String token = offline();
        ObjectMapper json = new ObjectMapper();
        int exit = 1;
        try {
            // Not closed: the client keeps polling it until the halt below.
            LocalRuntimeApi runtime = LocalRuntimeApi.start(Integer.parseInt(address.substring(10)));
            Map<String, Object> publish = LambdaPriming.event("POST", "/topics/" + TOPIC, token, testEvent());
            publish.put("resource", "/topics/{topic_name}");
            publish.put("pathParameters", Map.of("topic_name", TOPIC));
            CompletableFuture<?> answers = CompletableFuture.allOf(
                    runtime.submit(json.writeValueAsString(publish)),
                    runtime.submit(json.writeValueAsString(LambdaPriming.event("POST", "/topics/" + TOPIC, null, testEvent()))),
                    runtime.submit(json.writeValueAsString(LambdaPriming.event("GET", "/topics", null, null))),
                    runtime.submit(json.writeValueAsString(LambdaPriming.event("GET", "/health", null, null))));
            Thread client = new Thread(() -> {
                try {
                    AWSLambda.main(new String[] {handler});
                } catch (Throwable t) {
                    t.printStackTrace();
                }
            }, "runtime-interface-client");
            client.setDaemon(true);
            client.start();
            CompletableFuture.anyOf(answers, runtime.initError()).get(2, TimeUnit.MINUTES);
            if (answers.isDone()) {
                System.out.println("CdsTraining: 4 invocations answered");
                exit = 0;
            } else {
                System.err.println("CdsTraining: init error: " + runtime.initError().get());
            }
        } catch (Exception e) {
            System.err.println("CdsTraining failed: " + e);
        }
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(exit);
    }

    /**
     * Settings for a run without network: a throw-away RS256 key (as a {@code file:} keys
     * document) and Kafka on a closed port, as JVM system properties. Returns a token for
     * {@code TestUser}, valid for five minutes.
     */
    public static String offline() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Path file = Files.createTempFile("eventgate-training-keys", ".json");
        file.toFile().deleteOnExit();
        Files.writeString(file, "{\"keys\": [{\"key\": \""
                + Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()) + "\"}]}");
        System.setProperty("eventgate.token_public_keys_url", file.toUri().toString());
        System.setProperty("eventgate.token_public_key_url", "");
        System.setProperty("eventgate.kafka_bootstrap_server", "127.0.0.1:9");
        System.setProperty("eventgate.sinks.kafka.max_block_ms", "500");
        Instant now = Instant.now();
        return Jwts.builder().subject("TestUser").issuedAt(Date.from(now))
                .expiration(Date.from(now.plusSeconds(300))).signWith(keys.getPrivate(), Jwts.SIG.RS256).compact();
    }

    private static String testEvent() {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_id", "cds-training");
        event.put("tenant_id", "TRAIN");
        event.put("source_app", "cds-training");
        event.put("environment", "dev");
        event.put("timestamp", System.currentTimeMillis());
        try {
            return new ObjectMapper().writeValueAsString(event);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
