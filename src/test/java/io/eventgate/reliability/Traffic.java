package io.eventgate.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgate.testsupport.Events;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A few clients that each publish a new event (a fresh {@code event_id}), wait for the answer, pause
 * briefly and publish the next, until stopped; every answer is kept as an {@link Outcome}. The
 * clients do not retry: {@link #resend} is the retry a client would make, done on purpose.
 */
final class Traffic {

    /** When an event was sent, relative to the fault. */
    enum Phase { BEFORE, FAULT, AFTER, RETRY }

    /** One publish: its answer's status ({@link #NO_ANSWER} when none came) and the sinks its 500 named. */
    record Outcome(String eventId, String body, Phase phase, int status, Set<String> failedSinks, String answer) {
        boolean accepted() {
            return status == 202;
        }

        boolean failed() {
            return status == 500;
        }
    }

    static final int NO_ANSWER = -1;
    /** Longer than any sink's deadline: an answer that takes longer is counted as none. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI uri;
    private final String token;
    private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final List<Thread> clients = new ArrayList<>();
    private volatile Phase phase = Phase.BEFORE;
    private volatile boolean running;

    Traffic(URI uri, String token) {
        this.uri = uri;
        this.token = token;
    }

    /** Starts {@code count} clients, each pausing {@code thinkMs} between an answer and its next event. */
    void start(int count, long thinkMs) {
        running = true;
        for (int i = 0; i < count; i++) {
            Thread client = new Thread(() -> {
                while (running) {
                    String id = Events.id();
                    outcomes.add(send(id, Events.test(id), phase));
                    sleep(thinkMs);
                }
            }, "fault-client-" + i);
            client.start();
            clients.add(client);
        }
    }

    /** Events sent from now on are counted in this phase. */
    void phase(Phase phase) {
        this.phase = phase;
    }

    /** Stops the clients, waits for the answers in flight, and returns every outcome. */
    List<Outcome> stop() throws InterruptedException {
        running = false;
        for (Thread client : clients) {
            client.join();
        }
        return List.copyOf(outcomes);
    }

    /** Sends each of these events once more, unchanged (same body, same event_id), from {@code count} clients. */
    List<Outcome> resend(List<Outcome> events, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Future<Outcome>> answers = new ArrayList<>();
            for (Outcome event : events) {
                answers.add(pool.submit(() -> send(event.eventId(), event.body(), Phase.RETRY)));
            }
            List<Outcome> retried = new ArrayList<>();
            for (Future<Outcome> answer : answers) {
                retried.add(answer.get());
            }
            return retried;
        } finally {
            pool.shutdownNow();
        }
    }

    private Outcome send(String id, String body, Phase sentIn) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Outcome(id, body, sentIn, response.statusCode(), failedSinks(response), response.body());
        } catch (IOException e) {
            return new Outcome(id, body, sentIn, NO_ANSWER, Set.of(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(id, body, sentIn, NO_ANSWER, Set.of(), e.toString());
        }
    }

    private static Set<String> failedSinks(HttpResponse<String> response) {
        Set<String> sinks = new TreeSet<>();
        if (response.statusCode() != 202) {
            try {
                for (JsonNode error : JSON.readTree(response.body()).path("errors")) {
                    sinks.add(error.path("type").asText());
                }
            } catch (IOException notJson) {
                sinks.add("(not JSON)");
            }
        }
        return sinks;
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
