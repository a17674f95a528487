package io.eventgate.sinks.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.eventgate.Causes;
import io.eventgate.config.ConfigHolder;
import io.eventgate.config.Settings;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;

/**
 * The Postgres sink's connection pool, the bean {@code postgresDataSource} that
 * {@code routes/postgres.yaml} declares: one per application (so one per Lambda container, reused
 * across invocations). Nothing connects at start-up: the credentials are read (Secrets Manager or
 * local settings, see {@link PostgresCredentials}) and a small HikariCP pool is made on the first
 * use; a failure there fails only that request, and the next one tries again.
 *
 * <p>With {@code postgres.migrate=true} the schema ({@code classpath:db/migration}) is applied with
 * Flyway before the first statement, and {@link #start()} tries that eagerly at start-up.
 *
 * <p>Settings: {@code postgres.pool_size} (default 2), {@code postgres.connect_timeout_ms}
 * (default 2000: how long a request waits for a connection, so a dead database fails inside the
 * sink deadline), {@code postgres.socket_timeout_ms} (default 10000), and
 * {@code postgres.properties.<name>} for any PgJDBC property (e.g. {@code sslmode}).
 */
public final class PostgresDataSource implements DataSource, AutoCloseable {

    public static final String BEAN_NAME = "postgresDataSource";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresDataSource.class);
    private static final String DRIVER_PROPERTIES = "postgres.properties.";

    private final ConfigHolder config;
    private volatile HikariDataSource pool;
    private volatile boolean fromSecret;
    private volatile boolean migrated;

    public PostgresDataSource(ConfigHolder config) {
        this.config = config;
    }

    /** At start-up: with {@code postgres.migrate=true}, connect and migrate now; a failure is only logged. */
    public void start() {
        Settings settings = config.current().settings();
        if (!PostgresCredentials.configured(settings) || !migrate(settings)) {
            return;
        }
        try {
            pool();
        } catch (RuntimeException | SQLException e) {
            LOG.warn("Postgres is not reachable at start-up, migrations run on first use: {}", PostgresErrors.describe(e));
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        HikariDataSource current = pool();
        try {
            return current.getConnection();
        } catch (SQLException e) {
            if (fromSecret && loginFailed(e)) {
                // The secret may have been rotated: read it again on the next request.
                reset(current);
            }
            throw e;
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the Postgres sink connects with its configured credentials");
    }

    /** The pool, made (and the schema migrated) on first use. */
    private HikariDataSource pool() throws SQLException {
        HikariDataSource current = pool;
        if (current != null && migrated) {
            return current;
        }
        synchronized (this) {
            Settings settings = config.current().settings();
            if (pool == null) {
                PostgresCredentials credentials = PostgresCredentials.resolve(settings);
                pool = newPool(credentials, settings);
                fromSecret = credentials.fromSecret();
                LOG.info("Postgres sink connects to {}", credentials);
            }
            if (!migrated) {
                if (migrate(settings)) {
                    migrateSchema(pool);
                }
                migrated = true;
            }
            return pool;
        }
    }

    private static boolean migrate(Settings settings) {
        return settings.getBoolean("postgres.migrate", false);
    }

    private static void migrateSchema(DataSource dataSource) {
        var result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .placeholderReplacement(false)
                .load()
                .migrate();
        LOG.info("Postgres schema migrated: {} migration(s) applied, now at version {}",
                result.migrationsExecuted, result.targetSchemaVersion);
    }

    static HikariDataSource newPool(PostgresCredentials credentials, Settings settings) throws SQLException {
        long connectTimeoutMs = Math.max(250, settings.getLong("postgres.connect_timeout_ms", 2000));
        long socketTimeoutMs = settings.getLong("postgres.socket_timeout_ms", 10_000);

        PGSimpleDataSource driver = new PGSimpleDataSource();
        if (credentials.jdbcUrl() != null) {
            driver.setURL(credentials.jdbcUrl());
        } else {
            driver.setServerNames(new String[] {credentials.host()});
            driver.setPortNumbers(new int[] {credentials.port()});
            driver.setDatabaseName(credentials.database());
        }
        driver.setApplicationName("EventGate");
        driver.setConnectTimeout(seconds(connectTimeoutMs));
        driver.setLoginTimeout(seconds(connectTimeoutMs));
        driver.setSocketTimeout(seconds(socketTimeoutMs));
        for (Map.Entry<String, String> setting : settings.asMap().entrySet()) {
            if (setting.getKey().startsWith(DRIVER_PROPERTIES)) {
                driver.setProperty(setting.getKey().substring(DRIVER_PROPERTIES.length()), setting.getValue());
            }
        }

        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("postgres");
        hikari.setDataSource(driver);
        hikari.setUsername(credentials.user());
        hikari.setPassword(credentials.password());
        hikari.setMaximumPoolSize((int) Math.max(2, settings.getLong("postgres.pool_size", 2)));
        hikari.setMinimumIdle(0);
        hikari.setConnectionTimeout(connectTimeoutMs);
        hikari.setValidationTimeout(Math.max(250, connectTimeoutMs / 2));
        // Do not connect here: the first request does, and reports the failure if there is one.
        hikari.setInitializationFailTimeout(-1);
        return new HikariDataSource(hikari);
    }

    private static int seconds(long millis) {
        return (int) Math.max(1, (millis + 999) / 1000);
    }

    /** Invalid password or authorization (SQLSTATE class 28), on the exception or its causes. */
    private static boolean loginFailed(Throwable e) {
        for (Throwable t : Causes.of(e)) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("28")) {
                return true;
            }
        }
        return false;
    }

    private synchronized void reset(HikariDataSource stale) {
        if (pool == stale) {
            pool = null;
            migrated = false;
            stale.close();
        }
    }

    /** Closes the pool (Camel calls this when it stops). */
    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.close();
            pool = null;
            migrated = false;
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // logging goes through SLF4J
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // set by postgres.connect_timeout_ms
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper for " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
