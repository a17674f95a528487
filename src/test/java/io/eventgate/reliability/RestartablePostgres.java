package io.eventgate.reliability;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An embedded Postgres (zonky) that can be killed with {@code SIGKILL}, postmaster and every backend,
 * as a crashed database host would be, and started again on the same port and data directory (it
 * then runs crash recovery). {@code synchronous_commit} is on, as on a production server (zonky
 * turns it off by default, which would lose commits acknowledged just before a kill).
 */
final class RestartablePostgres implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres postgres;

    private RestartablePostgres(Path dataDir, EmbeddedPostgres postgres) {
        this.dataDir = dataDir;
        this.postgres = postgres;
        this.port = postgres.getPort();
    }

    static RestartablePostgres start() {
        try {
            Path dir = Files.createTempDirectory("reliability-pg");
            return new RestartablePostgres(dir, builder(dir).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EmbeddedPostgres.Builder builder(Path dir) {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setServerConfig("synchronous_commit", "on");
    }

    int port() {
        return port;
    }

    /** The gateway's settings for this database as its Postgres sink: migrated, a 1 s connect timeout. */
    Map<String, String> sinkSettings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("eventgate.postgres.host", "localhost");
        settings.put("eventgate.postgres.port", String.valueOf(port));
        settings.put("eventgate.postgres.database", "postgres");
        settings.put("eventgate.postgres.user", "postgres");
        settings.put("eventgate.postgres.migrate", "true");
        settings.put("eventgate.postgres.connect_timeout_ms", "1000");
        return settings;
    }

    /** The number that {@code sql} (a {@code SELECT count(*) ... = ?}) gives for {@code id}. */
    long count(String sql, String id) {
        try (Connection c = dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    synchronized DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    /** SIGKILL to the postmaster, then to every backend it had; returns when they are all gone. */
    synchronized void kill() {
        try {
            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
            ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(
                    () -> new IllegalStateException("no postmaster " + pid));
            List<ProcessHandle> all = new ArrayList<>();
            all.add(postmaster);
            all.addAll(postmaster.descendants().toList());
            all.forEach(ProcessHandle::destroyForcibly);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (all.stream().anyMatch(ProcessHandle::isAlive)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Postgres processes still alive after SIGKILL");
                }
                Thread.sleep(20);
            }
            // Releases zonky's lock on the data directory; its pg_ctl stop fails (nothing runs) and is logged.
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts Postgres again on the same port and data directory; returns when it accepts connections. */
    synchronized void restart() {
        try {
            postgres = builder(dataDir).setPort(port).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            postgres.close();
        } catch (IOException ignored) {
            // best effort
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a leftover temporary folder is harmless
        }
    }
}
