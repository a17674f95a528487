package io.eventgate.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The broker and EventGate as child processes of a benchmark, started the same way by each. */
final class BenchProcesses {

    static final String HOST = "127.0.0.1";

    /** A started broker and what a client needs to publish through EventGate to it. */
    record Broker(Process process, String bootstrap, String keysUrl, String token) {
    }

    private BenchProcesses() {
    }

    /**
     * {@code io.eventgate.dev.StandaloneKafka} in {@code dir} with the bench topic, up and with its dev
     * token written, after {@code settleMs} for the broker JVM's own start-up work.
     */
    static Broker startBroker(Children children, String java, String cp, Path dir, Path log, long settleMs)
            throws Exception {
        Files.createDirectories(dir);
        for (String f : List.of("bootstrap", "keys-url", "token")) {
            Files.deleteIfExists(dir.resolve(f));
        }
        Process broker = children.start("broker", List.of(java, "-cp", cp, "io.eventgate.dev.StandaloneKafka",
                dir.toString(), BenchEvent.TOPIC), Map.of(), log, false, 15);
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (!Files.exists(dir.resolve("token")) || Files.size(dir.resolve("token")) == 0) {
            if (!broker.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("broker not up, see " + log);
            }
            Thread.sleep(200);
        }
        Thread.sleep(settleMs);
        return new Broker(broker, Files.readString(dir.resolve("bootstrap")).trim(),
                Files.readString(dir.resolve("keys-url")).trim(), Files.readString(dir.resolve("token")).trim());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }

    /**
     * {@code java <opts> -jar target/eventgate.jar} on {@code port} with {@code env} and {@code LOG_LEVEL=WARN},
     * returned once {@code firstRequest} is answered 202.
     */
    static Process startGateway(Children children, String java, List<String> opts, Map<String, String> env, int port,
                                Path log, byte[] firstRequest) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.put("CAMEL_SERVER_PORT", String.valueOf(port));
        all.put("LOG_LEVEL", "WARN");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(opts);
        cmd.addAll(List.of("-jar", "target/eventgate.jar"));
        Process gateway = children.start("eventgate", cmd, all, log, false, 2);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            if (!gateway.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("EventGate gave no 202 within 60 s, see " + log);
            }
            try (HttpConnection c = new HttpConnection(HOST, port, 10_000)) {
                if (c.exchange(firstRequest).status() == 202) {
                    return gateway;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(50);
        }
    }
}
