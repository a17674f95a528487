package io.eventgate.gateway;

/**
 * A request that EventGate refuses with a contract error: an HTTP status, an error type
 * ({@code route}, {@code topic}, {@code auth}, {@code permission}, {@code validation}, ...) and a
 * message for the client.
 */
public class GatewayException extends RuntimeException {

    private final int status;
    private final String type;

    public GatewayException(int status, String type, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }
}
