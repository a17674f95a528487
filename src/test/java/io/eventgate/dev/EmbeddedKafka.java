package io.eventgate.dev;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A single-node Apache Kafka broker (KRaft mode, combined broker + controller) running inside
 * the current JVM, for tests and for the local dev run.
 *
 * <p>{@link #start()} formats a fresh temporary log directory, binds a plaintext listener and a
 * controller listener to free ports on {@code 127.0.0.1} and returns once a client can talk to
 * the broker. Topics are auto-created with one partition and replication factor 1, and the
 * internal offsets/transaction topics are sized for one node, so idempotent producers and
 * consumer groups work out of the box.
 *
 * <p>{@link #stop()} shuts the broker down but keeps its port and data, so a test can simulate
 * "broker down" (connections to {@link #bootstrapServers()} are refused) and then bring the same
 * broker back with {@link #restart()}. {@link #close()} shuts it down for good and deletes the
 * temporary directory.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopic("events");
 *     String bootstrap = kafka.bootstrapServers();
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #start(Listeners)} adds secured client listeners (SSL, SASL_SSL) beside the plaintext
 * one, reached as {@code localhost} (the name in the test certificates), with their broker settings
 * and SCRAM users written into the metadata when the log directory is formatted.
 *
 * <p>Needs {@code org.apache.kafka:kafka_2.13} (same version as the kafka-clients on the class
 * path) at test scope. Kafka logs through SLF4J under the logger names {@code kafka},
 * {@code org.apache.kafka} and {@code state.change.logger}.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final int START_ATTEMPTS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Path dataDir;
    private final int brokerPort;
    private final int controllerPort;
    private final Listeners extra;
    private final Map<String, Integer> extraPorts = new LinkedHashMap<>();
    private KafkaRaftServer server;
    private boolean closed;
    private Thread shutdownHook;

    private EmbeddedKafka(Path dataDir, int[] ports, Listeners extra) {
        this.dataDir = dataDir;
        this.brokerPort = ports[0];
        this.controllerPort = ports[1];
        this.extra = extra;
        int i = 2;
        for (String name : extra.protocols().keySet()) {
            extraPorts.put(name, ports[i++]);
        }
    }

    /**
     * Client listeners besides the plaintext one (which the broker keeps for itself and for tests'
     * set-up), and what they need.
     *
     * @param protocols  listener name to security protocol, e.g. {@code TLS -> SSL}
     * @param properties further broker settings, e.g. {@code listener.name.tls.ssl.keystore.location}
     * @param scram      SCRAM credentials for the metadata, as {@code kafka-storage format --add-scram} takes them
     */
    public record Listeners(Map<String, String> protocols, Map<String, Object> properties, List<String> scram) {
        static final Listeners NONE = new Listeners(Map.of(), Map.of(), List.of());
    }

    /**
     * Starts a new broker on free ports with an empty temporary log directory and blocks until it
     * accepts clients.
     */
    public static EmbeddedKafka start() {
        return start(Listeners.NONE);
    }

    /** Starts a new broker with these client listeners too (see {@link Listeners}). */
    public static EmbeddedKafka start(Listeners extra) {
        preventJvmExit();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path dir = null;
            boolean started = false;
            try {
                dir = Files.createTempDirectory("embedded-kafka-");
                EmbeddedKafka kafka = new EmbeddedKafka(dir, freePorts(2 + extra.protocols().size()), extra);
                kafka.format();
                kafka.startServer();
                kafka.registerShutdownHook();
                started = true;
                return kafka;
            } catch (IOException e) {
                last = new UncheckedIOException(e);
            } catch (RuntimeException e) {
                last = e;
            } finally {
                if (!started) {
                    deleteRecursively(dir);
                }
            }
            // A port picked as free may have been taken by someone else in the meantime: retry.
            if (!causedByBindFailure(last)) {
                break;
            }
        }
        throw new IllegalStateException("Could not start the embedded Kafka broker", last);
    }

    /** The {@code host:port} list clients use to reach this broker. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    /** The {@code host:port} of the listener of that name (see {@link #start(Listeners)}). */
    public String bootstrapServers(String listener) {
        Integer port = extraPorts.get(listener);
        if (port == null) {
            throw new IllegalArgumentException("no listener " + listener);
        }
        return "localhost:" + port;
    }

    /** Creates a topic with one partition and replication factor 1; does nothing if it already exists. */
    public void createTopic(String name) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1)))
                    .all().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Could not create topic " + name, e.getCause());
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Could not create topic " + name, e);
        }
    }

    /** Whether the broker is currently running (started and not stopped or closed). */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Shuts the broker down, keeping its data and port, to simulate an unavailable broker: after
     * this returns, connections to {@link #bootstrapServers()} are refused. Does nothing if the
     * broker is not running.
     */
    public synchronized void stop() {
        if (server != null) {
            KafkaRaftServer s = server;
            server = null;
            s.shutdown();
            s.awaitShutdown();
        }
    }

    /**
     * Starts the broker again after {@link #stop()}, on the same port and with the same data,
     * and blocks until it accepts clients. Does nothing if the broker is running.
     *
     * @throws IllegalStateException if the broker has been closed
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("The embedded Kafka broker has been closed");
        }
        if (server == null) {
            startServer();
        }
    }

    /** Shuts the broker down and deletes its temporary directory. */
    @Override
    public synchronized void close() {
        closed = true;
        try {
            stop();
        } finally {
            deleteRecursively(dataDir);
            removeShutdownHook();
        }
    }

    private void format() {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir()))
                    .setMetadataLogDirectory(logDir())
                    .setControllerListenerName("CONTROLLER")
                    .setScramArguments(extra.scram())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format " + logDir(), e);
        }
    }

    private synchronized void startServer() {
        KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(brokerConfig(), false), Time.SYSTEM);
        try {
            s.startup();
            awaitReady();
        } catch (Throwable e) {
            try {
                s.shutdown();
                s.awaitShutdown();
            } catch (Throwable suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        server = s;
    }

    private Map<String, Object> brokerConfig() {
        Map<String, Object> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        StringBuilder listeners = new StringBuilder("PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        StringBuilder advertised = new StringBuilder("PLAINTEXT://" + HOST + ":" + brokerPort);
        StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        extraPorts.forEach((name, port) -> {
            listeners.append(',').append(name).append("://").append(HOST).append(':').append(port);
            advertised.append(',').append(name).append("://localhost:").append(port);
            protocols.append(',').append(name).append(':').append(extra.protocols().get(name));
        });
        p.put("listeners", listeners.toString());
        p.put("advertised.listeners", advertised.toString());
        p.put("listener.security.protocol.map", protocols.toString());
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("log.dirs", logDir());
        p.put("metadata.log.dir", logDir());
        // One node: every replication factor and ISR minimum is 1.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "true");
        // Records as large as EventGate's Kafka producer sends (sinks.kafka.max_request_size, 2 MiB + 64 KiB),
        // so that a body of max_body_bytes (1 MiB) is taken: a default broker takes 1 MiB + 12 bytes.
        p.put("message.max.bytes", String.valueOf(2 * 1024 * 1024 + 64 * 1024));
        p.put("group.initial.rebalance.delay.ms", "0");
        // Keep the footprint small on a 2-core machine.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("background.threads", "2");
        p.put("log.cleaner.enable", "false");
        p.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        // Quicker broker registration and unfencing than the production defaults.
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("broker.session.timeout.ms", "6000");
        p.putAll(extra.properties());
        return p;
    }

    /** Waits until the broker answers a metadata request on its client listener. */
    private void awaitReady() {
        try (Admin admin = admin()) {
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Broker not ready after " + READY_TIMEOUT, e);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Broker not ready after " + READY_TIMEOUT);
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the broker", e);
        }
    }

    private Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(p);
    }

    private String logDir() {
        return dataDir.resolve("kraft-logs").toString();
    }

    private void registerShutdownHook() {
        shutdownHook = new Thread(this::close, "embedded-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private void removeShutdownHook() {
        Thread hook = shutdownHook;
        shutdownHook = null;
        if (hook != null && hook != Thread.currentThread()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException jvmAlreadyShuttingDown) {
                // nothing to undo
            }
        }
    }

    /**
     * Kafka's server code exits or halts the JVM on fatal errors; inside a test or dev JVM that
     * would take the whole process down, so turn those calls into exceptions instead.
     */
    private static void preventJvmExit() {
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("Embedded Kafka asked to exit(" + code + "): " + message);
        });
        Exit.setHaltProcedure((code, message) -> {
            throw new IllegalStateException("Embedded Kafka asked to halt(" + code + "): " + message);
        });
    }

    private static int[] freePorts(int count) throws IOException {
        int[] ports = new int[count];
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                sockets[i].setReuseAddress(true);
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
        return ports;
    }

    private static boolean causedByBindFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException
                    || (c.getMessage() != null && c.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a leftover temp dir is harmless
        }
    }
}
