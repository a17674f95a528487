package io.eventgate.frontdoor;

import io.eventgate.EventGateApplication;
import io.eventgate.config.ConfigHolder;
import io.eventgate.sinks.SinkDirectory;
import io.eventgate.stats.StatsRequest;
import io.eventgate.topics.TopicSchemaLoader;
import org.apache.camel.Producer;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.component.kafka.KafkaProducer;
import org.crac.Context;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the code of a request once before the first real one, so that its classes are loaded and
 * its endpoints made, without publishing anything:
 * <ul>
 *   <li>{@code GET /topics}, and per topic a {@code POST /topics/<topic>} with a token whose
 *       signature is all zeros: the whole handler, the routing and the JWT check (every configured
 *       key is tried) run, and the answer is 401;</li>
 *   <li>per topic, its {@code json-validator} endpoint (the one the publish route uses) checks
 *       {@code {}} and refuses it;</li>
 *   <li>per topic that has stats, a {@code POST /stats/<topic>} with that token and a body whose
 *       {@code limit} is 0: refused at the token (401), or at the body (400) when
 *       {@code stats_require_token=false}; never a query, so no database is needed;</li>
 *   <li>when the Kafka sink is configured, a producer of its endpoint (the route's settings) starts,
 *       fetches the first topic's metadata (a connection, no record) and is closed.</li>
 * </ul>
 * As a CRaC {@link Resource} it runs before a SnapStart snapshot is taken ({@link #beforeCheckpoint});
 * with the setting {@value #SETTING} ({@code EVENTGATE_PRIME=true}) it also runs at the end of the
 * init. A failure is logged and never stops EventGate.
 */
final class LambdaPriming implements Resource {

    /** Setting: prime at the end of the init ({@code EVENTGATE_PRIME=true}). */
    static final String SETTING = "prime";
    /** An RS256 token for subject {@code eventgate-priming} with a 2048-bit all-zero signature. */
    static final String UNVERIFIABLE_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJldmVudGdhdGUtcHJpbWluZyJ9."
            + "A".repeat(342);

    /** The stats priming's body: a valid JSON object whose {@code limit} is refused (400), so no query runs. */
    static final String STATS_BODY = "{\"limit\": 0}";

    private static final Logger LOG = LoggerFactory.getLogger(LambdaPriming.class);

    private final LambdaHandler handler;
    private final EventGateApplication app;
    private final ProducerTemplate template;
    private int runs;

    LambdaPriming(LambdaHandler handler, EventGateApplication app, ProducerTemplate template) {
        this.handler = handler;
        this.app = app;
        this.template = template;
    }

    /** Whether the settings ask for priming at init. */
    static boolean atInit(EventGateApplication app) {
        return app.config().current().settings().getBoolean(SETTING, false);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to redo: the Kafka client notices connections that did not survive the snapshot
        // and reconnects, and the configuration is reloaded only by /terminate.
    }

    /** Runs the requests above; returns normally whatever happens. */
    void prime() {
        long start = System.nanoTime();
        try {
            handler.handleRequest(event("GET", "/topics", null, null), null);
            List<String> topics = app.config().current().topics().names();
            for (String topic : topics) {
                handler.handleRequest(event("POST", "/topics/" + topic, UNVERIFIABLE_TOKEN, "{}"), null);
                primeValidator(template, topic);
            }
            boolean stats = !primeStats(topics).isEmpty();
            boolean kafka = primeKafka(app, topics);
            runs++;
            LOG.info("Primed {} topic(s){}{} in {} ms", topics.size(), stats ? ", stats" : "",
                    kafka ? " and the Kafka producer" : "", (System.nanoTime() - start) / 1_000_000);
        } catch (Exception e) {
            LOG.warn("Priming failed (EventGate runs on): {}", e.toString());
        }
    }

    /**
     * Per topic that has stats: {@code POST /stats/<topic>} with the unverifiable token and
     * {@link #STATS_BODY}, which every check refuses before the query (401 at the token; with
     * {@code stats_require_token=false}, 400 at the body), so the database is never asked.
     *
     * @return the status of each answer
     */
    List<Object> primeStats(List<String> topics) {
        List<Object> statuses = new ArrayList<>();
        for (String topic : topics) {
            if (StatsRequest.SUPPORTED.contains(topic)) {
                statuses.add(handler.handleRequest(event("POST", "/stats/" + topic, UNVERIFIABLE_TOKEN, STATS_BODY), null)
                        .get("statusCode"));
            }
        }
        return statuses;
    }

    /**
     * Starts a producer of the Kafka sink's endpoint (same settings as the route's), fetches the
     * topic's metadata through it (a connection, no record) and closes it. The route's own producer
     * still starts on the first event, with the classes and code paths it needs already warm.
     */
    static boolean primeKafka(EventGateApplication app, List<String> topics) throws Exception {
        if (topics.isEmpty() || app.sinks().find("kafka").filter(SinkDirectory.Sink::configured).isEmpty()) {
            return false;
        }
        String topic = topics.get(0);
        KafkaEndpoint endpoint = app.camelContext().getEndpoints().stream()
                .filter(KafkaEndpoint.class::isInstance).map(KafkaEndpoint.class::cast)
                .findFirst().orElse(null);
        if (endpoint == null) {
            return false;
        }
        Producer producer = endpoint.createProducer();
        try {
            producer.start();
            ((KafkaProducer) producer).getKafkaProducer().partitionsFor(topic);
        } finally {
            producer.stop();
        }
        return true;
    }

    /** Makes the topic's {@code json-validator} endpoint (the publish route's) and has it refuse {@code {}}. */
    static void primeValidator(ProducerTemplate template, String topic) {
        ConfigHolder config = template.getCamelContext().getRegistry()
                .lookupByNameAndType(ConfigHolder.BEAN_NAME, ConfigHolder.class);
        template.send(TopicSchemaLoader.endpoint(topic, config.generation()), e -> e.getMessage().setBody("{}"));
    }

    /** How many priming runs completed (tests). */
    int runs() {
        return runs;
    }

    /** A minimal REST API (1.0) proxy event. */
    static Map<String, Object> event(String method, String path, String token, String body) {
        Map<String, Object> headers = new HashMap<>();
        headers.put("Content-Type", "application/json");
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        Map<String, Object> event = new HashMap<>();
        event.put("httpMethod", method);
        event.put("path", path);
        event.put("headers", headers);
        event.put("body", body);
        event.put("isBase64Encoded", false);
        return event;
    }
}
