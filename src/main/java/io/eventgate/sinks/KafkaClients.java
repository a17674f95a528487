package io.eventgate.sinks;

import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.producer.Producer;

import java.util.Properties;

/**
 * The Kafka sink's client factory, {@code kafkaClientFactory: "#kafkaClients"} in
 * {@code routes/kafka.yaml}: the producer that the route's parameters describe, with the security
 * properties of {@link KafkaSecurity} on top. So the TLS stores, the JAAS line and the Secrets
 * Manager secret reach the producer without passing through the endpoint's URI (which Camel shows
 * in logs and in its management), and they are read when the producer is made, on the first event.
 */
public final class KafkaClients extends DefaultKafkaClientFactory {

    public static final String BEAN_NAME = "kafkaClients";

    private final KafkaSecurity security;

    public KafkaClients(KafkaSecurity security) {
        this.security = security;
    }

    @Override
    public Producer getProducer(Properties kafkaProps) {
        Properties props = new Properties();
        props.putAll(kafkaProps);
        props.putAll(security.clientProperties());
        return super.getProducer(props);
    }
}
