package io.eventgate.sinks.eventbridge;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClientBuilder;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

import java.net.URI;
import java.time.Duration;

/**
 * PutEvents for the EventBridge sink, called from {@code routes/eventbridge.yaml} (which declares
 * this bean and sets its properties from the settings). One entry per event: {@code Source} = the
 * topic, {@code DetailType} = {@code JSON}, {@code Detail} = the event JSON, on the configured bus.
 *
 * <p>Every failure becomes a {@link PutEventsFailure} with a readable reason: an entry the service
 * rejected (FailedEntryCount &gt; 0), an error answer (HTTP status, AWS error code, message, e.g.
 * ThrottlingException), or no answer within the sink's deadline. The client's retries and its
 * call timeout are sized so that the reason is reported before the gateway's own deadline cuts the
 * sink off. The client is made at start when a bus is configured (an unconfigured sink costs
 * nothing) and kept.
 *
 * <p>Why not the aws2-eventbridge component's putEvent: from headers it always sends a
 * {@code Resources} list (it requires one), and the client it builds at route start takes no retry
 * policy or call timeouts; given our own request and client, nothing of it would be left.
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

    /**
     * Builds the client now when a bus is configured, so that the first event does not pay for it
     * (in Lambda this runs in the init phase). A client that cannot be built (e.g. no region) does
     * not stop EventGate: each event then reports the reason as this sink's error.
     */
    public void start() {
        if (!eventBusArn.isEmpty()) {
            try {
                client();
            } catch (RuntimeException e) {
                LOG.warn("EventBridge client not ready: {}", e.getMessage());
            }
        }
    }

    /**
     * Puts one event on the bus.
     *
     * @param detail the event JSON, sent unchanged as {@code Detail}
     * @param topic  the topic, sent as {@code Source}
     * @return the {@code EventId} that EventBridge gave the event
     * @throws PutEventsFailure with the reason when EventBridge did not accept it
     */
    public String put(String detail, String topic) {
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .source(topic)
                .detailType(DETAIL_TYPE)
                .detail(detail)
                .eventBusName(eventBusArn)
                .build();
        PutEventsResponse response;
        try {
            response = client().putEvents(request -> request.entries(entry));
        } catch (ApiCallTimeoutException e) {
            throw new PutEventsFailure("No answer from EventBridge within " + callTimeout().toMillis() + " ms", e);
        } catch (AwsServiceException e) {
            throw new PutEventsFailure(describe(e), e);
        } catch (SdkException e) {
            throw new PutEventsFailure("PutEvents failed: " + e.getMessage(), e);
        }
        Integer failed = response.failedEntryCount();
        if (failed != null && failed > 0) {
            PutEventsResultEntry result = response.hasEntries() && !response.entries().isEmpty()
                    ? response.entries().get(0) : PutEventsResultEntry.builder().build();
            throw new PutEventsFailure("EventBridge rejected the event: " + result.errorCode()
                    + ": " + result.errorMessage(), null);
        }
        return response.hasEntries() && !response.entries().isEmpty() ? response.entries().get(0).eventId() : null;
    }

    private static String describe(AwsServiceException e) {
        AwsErrorDetails details = e.awsErrorDetails();
        String code = details == null || details.errorCode() == null ? "error" : details.errorCode();
        String message = details == null || details.errorMessage() == null ? e.getMessage() : details.errorMessage();
        return "PutEvents failed: HTTP " + e.statusCode() + " " + code + ": " + message;
    }

    private Duration callTimeout() {
        return Duration.ofMillis(Math.max(MIN_CALL_TIMEOUT_MS, deadlineMs - MARGIN_MS));
    }

    private synchronized EventBridgeClient client() {
        if (client == null) {
            BackoffStrategy backoff = BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofMillis(500));
            EventBridgeClientBuilder builder = EventBridgeClient.builder()
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
            client = builder.build();
        }
        return client;
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
