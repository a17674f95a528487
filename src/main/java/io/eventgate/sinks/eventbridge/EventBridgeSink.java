package io.eventgate.sinks.eventbridge;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.eventbridge.EventBridgeAsyncClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeAsyncClientBuilder;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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
 * <p>The client is the SDK's asynchronous one on Netty: {@link #put} returns at once and its future
 * completes when EventBridge answers (Camel's bean component continues the route then), so no
 * thread waits for EventBridge. The sink is a bulkhead: at most {@code max_concurrency} calls are
 * on the wire and {@code max_pending} wait for a connection; a call beyond those fails at once.
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
    private int maxConcurrency = 50;
    private int maxPending = 100;
    private EventBridgeAsyncClient client;

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
        sink.setMaxPending((int) settings.getLong("eventbridge.max_pending", 100));
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

    /** PutEvents calls on the wire at once (the Netty client's connections). */
    public void setMaxConcurrency(int maxConcurrency) {
        this.maxConcurrency = Math.max(1, maxConcurrency);
    }

    /** PutEvents calls that may wait for a connection; one more fails at once. */
    public void setMaxPending(int maxPending) {
        this.maxPending = Math.max(1, maxPending);
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
     * Puts one event on the bus, without waiting for the answer.
     *
     * @param detail the event JSON, sent unchanged as {@code Detail}
     * @param topic  the topic, sent as {@code Source}
     * @return completes with the {@code EventId} that EventBridge gave the event, or exceptionally
     *         with a {@link PutEventsFailure} that gives the reason when EventBridge did not accept it
     */
    public CompletableFuture<String> put(String detail, String topic) {
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .source(topic)
                .detailType(DETAIL_TYPE)
                .detail(detail)
                .eventBusName(eventBusArn)
                .build();
        // A new future completed directly (not a stage derived from the SDK's), so that it fails with
        // the PutEventsFailure itself rather than a CompletionException around it.
        CompletableFuture<String> eventId = new CompletableFuture<>();
        CompletableFuture<PutEventsResponse> call;
        try {
            call = client().putEvents(request -> request.entries(entry));
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((response, error) -> {
            try {
                if (error != null) {
                    eventId.completeExceptionally(failure(error));
                } else {
                    eventId.complete(eventId(response));
                }
            } catch (RuntimeException e) {
                eventId.completeExceptionally(e);
            }
        });
        return eventId;
    }

    /** PutEvents takes at most this many entries per call. */
    static final int MAX_ENTRIES_PER_CALL = 10;
    /** ... and at most this many bytes of entries per call (an entry: Source, DetailType, Detail, and 14 for Time). */
    static final int MAX_BYTES_PER_CALL = 256 * 1024;

    /**
     * Puts a batch's events on the bus (the batch route, {@code direct:batch-sink-eventbridge}): PutEvents
     * calls of at most {@value #MAX_ENTRIES_PER_CALL} entries and 256 KB each, all sent at once, each entry as
     * {@link #put} makes it.
     *
     * @return completes when every call has answered: per event, null when EventBridge accepted it, else
     *         the reason, as {@link #put} words it (a rejected entry, or its call's failure)
     */
    public CompletableFuture<List<String>> putAll(List<String> details, String topic) {
        String[] errors = new String[details.size()];
        List<CompletableFuture<?>> calls = new ArrayList<>();
        int start = 0;
        while (start < details.size()) {
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
            calls.add(putChunk(details, topic, start, end, errors));
            start = end;
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(done -> Arrays.asList(errors));
    }

    /** One PutEvents of the entries {@code from} (inclusive) to {@code to}; their outcomes go into {@code errors}. */
    private CompletableFuture<?> putChunk(List<String> details, String topic, int from, int to, String[] errors) {
        List<PutEventsRequestEntry> entries = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            entries.add(PutEventsRequestEntry.builder().source(topic).detailType(DETAIL_TYPE)
                    .detail(details.get(i)).eventBusName(eventBusArn).build());
        }
        CompletableFuture<PutEventsResponse> call;
        try {
            call = client().putEvents(request -> request.entries(entries));
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handle((response, error) -> {
            boolean counted = error == null && response.hasEntries() && response.entries().size() == to - from;
            int failed = error == null && response.failedEntryCount() != null ? response.failedEntryCount() : 0;
            for (int i = from; i < to; i++) {
                if (error != null) {
                    Throwable reason = failure(error);
                    errors[i] = reason.getMessage() == null ? reason.getClass().getSimpleName() : reason.getMessage();
                } else if (failed > 0 && !counted) {
                    errors[i] = "EventBridge rejected " + failed + " of the " + (to - from) + " events of its call";
                } else if (counted && response.entries().get(i - from).errorCode() != null) {
                    PutEventsResultEntry result = response.entries().get(i - from);
                    errors[i] = "EventBridge rejected the event: " + result.errorCode() + ": " + result.errorMessage();
                }
            }
            return null;
        });
    }

    private static long utf8(String text) {
        return text == null ? 0 : text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** The reason for a failed call, as the sink's error; an unexpected exception is passed on as it is. */
    private Throwable failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ApiCallTimeoutException) {
            return new PutEventsFailure("No answer from EventBridge within " + callTimeout().toMillis() + " ms", cause);
        } else if (cause instanceof AwsServiceException e) {
            return new PutEventsFailure(describe(e), e);
        } else if (cause instanceof SdkException) {
            return new PutEventsFailure("PutEvents failed: " + cause.getMessage(), cause);
        }
        return cause;
    }

    /** The EventId of the only entry, or a {@link PutEventsFailure} when EventBridge rejected it. */
    private static String eventId(PutEventsResponse response) {
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

    private synchronized EventBridgeAsyncClient client() {
        if (client == null) {
            BackoffStrategy backoff = BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofMillis(500));
            EventBridgeAsyncClientBuilder builder = EventBridgeAsyncClient.builder()
                    // Given as a builder, the HTTP client is the SDK client's own and closes with it.
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                            .maxConcurrency(maxConcurrency)
                            .maxPendingConnectionAcquires(maxPending)
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
