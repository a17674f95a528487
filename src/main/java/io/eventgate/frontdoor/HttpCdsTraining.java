package io.eventgate.frontdoor;

import io.eventgate.EventGateApplication;
import io.eventgate.config.S3ConfigReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The training run for {@code java -jar}'s class-data-sharing archive ({@code target/eventgate.jsa},
 * made by {@code mvn package}). The build runs
 * {@code java -XX:ArchiveClassesAtExit=target/eventgate.jsa -Deventgate.cds.train=true -jar target/eventgate.jar},
 * so the archive is made with the same class path as the real start, and holds the classes that a
 * start and the first requests load: the HTTP front door, a publish through the gateway route
 * (token, topic, access, body, schema, the Kafka producer), and the read endpoints (with
 * {@code /metrics}, whose JVM meters are bound after start).
 *
 * <p>It needs no network and no broker ({@link CdsTraining#offline()}): Kafka is a closed port, so
 * the publish is answered 500 after the producer's classes are loaded. Any answers are fine. The
 * requests are written on a plain socket, so that no HTTP client of ours ends up in the archive.
 * The JVM ends with {@link Runtime#halt}; the archive is written all the same.
 */
public final class HttpCdsTraining {

    private HttpCdsTraining() {
    }

    public static void run() {
        int exit = 1;
        try {
            String token = CdsTraining.offline();
            int port = freePort();
            System.setProperty("camel.server.port", String.valueOf(port));
            System.setProperty("camel.server.host", "127.0.0.1");
            System.setProperty("eventgate.sink_timeout_ms", "1000");
            EventGateApplication app = EventGateApplication.create(EventGateApplication.FrontDoor.HTTP,
                    new S3ConfigReader(), Map.of()).start();
            String event = "{\"event_id\":\"cds-training\",\"tenant_id\":\"TRAIN\",\"source_app\":\"cds-training\","
                    + "\"environment\":\"dev\",\"timestamp\":" + System.currentTimeMillis() + "}";
            for (String request : List.of(
                    post("/topics/public.cps.za.test", token, event),
                    post("/topics/public.cps.za.test", null, event),
                    get("/topics"), get("/topics/public.cps.za.test"), get("/health"), get("/api"), get("/docs"),
                    get("/metrics"))) {
                System.out.println("HttpCdsTraining: " + exchange(port, request));
            }
            app.camelContext().getShutdownStrategy().setTimeout(1);
            exit = 0;
        } catch (Exception e) {
            System.err.println("HttpCdsTraining failed: " + e);
        }
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(exit);
    }

    private static String post(String path, String token, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n" + body;
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    }

    /** Sends one request and returns the answer's status line. */
    private static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = answer.indexOf("\r\n");
            return end < 0 ? answer : answer.substring(0, end);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
