package io.eventgate.gateway;

/**
 * A request body that a front door is still receiving. The HTTP front door hands the gateway one
 * of these (as {@link Exchanges#BODY_SOURCE}) instead of the bytes, so that the checks that need
 * no body (token, topic, access) run, and may answer, before the body has arrived.
 */
public interface RequestBody {

    /** Receives the outcome of {@link #read}: the bytes, or the refusal (never both). */
    interface Receiver {
        void received(byte[] body, GatewayException refusal);
    }

    /**
     * Starts receiving the body and calls {@code receiver} once, on any thread, when it is all in
     * memory, or with a refusal: 413 over {@code limit}, 408 when it is too slow, 400 when the
     * connection fails. Called at most once.
     */
    void read(long limit, Receiver receiver);
}
