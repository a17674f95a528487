package io.eventgate.frontdoor;

import io.eventgate.EventGateApplication;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayRoutes;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The HTTP server's warm-up, on a thread of its own once the front door is open (setting
 * {@code http.prime}, default true): the same requests as {@link LambdaPriming}, through the gateway
 * route, so that the first client does not pay for what every first publish makes (the JWT parser,
 * the topics' validators, a Kafka client's classes and connection). Nothing is published, and
 * requests that come meanwhile are served as usual. A failure is logged and changes nothing.
 */
public final class HttpPriming {

    static final String SETTING = "http.prime";
    private static final Logger LOG = LoggerFactory.getLogger(HttpPriming.class);

    private HttpPriming() {
    }

    /** Starts the warm-up unless the settings turn it off; returns at once. */
    public static void startIfWanted(EventGateApplication app) {
        if (!app.config().current().settings().getBoolean(SETTING, true)) {
            return;
        }
        Thread thread = new Thread(() -> prime(app), "eventgate-priming");
        thread.setDaemon(true);
        thread.start();
    }

    private static void prime(EventGateApplication app) {
        long start = System.nanoTime();
        ProducerTemplate template = app.camelContext().createProducerTemplate();
        try {
            List<String> topics = app.config().current().topics().names();
            for (String topic : topics) {
                template.send(GatewayRoutes.GATEWAY, e -> {
                    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    headers.put("Authorization", "Bearer " + LambdaPriming.UNVERIFIABLE_TOKEN);
                    e.setProperty(Exchanges.METHOD, "POST");
                    e.setProperty(Exchanges.PATH, "/topics/" + topic);
                    e.setProperty(Exchanges.HEADERS, headers);
                    e.setProperty(Exchanges.PRIMING, Boolean.TRUE);
                    e.getMessage().setBody("{}".getBytes());
                });
                LambdaPriming.primeValidator(template, topic);
            }
            boolean kafka = LambdaPriming.primeKafka(app, topics);
            LOG.debug("Primed {} topic(s){} in {} ms", topics.size(), kafka ? " and the Kafka client" : "",
                    (System.nanoTime() - start) / 1_000_000);
        } catch (Exception e) {
            LOG.info("Priming failed (EventGate runs on): {}", e.toString());
        } finally {
            try {
                template.stop();
            } catch (Exception ignored) {
                // nothing more to release
            }
        }
    }
}
