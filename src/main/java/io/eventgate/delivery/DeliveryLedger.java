package io.eventgate.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.config.ConfigException;
import io.eventgate.config.ConfigHolder;
import io.eventgate.config.Settings;
import io.eventgate.sinks.SinkDirectory;
import io.eventgate.sinks.postgres.PostgresCredentials;
import io.eventgate.sinks.postgres.PostgresDataSource;
import io.eventgate.sinks.postgres.PostgresErrors;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Which sinks already acknowledged which event, so that a client's retry of an event goes only to
 * the sinks that do not have it yet (README, "Retry-safe delivery").
 *
 * <p>An event's identity is a field of it ({@code delivery.identity_field}, default {@code event_id};
 * per topic {@code delivery.identity_fields.<topic>}), scoped by its topic. Each sink has its own
 * Camel {@link IdempotentRepository} of the identities it acknowledged, whose keys expire after
 * {@code delivery.expiry_seconds}: in memory by default ({@link ExpiringMemoryRepository}), or in a
 * table on the Postgres database that several instances (and Lambda containers) share
 * ({@code delivery.repository=jdbc}, {@link SharedJdbcRepository}).
 *
 * <p>The API is per event, or per batch of events ({@link #acknowledgedSinks}, one statement per sink
 * with the shared table), and never throws: a repository that fails counts as "not acknowledged",
 * so the event goes to the sink (again). With the JDBC repository the calls block on the database:
 * call them off the event loop ({@link #blocking()}; {@link #executor()} is a pool for that).
 */
public final class DeliveryLedger extends ServiceSupport {

    public static final String BEAN_NAME = "deliveryLedger";
    static final String DEFAULT_IDENTITY_FIELD = "event_id";
    static final long DEFAULT_EXPIRY_SECONDS = 86_400;
    static final long DEFAULT_MAX_ENTRIES = 20_000;
    static final String DEFAULT_TABLE = "eventgate_delivery_acks";
    /** Identities longer than this are kept as their SHA-256, so that no client can make a key large. */
    static final int LONGEST_KEPT_ID = 64;
    private static final String HASHED = "sha256:";
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLedger.class);

    /** Where the acknowledgements are kept: {@code delivery.repository}. */
    public enum Kind { MEMORY, JDBC, OFF }

    private final ConfigHolder config;
    private final CamelContext context;
    private final Kind kind;
    private final long expirySeconds;
    private final int maxEntries;
    private final Map<String, IdempotentRepository> repositories = new ConcurrentHashMap<>();
    private final Jdbc jdbc;
    /** The health probe running, shared by concurrent checks (guarded by {@link #jdbc}). */
    private CompletableFuture<String> runningProbe;
    private volatile ExecutorService executor;
    private ScheduledExecutorService timer;

    DeliveryLedger(CamelContext context, ConfigHolder config) {
        this.context = context;
        this.config = config;
        Settings settings = config.current().settings();
        this.kind = kind(settings);
        this.expirySeconds = positive(settings, "delivery.expiry_seconds", DEFAULT_EXPIRY_SECONDS);
        this.maxEntries = (int) Math.min(Integer.MAX_VALUE, positive(settings, "delivery.memory.max_entries", DEFAULT_MAX_ENTRIES));
        this.jdbc = kind == Kind.JDBC ? new Jdbc(config, settings, expirySeconds) : null;
    }

    /**
     * Checks the {@code delivery.*} settings that are read at start, so that a wrong one stops start-up
     * with its one-line reason ({@link ConfigException}) before Camel starts.
     */
    public static void checkSettings(Settings settings) {
        Kind kind = kind(settings);
        for (String key : new String[] {"delivery.expiry_seconds", "delivery.memory.max_entries", "delivery.threads",
                "delivery.jdbc.retry_ms", "delivery.jdbc.cleanup_seconds", "delivery.jdbc.max_unwritten",
                "delivery.jdbc.timeout_ms"}) {
            positive(settings, key, 1);
        }
        if (kind == Kind.JDBC) {
            Jdbc.table(settings);
        }
    }

    /**
     * The application's ledger: the one bound in the registry, else a new one, bound and started with
     * the context (and stopped with it). The settings {@code delivery.repository}, the expiry and the
     * bounds are read here, once: a change needs a restart. The identity fields are read per event.
     */
    public static synchronized DeliveryLedger of(CamelContext context, ConfigHolder config) {
        DeliveryLedger found = context.getRegistry().lookupByNameAndType(BEAN_NAME, DeliveryLedger.class);
        if (found != null) {
            return found;
        }
        DeliveryLedger ledger = new DeliveryLedger(context, config);
        context.getRegistry().bind(BEAN_NAME, DeliveryLedger.class, ledger);
        try {
            context.addService(ledger, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("the delivery ledger did not start", e);
        }
        return ledger;
    }

    public Kind kind() {
        return kind;
    }

    /** True when the calls wait for a database: make them on {@link #executor()}, not on an event loop. */
    public boolean blocking() {
        return kind == Kind.JDBC;
    }

    /**
     * When {@link #blocking()}: a small pool of the ledger's own for its calls ({@code delivery.threads},
     * 1000 waiting at most; a rejected call is the caller's to handle). Null otherwise.
     */
    public ExecutorService executor() {
        return executor;
    }

    /**
     * The event's identity: the value of the topic's identity field, when it is a non-empty string or
     * a whole number. Empty (the event is delivered as if there were no ledger) when the ledger is
     * off, the topic has no identity field, or the event lacks the field.
     */
    public Optional<String> identity(String topic, JsonNode event) {
        return identity(config.current().settings(), topic, event);
    }

    /** {@link #identity(String, JsonNode)} under the configuration pinned on the request (a reload mid-request does not change it). */
    public Optional<String> identity(org.apache.camel.Exchange exchange, String topic, JsonNode event) {
        return identity(config.current(exchange).settings(), topic, event);
    }

    private Optional<String> identity(Settings settings, String topic, JsonNode event) {
        if (kind == Kind.OFF || event == null) {
            return Optional.empty();
        }
        String perTopic = settings.asMap().get("delivery.identity_fields." + topic);
        String field = perTopic != null ? perTopic.trim() : settings.get("delivery.identity_field", DEFAULT_IDENTITY_FIELD);
        if (field.isEmpty()) {
            return Optional.empty();
        }
        JsonNode value;
        try {
            value = field.startsWith("/") ? event.at(field) : event.get(field);
        } catch (IllegalArgumentException e) {
            // not a JSON pointer (a bad ~ escape): no identity, rather than a failed publish
            return Optional.empty();
        }
        if (value == null || !(value.isTextual() || value.isIntegralNumber())) {
            return Optional.empty();
        }
        String id = value.isTextual() ? value.textValue() : value.asText();
        return id.isEmpty() ? Optional.empty() : Optional.of(id);
    }

    /**
     * The sinks, of {@code sinks}, that have not acknowledged the event {@code id} of {@code topic}
     * (within the expiry), in their order. A sink whose repository cannot tell is among them.
     */
    public List<SinkDirectory.Sink> pendingSinks(String topic, String id, List<SinkDirectory.Sink> sinks) {
        String key = key(topic, id);
        List<SinkDirectory.Sink> pending = new ArrayList<>(sinks.size());
        for (SinkDirectory.Sink sink : sinks) {
            if (!has(sink.name(), key)) {
                pending.add(sink);
            }
        }
        return pending;
    }

    /** Whether the sink acknowledged the event {@code id} of {@code topic}; false when its repository cannot tell. */
    public boolean hasAcknowledged(String topic, String id, String sink) {
        return has(sink, key(topic, id));
    }

    /**
     * Records that the sink acknowledged the event durably. Call it only then: never for a sink that
     * failed or answered after its deadline.
     */
    public void acknowledged(String topic, String id, String sink) {
        try {
            repository(sink).add(key(topic, id));
        } catch (RuntimeException e) {
            LOG.warn("Delivery ledger: cannot record that {} has {} of {}: {}", sink, id, topic, e.toString());
        }
    }

    /**
     * For a batch: of the events {@code ids} of {@code topic}, those that a sink of {@code sinks} already
     * acknowledged (within the expiry), each with the names of those sinks; an event no sink has is
     * absent. The same answers as {@link #pendingSinks} per event, asked with one statement per sink
     * with the shared table (none for a sink whose answers this instance holds in memory). A sink whose
     * repository cannot tell has acknowledged none of the events it did not record here.
     */
    public Map<String, Set<String>> acknowledgedSinks(String topic, Collection<String> ids, List<SinkDirectory.Sink> sinks) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String id : ids) {
            keys.computeIfAbsent(id, i -> key(topic, i));
        }
        Map<String, Set<String>> acknowledged = new HashMap<>();
        for (SinkDirectory.Sink sink : sinks) {
            Set<String> have = hasAll(sink.name(), keys.values());
            if (have.isEmpty()) {
                continue;
            }
            keys.forEach((id, key) -> {
                if (have.contains(key)) {
                    acknowledged.computeIfAbsent(id, i -> new HashSet<>()).add(sink.name());
                }
            });
        }
        return acknowledged;
    }

    /**
     * For a batch: records that the sink acknowledged each of the events {@code ids} of {@code topic}
     * durably, with one statement with the shared table. As {@link #acknowledged(String, String, String)}:
     * call it only with the events the sink acknowledged in time.
     */
    public void acknowledged(String topic, Collection<String> ids, String sink) {
        if (ids.isEmpty()) {
            return;
        }
        Set<String> keys = new LinkedHashSet<>();
        for (String id : ids) {
            keys.add(key(topic, id));
        }
        try {
            IdempotentRepository repository = repository(sink);
            if (repository instanceof SharedJdbcRepository shared) {
                shared.addAll(keys);
            } else {
                keys.forEach(repository::add);
            }
        } catch (RuntimeException e) {
            LOG.warn("Delivery ledger: cannot record that {} has {} event(s) of {}: {}", sink, keys.size(), topic, e.toString());
        }
    }

    /** Of {@code keys}, those the sink acknowledged; none that it did not record here when its repository cannot tell. */
    private Set<String> hasAll(String sink, Collection<String> keys) {
        try {
            IdempotentRepository repository = repository(sink);
            if (repository instanceof SharedJdbcRepository shared) {
                return shared.containsAll(keys);
            }
            Set<String> found = new HashSet<>();
            for (String key : keys) {
                if (repository.contains(key)) {
                    found.add(key);
                }
            }
            return found;
        } catch (RuntimeException e) {
            LOG.warn("Delivery ledger: cannot tell whether {} has {} event(s): {}", sink, keys.size(), e.toString());
            return Set.of();
        }
    }

    private boolean has(String sink, String key) {
        try {
            return repository(sink).contains(key);
        } catch (RuntimeException e) {
            LOG.warn("Delivery ledger: cannot tell whether {} has {}: {}", sink, key, e.toString());
            return false;
        }
    }

    /** The sink's repository, made on first use. */
    IdempotentRepository repository(String sink) {
        return repositories.computeIfAbsent(sink, name -> {
            ExpiringMemoryRepository memory = new ExpiringMemoryRepository(maxEntries, expirySeconds * 1000);
            memory.start();
            return jdbc == null ? memory : jdbc.repository(name, memory);
        });
    }

    /**
     * {@code <topic>/<id>}; an id over {@link #LONGEST_KEPT_ID} characters, one that could be
     * mistaken for a digest, or one with a NUL (which a Postgres text column refuses: such an id
     * would make the shared table look down) is kept as {@code <topic>/sha256:<hex>}. Topic names are
     * file names, so they hold no {@code /}.
     */
    static String key(String topic, String id) {
        if (id.length() <= LONGEST_KEPT_ID && !id.startsWith(HASHED) && id.indexOf('\u0000') < 0) {
            return topic + "/" + id;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return topic + "/" + HASHED + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    protected void doStart() {
        if (jdbc != null) {
            int threads = (int) positive(config.current().settings(), "delivery.threads", 4);
            executor = context.getExecutorServiceManager().newThreadPool(this, "delivery-ledger",
                    new ThreadPoolProfileBuilder("eventgate-delivery-ledger")
                            .poolSize(threads).maxPoolSize(threads).maxQueueSize(1000)
                            .rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build());
            jdbc.start();
            timer = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "delivery-ledger-cleanup");
            timer.scheduleWithFixedDelay(this::flush, jdbc.retryMillis, jdbc.retryMillis, TimeUnit.MILLISECONDS);
            timer.scheduleWithFixedDelay(jdbc::cleanup, jdbc.cleanupSeconds, jdbc.cleanupSeconds, TimeUnit.SECONDS);
        }
        LOG.info("Delivery ledger: {}{}", kind.name().toLowerCase(Locale.ROOT),
                kind == Kind.OFF ? "" : ", acknowledgements expire after " + expirySeconds + " s");
    }

    /**
     * For {@code /health} with the shared table ({@code delivery.repository=jdbc}): {@code "ok"} when
     * one row can be read from it within {@code delivery.jdbc.timeout_ms}, else a plain reason such as
     * {@code "shared table eventgate_delivery_acks: cannot connect to the database"} (never the
     * driver's text). The probe runs on the ledger's pool; concurrent checks share the one running.
     * Empty with the memory repository or none.
     */
    public Optional<CompletableFuture<String>> health() {
        if (jdbc == null) {
            return Optional.empty();
        }
        synchronized (jdbc) {
            ExecutorService pool = executor;
            if (pool == null) {
                return Optional.of(CompletableFuture.completedFuture("shared table " + jdbc.table + ": not started"));
            }
            CompletableFuture<String> probe = runningProbe;
            if (probe == null) {
                // Handed out only once it is no longer the running probe: a check that follows an
                // answered one (even one made as that answer is handed over) probes again.
                CompletableFuture<String> answer = new CompletableFuture<>();
                runningProbe = answer;
                jdbc.probe(pool).whenComplete((status, failure) -> {
                    synchronized (jdbc) {
                        if (runningProbe == answer) {
                            runningProbe = null;
                        }
                    }
                    answer.complete(failure == null ? status : "shared table " + jdbc.table + ": the probe failed");
                });
                probe = answer;
            }
            return Optional.of(probe);
        }
    }

    /** Writes what could not be written to the shared table while it was down. */
    void flush() {
        if (jdbc == null || !jdbc.database.available()) {
            return;
        }
        for (IdempotentRepository repository : repositories.values()) {
            if (repository instanceof SharedJdbcRepository shared && shared.unwritten() > 0 && !shared.flush()) {
                return;
            }
        }
    }

    /** Deletes the shared table's expired rows now, as the clean-up timer does (tests). */
    void cleanupExpired() {
        if (jdbc != null) {
            jdbc.cleanup();
        }
    }

    /** Acknowledgements not yet written to the shared table (0 with the memory repository). */
    int unwritten() {
        return repositories.values().stream()
                .mapToInt(r -> r instanceof SharedJdbcRepository shared ? shared.unwritten() : 0).sum();
    }

    @Override
    protected void doStop() {
        if (timer != null) {
            context.getExecutorServiceManager().shutdownNow(timer);
            timer = null;
        }
        if (executor != null) {
            context.getExecutorServiceManager().shutdown(executor);
            executor = null;
        }
        repositories.values().forEach(IdempotentRepository::stop);
        repositories.clear();
        if (jdbc != null) {
            jdbc.close();
        }
    }

    private static Kind kind(Settings settings) {
        String value = settings.get("delivery.repository", "memory").toUpperCase(Locale.ROOT);
        try {
            return Kind.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("setting 'delivery.repository': '" + settings.get("delivery.repository", "")
                    + "' is not one of memory, jdbc, off");
        }
    }

    private static long positive(Settings settings, String key, long fallback) {
        long value = settings.getLong(key, fallback);
        if (value < 1) {
            throw new ConfigException("setting '" + key + "': " + value + " is not a positive number");
        }
        return value;
    }

    /** The shared table: its own connection pool on the Postgres sink's database, and camel-sql's repository per sink. */
    private static final class Jdbc {

        private final PostgresDataSource dataSource;
        private final JdbcTemplate template;
        private final TransactionTemplate transactions;
        private final SharedJdbcRepository.Availability database;
        private final AcknowledgementTable batches;
        private final String table;
        private final long expirySeconds;
        private final long retryMillis;
        private final long cleanupSeconds;
        private final int maxUnwritten;
        private final long timeoutMillis;

        Jdbc(ConfigHolder config, Settings settings, long expirySeconds) {
            this.table = table(settings);
            this.expirySeconds = expirySeconds;
            this.retryMillis = positive(settings, "delivery.jdbc.retry_ms", 5000);
            this.cleanupSeconds = positive(settings, "delivery.jdbc.cleanup_seconds", 600);
            this.maxUnwritten = (int) Math.min(Integer.MAX_VALUE, positive(settings, "delivery.jdbc.max_unwritten", 10_000));
            // A pool of its own (postgres.* settings, migrations included), so that the ledger never
            // waits behind the sink's writes, nor they behind it.
            this.dataSource = new PostgresDataSource(config);
            this.template = new JdbcTemplate(dataSource);
            this.timeoutMillis = positive(settings, "delivery.jdbc.timeout_ms", 2000);
            this.template.setQueryTimeout((int) Math.max(1, (timeoutMillis + 999) / 1000));
            this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
            this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRED);
            this.database = new SharedJdbcRepository.Availability(retryMillis);
            this.batches = new AcknowledgementTable(template, table, expirySeconds);
        }

        /** The table's name; the database must be configured. */
        static String table(Settings settings) {
            if (!PostgresCredentials.configured(settings)) {
                throw new ConfigException("setting 'delivery.repository': jdbc needs the Postgres database "
                        + "(postgres.secret_name, postgres.jdbc_url or postgres.host)");
            }
            String table = settings.get("delivery.jdbc.table", DEFAULT_TABLE);
            if (!TABLE_NAME.matcher(table).matches()) {
                throw new ConfigException("setting 'delivery.jdbc.table': '" + table + "' is not a table name");
            }
            return table;
        }

        void start() {
            dataSource.start();
        }

        SharedJdbcRepository repository(String sink, ExpiringMemoryRepository local) {
            JdbcMessageIdRepository shared = new JdbcMessageIdRepository(template, transactions);
            shared.setProcessorName(sink);
            shared.setCreateTableIfNotExists(false);
            // Only rows within the expiry count; a later acknowledgement of an expired row renews it
            // (and two instances recording the same one at once do not conflict).
            shared.setQueryString("SELECT COUNT(*) FROM " + table + " WHERE processorName = ? AND messageId = ?"
                    + " AND createdAt > now() - INTERVAL '" + expirySeconds + " seconds'");
            shared.setInsertString("INSERT INTO " + table + " (processorName, messageId, createdAt) VALUES (?, ?, ?)"
                    + " ON CONFLICT (processorName, messageId) DO UPDATE SET createdAt = EXCLUDED.createdAt");
            shared.setDeleteString("DELETE FROM " + table + " WHERE processorName = ? AND messageId = ?");
            shared.setClearString("DELETE FROM " + table + " WHERE processorName = ?");
            return new SharedJdbcRepository(sink, local, shared, batches, database, maxUnwritten);
        }

        /** Reads at most one row of the table, on {@code pool}: "ok", or what is wrong, in plain words. */
        CompletableFuture<String> probe(ExecutorService pool) {
            String name = "shared table " + table + ": ";
            try {
                return CompletableFuture.supplyAsync(() -> {
                    try {
                        template.queryForList("SELECT 1 FROM " + table + " LIMIT 1");
                        return "ok";
                    } catch (RuntimeException e) {
                        return name + PostgresErrors.describe(e);
                    }
                }, pool).completeOnTimeout(name + "no answer within " + timeoutMillis + " ms", timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                return CompletableFuture.completedFuture(name + "the ledger's threads are all busy");
            }
        }

        /**
         * Deletes the rows past the expiry, but none that a batch is renewing at the same time: those
         * are skipped (and renewed), never waited for. A batch's insert locks the rows it renews in key
         * order, a plain delete in scan order, and the two could deadlock.
         */
        void cleanup() {
            if (!database.available()) {
                return;
            }
            try {
                int deleted = template.update("DELETE FROM " + table + " WHERE (processorName, messageId) IN"
                        + " (SELECT processorName, messageId FROM " + table + " WHERE createdAt < now() - INTERVAL '"
                        + expirySeconds + " seconds' FOR UPDATE SKIP LOCKED)");
                LOG.debug("Delivery ledger: {} expired acknowledgement(s) deleted", deleted);
            } catch (RuntimeException e) {
                database.failed(e);
            }
        }

        void close() {
            dataSource.close();
        }
    }
}
