package io.eventgate.sinks.eventbridge;

import io.eventgate.Causes;
import io.eventgate.gateway.SinkDeadline;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClientBuilder;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.time.Duration;

/**
 * The EventBridge sink's client and the steps around the {@code aws2-eventbridge} endpoint in
 * {@code routes/eventbridge.yaml}: {@link #request} makes the PutEvents request (one entry:
 * {@code Source} = the topic, {@code DetailType} = {@code JSON}, {@code Detail} = the event JSON, on the
 * configured bus) that the endpoint sends as it is ({@code pojoRequest}); {@link #checkAccepted} turns an
 * entry the service rejected (FailedEntryCount &gt; 0) into a failure; {@link #describe} gives every
 * failure a readable reason: the entry's error, an error answer (HTTP status, AWS error code, message,
 * e.g. ThrottlingException), or no answer within the sink's deadline.
 *
 * <p>The client carries the retry policy and the call timeout, sized so that the reason is reported
 * before the gateway's own deadline cuts the sink off; the component's own client would have neither.
 * It is the SDK's synchronous client, because the component takes no other: the route calls it on a
 * bounded pool of the sink's own (see the YAML), whose size is also the client's connection pool.
 * The client is made at start when a bus is configured (an unconfigured sink costs nothing) and kept.
 */
