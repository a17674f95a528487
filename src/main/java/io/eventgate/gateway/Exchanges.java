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
     * Set by a front door that could not take the request's body (a {@link GatewayException}: too
     * large, or not received in time); a publish answers with it where it reads the body.
     */
    public static final String BODY_REFUSAL = "eventGateBodyRefusal";
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

    private Exchanges() {
    }
}
