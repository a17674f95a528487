package io.eventgate.sinks;

import io.eventgate.config.ConfigHolder;
import io.eventgate.sinks.eventbridge.EventBridgeSink;
import io.eventgate.sinks.postgres.PostgresDataSource;
import org.apache.camel.main.Main;

/**
 * The Java beans that the built-in sink routes call: the Kafka health probe and client factory
 * (which share the Kafka security properties), the EventBridge client and the Postgres pool.
 * Bound here, once, rather than in the YAML files: Camel's YAML loader may instantiate a file's
 * {@code beans:} more than once when several files declare beans, which would leave a second pool
 * or client running.
 */
public final class SinkBeans implements AutoCloseable {

    public static final String EVENTBRIDGE_BEAN = "eventBridgeSink";

    private final KafkaHealthCheck kafkaHealth;
    private final KafkaClients kafkaClients;
    private final EventBridgeSink eventBridge;
    private final PostgresDataSource postgres;

    private SinkBeans(ConfigHolder config) {
        KafkaSecurity kafkaSecurity = new KafkaSecurity(config);
        this.kafkaHealth = new KafkaHealthCheck(config, kafkaSecurity);
        this.kafkaClients = new KafkaClients(kafkaSecurity);
        this.eventBridge = EventBridgeSink.fromSettings(config.current().settings());
        this.postgres = new PostgresDataSource(config);
    }

    public static SinkBeans bindTo(Main main, ConfigHolder config) {
        SinkBeans beans = new SinkBeans(config);
        main.bind(KafkaHealthCheck.BEAN_NAME, beans.kafkaHealth);
        main.bind(KafkaClients.BEAN_NAME, beans.kafkaClients);
        main.bind(EVENTBRIDGE_BEAN, beans.eventBridge);
        main.bind(PostgresDataSource.BEAN_NAME, beans.postgres);
        return beans;
    }

    /** Prepares what can be prepared before the first event (clients, pool, migrations); never fails start-up. */
    public void start() {
        eventBridge.start();
        postgres.start();
    }

    @Override
    public void close() {
        kafkaHealth.close();
        eventBridge.close();
        postgres.close();
    }
}