public final class EventBridgeSink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventBridgeSink.class);

    /** The {@code DetailType} of every entry. */
    public static final String DETAIL_TYPE = "JSON";
    /** Time kept back from the sink's deadline for the answer to travel back to the gateway. */
    static final long MARGIN_MS = 250;
    private static final long MIN_CALL_TIMEOUT_MS = 100;

    private String eventBusArn = "";
    private String region = "";
    private String endpointOverride = "";
    private long deadlineMs = 5000;
    private int maxAttempts = 2;
    private int maxConcurrency = 50;
    private EventBridgeClient client;

    /** A PutEvents that did not succeed; the message is the reason reported as the sink's error. */
    public static final class PutEventsFailure extends RuntimeException {
        PutEventsFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A sink configured from the settings (see routes/eventbridge.yaml); nothing is built yet. */
    public static EventBridgeSink fromSettings(io.eventgate.config.Settings settings) {
        EventBridgeSink sink = new EventBridgeSink();
        sink.setEventBusArn(settings.get("event_bus_arn", ""));
        sink.setRegion(settings.get("eventbridge.region", settings.get("aws_region", "")));
        sink.setEndpointOverride(settings.get("eventbridge.endpoint_override", ""));
        sink.setMaxAttempts((int) settings.getLong("eventbridge.max_attempts", 2));
        sink.setDeadlineMs(settings.getLong("sinks.eventbridge.timeout_ms", settings.getLong("sink_timeout_ms", 5000)));
        sink.setMaxConcurrency((int) settings.getLong("eventbridge.max_concurrency", 50));
        return sink;
    }

    /** The bus, an ARN ({@code arn:aws:events:<region>:<account>:event-bus/<name>}) or a bus name. */
    public void setEventBusArn(String eventBusArn) {
        this.eventBusArn = trim(eventBusArn);
    }

    /** The region when the bus is given by name; empty: the SDK's default region chain. */
    public void setRegion(String region) {
        this.region = trim(region);
    }

    /** An endpoint URL instead of the real service (local stacks, tests); empty: AWS. */
    public void setEndpointOverride(String endpointOverride) {
        this.endpointOverride = trim(endpointOverride);
    }

    /** The sink's deadline; the SDK call (all attempts) ends {@value #MARGIN_MS} ms before it. */
    public void setDeadlineMs(long deadlineMs) {
        this.deadlineMs = deadlineMs;
    }

    /** Attempts per event, the first included (1 = no retry). */
    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = Math.max(1, maxAttempts);
    }

    /** PutEvents calls at once: the sink's threads, and so the HTTP client's connections. */
    public void setMaxConcurrency(int maxConcurrency) {
        this.maxConcurrency = Math.max(1, maxConcurrency);
    }

    /**
     * Builds the client now when a bus is configured, so that the first event does not pay for it
     * (in Lambda this runs in the init phase). A client that cannot be built (e.g. no region) does
     * not stop EventGate: each event then reports the reason as this sink's error.
     */
    public void start() {
        if (!eventBusArn.isEmpty()) {
            client();
        }
    }

    /** The request the endpoint sends ({@code pojoRequest}): one entry, the event JSON unchanged as {@code Detail}. */
    public static PutEventsRequest request(String detail, String topic, String eventBusArn) {
        return PutEventsRequest.builder().entries(PutEventsRequestEntry.builder()
                .source(topic)
                .detailType(DETAIL_TYPE)
                .detail(detail)
                .eventBusName(trim(eventBusArn))
                .build()).build();
    }

    /**
     * {@link #request(String, String, String)} within what is left of the sink's deadline, counted by
     * the gateway from the fan-out ({@link SinkDeadline}, for the sink whose route this is), so that
     * the time the event waited for a thread of the sink's pool counts: the call's timeout is cut to
     * what is left, less {@value #MARGIN_MS} ms, and when too little is left the call is not made (a
     * {@link WaitTimeoutException}), rather than made after the gateway has stopped waiting for it
     * and told the client that the event failed. Outside a publish (no deadline on the exchange) the
     * call gets the whole deadline, as {@link #request} does.
     */
    public PutEventsRequest requestWithin(String detail, String topic, String eventBusArn, Exchange exchange, String routeId) {
        PutEventsRequest request = request(detail, topic, eventBusArn);
        SinkDeadline.Left left = SinkDeadline.of(exchange, routeId);
        if (left == null) {
            return request;
        }
        long full = callTimeout().toMillis();
        long leftMs = Math.min(full, left.remainingMs() - MARGIN_MS);
        if (leftMs >= MIN_CALL_TIMEOUT_MS) {
            return leftMs >= full ? request
                    : request.toBuilder().overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMillis(leftMs))).build();
        }
        if (left.timeoutMs() - left.remainingMs() < MIN_CALL_TIMEOUT_MS) {
            // a deadline too short for the margin, and the event has hardly waited: the call gets what
            // the client's own timeout allows, as it did before waiting counted
            return request;
        }
        throw new WaitTimeoutException("Not sent to EventBridge: the sink's deadline of " + left.timeoutMs()
                + " ms passed while the event waited for the sink");
    }

    /** An event not sent because the sink's deadline passed while it waited for one of the sink's threads. */
    public static final class WaitTimeoutException extends RuntimeException {
        WaitTimeoutException(String message) {
            super(message, null, false, false);
        }
    }

    /** Passes an accepted answer; an entry that EventBridge rejected is a {@link PutEventsFailure}. */
    public static void checkAccepted(PutEventsResponse response) {
        Integer failed = response.failedEntryCount();
        if (failed != null && failed > 0) {
            PutEventsResultEntry result = response.hasEntries() && !response.entries().isEmpty()
                    ? response.entries().get(0) : PutEventsResultEntry.builder().build();
            throw new PutEventsFailure("EventBridge rejected the event: " + result.errorCode()
                    + ": " + result.errorMessage(), null);
        }
    }

    /** PutEvents takes at most this many entries per call. */
    static final int MAX_ENTRIES_PER_CALL = 10;
    /** ... and at most this many bytes of entries per call (an entry: Source, DetailType, Detail, and 14 for Time). */
    static final int MAX_BYTES_PER_CALL = 256 * 1024;

    /** {@link #putAll(List, String, Long)} with the whole deadline, counted from this call. */
    public List<String> putAll(List<String> details, String topic) {
        return putAll(details, topic, (Long) null);
    }

    /**
     * Puts a batch's events on the bus (the batch route, {@code direct:batch-sink-eventbridge}, which
     * calls this on the sink's pool): PutEvents calls of at most {@value #MAX_ENTRIES_PER_CALL} entries
     * and 256 KB each, one after the other on this thread (the client is the synchronous one, see the
     * class comment), each entry as {@link #request} makes it. All of them within what is left of the
     * sink's deadline ({@code remainingMs}, counted by the gateway from the fan-out, so that the time
     * spent waiting for a thread of the pool counts), less {@value #MARGIN_MS} ms: a call gets only the
     * time left, and no call starts once it is gone; its events fail as not sent.
     *
     * @param remainingMs what is left of the sink's deadline now; the whole deadline if it is longer, or null
     * @return per event, null when EventBridge accepted it, else the reason (a rejected entry, or its
     *         call's failure as {@link #describe(Throwable)} words it)
     */
    public List<String> putAll(List<String> details, String topic, Long remainingMs) {
        String[] errors = new String[details.size()];
        long budgetMs = remainingMs == null ? deadlineMs : Math.min(deadlineMs, remainingMs);
        long endNanos = System.nanoTime() + Duration.ofMillis(budgetMs - MARGIN_MS).toNanos();
        // A deadline too short for the margin, and a share that has hardly waited: its first call gets
        // what the client's own timeout allows, as a single event's does (requestWithin).
        boolean shortDeadline = deadlineMs - MARGIN_MS < MIN_CALL_TIMEOUT_MS && deadlineMs - budgetMs < MIN_CALL_TIMEOUT_MS;
        int start = 0;
        while (start < details.size()) {
            // The calls share the sink's deadline: each gets what is left of it, and once too little is
            // left the rest is not sent, so that the share answers in time and the chunks EventBridge
            // accepted count as acknowledged (a retry then sends only the others).
            long leftMs = start == 0 && shortDeadline ? callTimeout().toMillis() : (endNanos - System.nanoTime()) / 1_000_000;
            if (leftMs < MIN_CALL_TIMEOUT_MS) {
                Arrays.fill(errors, start, details.size(), "Not sent to EventBridge: the sink's deadline of "
                        + deadlineMs + (start == 0 ? " ms passed while the batch waited for the sink"
                                : " ms passed while the batch's earlier calls ran"));
                break;
            }
            int end = start;
            long bytes = 0;
            while (end < details.size() && end - start < MAX_ENTRIES_PER_CALL) {
                long entry = utf8(topic) + utf8(DETAIL_TYPE) + utf8(details.get(end)) + 14;
                if (end > start && bytes + entry > MAX_BYTES_PER_CALL) {
                    break;
                }
                bytes += entry;
                end++;
            }
            putChunk(details, topic, start, end, errors, Duration.ofMillis(leftMs));
            start = end;
        }
        return Arrays.asList(errors);
    }

    /** One PutEvents of the entries {@code from} (inclusive) to {@code to}; their outcomes go into {@code errors}. */
    private void putChunk(List<String> details, String topic, int from, int to, String[] errors, Duration timeout) {
        List<PutEventsRequestEntry> entries = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            entries.add(PutEventsRequestEntry.builder().source(topic).detailType(DETAIL_TYPE)
                    .detail(details.get(i)).eventBusName(eventBusArn).build());
        }
        PutEventsResponse response;
        try {
            response = client().putEvents(request -> request.entries(entries)
                    .overrideConfiguration(o -> o.apiCallTimeout(timeout)));
        } catch (RuntimeException e) {
            String reason = describe(e);
            Arrays.fill(errors, from, to, reason);
            return;
        }
        boolean counted = response.hasEntries() && response.entries().size() == to - from;
        int failed = response.failedEntryCount() != null ? response.failedEntryCount() : 0;
        for (int i = from; i < to; i++) {
            if (failed > 0 && !counted) {
                errors[i] = "EventBridge rejected " + failed + " of the " + (to - from) + " events of its call";
            } else if (counted && response.entries().get(i - from).errorCode() != null) {
                PutEventsResultEntry result = response.entries().get(i - from);
                errors[i] = "EventBridge rejected the event: " + result.errorCode() + ": " + result.errorMessage();
            }
        }
    }

    private static long utf8(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** For {@code routes/eventbridge.yaml}: the reason for the failure its {@code doCatch} caught. */
    public String describe(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return describe(caught != null ? caught : exchange.getException());
    }

    /** The reason for a failed call, reported as the sink's error. */
    String describe(Throwable error) {
        Throwable cause = Causes.of(error).stream()
                .filter(t -> t instanceof SdkException || t instanceof PutEventsFailure)
                .findFirst().orElse(Causes.root(error));
        if (cause instanceof ApiCallTimeoutException) {
            // the call's timeout is what was left of the deadline (at most the deadline less the margin)
            return "No answer from EventBridge within the sink's deadline of " + deadlineMs + " ms";
        } else if (cause instanceof AwsServiceException e) {
            AwsErrorDetails details = e.awsErrorDetails();
            String code = details == null || details.errorCode() == null ? "error" : details.errorCode();
            String message = details == null || details.errorMessage() == null ? e.getMessage() : details.errorMessage();
            return "PutEvents failed: HTTP " + e.statusCode() + " " + code + ": " + message;
        } else if (cause instanceof SdkException) {
            return "PutEvents failed: " + cause.getMessage();
        }
        return String.valueOf(cause.getMessage());
    }

    private Duration callTimeout() {
        return Duration.ofMillis(Math.max(MIN_CALL_TIMEOUT_MS, deadlineMs - MARGIN_MS));
    }

    /**
     * The client, made on first use. One that cannot be made (no region, say) is a client whose
     * every call fails with the reason, so that a misconfigured sink fails its events, not the start.
     */
    public synchronized EventBridgeClient client() {
        if (client == null) {
            try {
                client = build();
            } catch (RuntimeException e) {
                LOG.warn("EventBridge client not ready: {}", e.getMessage());
                client = failing("EventBridge client not ready: " + e.getMessage());
            }
        }
        return client;
    }

    private EventBridgeClient build() {
        BackoffStrategy backoff = BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofMillis(500));
        EventBridgeClientBuilder builder = EventBridgeClient.builder()
                // Given as a builder, the HTTP client is the SDK client's own and closes with it.
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(maxConcurrency)
                        .connectionAcquisitionTimeout(callTimeout()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .overrideConfiguration(o -> o
                        .apiCallTimeout(callTimeout())
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(maxAttempts)
                                .backoffStrategy(backoff)
                                .throttlingBackoffStrategy(backoff)
                                .build()));
        String busRegion = regionOf(eventBusArn);
        if (!busRegion.isEmpty()) {
            builder.region(Region.of(busRegion));
        } else if (!region.isEmpty()) {
            builder.region(Region.of(region));
        }
        if (!endpointOverride.isEmpty()) {
            builder.endpointOverride(URI.create(endpointOverride));
        }
        return builder.build();
    }

    private static EventBridgeClient failing(String reason) {
        return (EventBridgeClient) Proxy.newProxyInstance(EventBridgeClient.class.getClassLoader(),
                new Class<?>[] {EventBridgeClient.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "close" -> null;
                    case "serviceName" -> EventBridgeClient.SERVICE_NAME;
                    case "toString" -> "EventBridgeClient(" + reason + ")";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw SdkClientException.create(reason);
                });
    }

    /** The region part of an EventBridge ARN, or empty when the bus is not given by ARN. */
    static String regionOf(String arn) {
        String[] parts = arn.split(":", 6);
        return parts.length == 6 && parts[0].equals("arn") && parts[2].equals("events") ? parts[3] : "";
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
