package io.eventgate.reliability;

import io.eventgate.dev.EmbeddedKafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka broker ({@link EmbeddedKafka}) in a JVM of its own, so that it can be paused with
 * {@code SIGSTOP} and resumed with {@code SIGCONT} like a stalled broker host. The child prints its
 * bootstrap servers and then lives until its standard input ends: when the test JVM goes away,
 * even killed, the child goes too.
 */
final class ChildBroker implements AutoCloseable {

    private static final String READY = "bootstrap=";

    private final Process process;
    private final String bootstrapServers;
    private final Thread shutdownHook;

    private ChildBroker(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.shutdownHook = new Thread(this::close, "child-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The child's entry point: a broker with these topics, until standard input ends. */
    public static void main(String[] topics) throws IOException {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        for (String topic : topics) {
            kafka.createTopic(topic);
        }
        System.out.println(READY + kafka.bootstrapServers());
        System.out.flush();
        while (System.in.read() >= 0) {
            // the parent holds stdin open for as long as it wants the broker
        }
        kafka.close();
        System.exit(0);
    }

    /** Starts the child (the test class path), its output in {@code log}, and waits until it is ready. */
    static ChildBroker start(Path log, String... topics) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), ChildBroker.class.getName()));
        command.addAll(List.of(topics));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("LOG_LEVEL", "WARN");
        Process process;
        try {
            Files.createDirectories(log.getParent());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread copier = new Thread(() -> copyOutput(process, log, ready), "child-broker-output");
        copier.setDaemon(true);
        copier.start();
        try {
            return new ChildBroker(process, ready.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("The child broker did not start; see " + log, e);
        }
    }

    private static void copyOutput(Process process, Path log, CompletableFuture<String> ready) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(READY)) {
                    ready.complete(line.substring(READY.length()).trim());
                }
                file.write(line);
                file.write('\n');
                file.flush();
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IllegalStateException("the child broker exited"));
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    long pid() {
        return process.pid();
    }

    /** {@code kill -STOP}: the broker's threads stop; its sockets stay open and the kernel still accepts data. */
    void pause() {
        signal("-STOP");
    }

    /** {@code kill -CONT}. */
    void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Resumes the child (in case it is paused) and ends it: stdin closed, then SIGKILL if it lingers. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        try {
            signal("-CONT");
        } catch (RuntimeException ignored) {
            // it may have exited meanwhile
        }
        try {
            process.getOutputStream().close();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException jvmShuttingDown) {
                // nothing to undo
            }
        }
    }
}
