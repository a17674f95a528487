package io.eventgate.gateway;

import java.util.List;

/**
 * A request that EventGate refuses with a contract error: an HTTP status, an error type
 * ({@code route}, {@code topic}, {@code auth}, {@code permission}, {@code validation}, ...) and a
 * message for the client; or, for a body with several faults, one error per fault.
 */
public class GatewayException extends RuntimeException {

    private final int status;
    private final List<Responses.Error> errors;

    public GatewayException(int status, String type, String message) {
        this(status, List.of(new Responses.Error(type, message)));
    }

    /** One refusal with several errors, in the order given; the first one is the exception's message. */
    public GatewayException(int status, List<Responses.Error> errors) {
        super(errors.get(0).message(), null, false, false);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public int status() {
        return status;
    }

    /** The type of the first error. */
    public String type() {
        return errors.get(0).type();
    }

    public List<Responses.Error> errors() {
        return errors;
    }
}
