package io.eventgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The processes a benchmark starts (broker, EventGate, baseline): each is logged to a file, its pid
 * appended to a pid file (so that the calling script can clean up even after a hard kill of this
 * JVM), and all are stopped by {@link #stopAll()}, which also runs as a shutdown hook. A stopped
 * ({@code SIGSTOP}) broker is resumed first.
 */
final class Children {

    private final Path pidFile;
    private final List<Process> processes = new ArrayList<>();
    private final Map<Process, Integer> graceSeconds = new java.util.HashMap<>();
    private final List<Long> stoppedPids = new ArrayList<>();

    Children(Path pidFile) {
        this.pidFile = pidFile;
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "stop-children"));
    }

    /**
     * @param log          where stdout and stderr go, unless {@code pipeStdin}: then the caller reads them
     * @param graceSeconds how long {@link #stopAll()} waits after {@code SIGTERM} before {@code SIGKILL}
     */
    synchronized Process start(String name, List<String> command, Map<String, String> env, Path log,
                               boolean pipeStdin, int graceSeconds) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        if (!pipeStdin) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.redirectOutput(log.toFile());
        }
        Process process = builder.start();
        processes.add(process);
        this.graceSeconds.put(process, graceSeconds);
        Files.writeString(pidFile, process.pid() + " " + name + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        return process;
    }

    /** {@code kill -STOP} / {@code kill -CONT}. */
    void signal(Process process, String signal) throws IOException, InterruptedException {
        synchronized (this) {
            if (signal.equals("STOP")) {
                stoppedPids.add(process.pid());
            } else {
                stoppedPids.remove(process.pid());
            }
        }
        int rc = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    synchronized void stopAll() {
        for (Long pid : new ArrayList<>(stoppedPids)) {
            try {
                new ProcessBuilder("kill", "-CONT", String.valueOf(pid)).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException ignored) {
                // best effort
            }
        }
        stoppedPids.clear();
        // Last started first (EventGate before the broker), each given its grace before SIGKILL.
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            try {
                if (!p.waitFor(graceSeconds.getOrDefault(p, 5), TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        processes.clear();
    }
}
