package io.eventgate.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program of this project run as its own JVM, as a user runs it ({@code java -jar}'s main class,
 * the dev run), with the test class path, in the project folder, with the given environment on top
 * of a clean one (no {@code CONF_DIR}, {@code CAMEL_SERVER_PORT} or {@code EVENTGATE_*} inherited).
 * Its standard output and error go to files, read at any time. {@link #close()} ends it (SIGTERM,
 * then SIGKILL after 10 s), so no test leaves one running.
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path out;
    private final Path err;

    private ChildJvm(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /**
     * @param jvmArgs  e.g. {@code -Dkey=value}
     * @param env      set on top of this JVM's environment, less the variables named above
     */
    public static ChildJvm start(String mainClass, List<String> jvmArgs, Map<String, String> env) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        try {
            Path out = Files.createTempFile("child-out-", ".log");
            Path err = Files.createTempFile("child-err-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(new File(System.getProperty("user.dir")))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("EVENTGATE_")
                    || name.equals("CONF_DIR") || name.equals("CAMEL_SERVER_PORT") || name.equals("LOG_LEVEL")
                    || name.equals("JAVA_TOOL_OPTIONS"));
            builder.environment().putAll(env);
            return new ChildJvm(builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The exit status, once the process has ended within {@code limit}; else it is killed and this
     * fails: the program hung.
     */
    public int exitWithin(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            String message = "still running after " + limit + " (hung); stdout:\n" + stdout() + "\nstderr:\n" + stderr();
            close();
            throw new AssertionError(message);
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String stdout() {
        return read(out);
    }

    public String stderr() {
        return read(err);
    }

    /** Standard error's lines that are not blank and not the JVM's own warnings. */
    public List<String> stderrLines() {
        return stderr().lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("OpenJDK") && !line.startsWith("Java HotSpot"))
                .toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        } catch (IOException ignored) {
            // temporary files
        }
    }
}
