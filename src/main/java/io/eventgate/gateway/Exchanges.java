package io.eventgate.gateway;

/**
 * Names of the exchange properties that the front doors, the gateway route and the sink routes
 * share. Sink routes read {@link #TOPIC}, {@link #KEY} and may set {@link #SINK_ERROR}.
 */
public final class Exchanges {

    /** HTTP method of the request, upper case. Set by the front door. */
    public static final String METHOD = "eventGateMethod";
    /** Request path, without query string or API Gateway stage. Set by the front door. */
    public static final String PATH = "eventGatePath";
    /** Request headers, a case-insensitive {@code Map<String, String>}. Set by the front door. */
    public static final String HEADERS = "eventGateHeaders";
    /**
     * Set by a front door whose request body is still arriving (a {@link RequestBody}); the
     * publish route receives it after the checks that need no body. Absent: the body is the message's.
     */
    public static final String BODY_SOURCE = "eventGateBodySource";
    /** The topic of a publish, lower case. */
    public static final String TOPIC = "eventGateTopic";
    /** The message key for a publish (from topic_keys.json), absent when the topic has none. */
    public static final String KEY = "eventGateKey";
    /** The verified token's subject. */
    public static final String SUBJECT = "eventGateSubject";
    /** Set by a sink route to report that it failed, with the reason. */
    public static final String SINK_ERROR = "eventGateSinkError";
    /** The sinks' outcomes of one publish ({@code io.eventgate.sinks.SinkOutcomes}). */
    public static final String OUTCOMES = "eventGateOutcomes";
    /** Set on the HTTP server's warm-up requests, which the metrics and traces leave out. */
    public static final String PRIMING = "eventGatePriming";

    private Exchanges() {
    }
}
