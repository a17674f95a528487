package io.eventgate.sinks;

import io.eventgate.config.ConfigHolder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka sink's health probe, used by {@code routes/kafka.yaml} as {@code bean:kafkaHealthCheck}:
 * asks the cluster to describe itself. One admin client, made on first use and kept, with the
 * producer's security properties ({@link KafkaSecurity}: the {@code kafka.*} settings and the secret).
 */
public final class KafkaHealthCheck implements AutoCloseable {

    public static final String BEAN_NAME = "kafkaHealthCheck";
    private static final int TIMEOUT_MS = 2000;

    private final ConfigHolder config;
    private final KafkaSecurity security;
    private Admin admin;

    public KafkaHealthCheck(ConfigHolder config, KafkaSecurity security) {
        this.config = config;
        this.security = security;
    }

    /**
     * @throws Exception with the reason when the cluster does not answer. After a failed TLS
     *         handshake or login the admin client is closed (the next probe makes a new one), so
     *         that it does not go on retrying the refused credentials in the background.
     */
    public void check() throws Exception {
        int nodes;
        try {
            nodes = admin().describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS))
                    .nodes().get(TIMEOUT_MS + 500L, TimeUnit.MILLISECONDS).size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException) {
                close();
            }
            throw e;
        }
        if (nodes == 0) {
            throw new IllegalStateException("no brokers available");
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> props = new HashMap<>(security.clientProperties());
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    config.current().settings().get("kafka_bootstrap_server", ""));
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
            props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
            admin = Admin.create(props);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
            admin = null;
        }
    }
}
