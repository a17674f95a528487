package io.eventgate.gateway;

import com.networknt.schema.ValidationMessage;
import org.apache.camel.Exchange;
import org.apache.camel.component.jsonvalidator.JsonValidationException;

import java.util.Comparator;
import java.util.List;

/**
 * Turns {@code json-validator} failures into 400 {@code validation} errors, one per schema
 * violation, each message starting with the failing location as a JSON pointer.
 */
public final class SchemaErrors {

    private SchemaErrors() {
    }

    static void respond(Exchange exchange) {
        JsonValidationException failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, JsonValidationException.class);
        exchange.getMessage().removeHeaders("*");
        List<Responses.Error> errors = failure.getErrors() == null || failure.getErrors().isEmpty()
                ? List.of(new Responses.Error("validation", "Request body is not valid JSON"))
                : errors(failure.getErrors());
        Responses.errors(exchange, 400, errors);
    }

    /** One 400 {@code validation} error per violation, ordered by location (also each event of a batch). */
    public static List<Responses.Error> errors(java.util.Collection<ValidationMessage> violations) {
        return violations.stream()
                .sorted(Comparator.comparing((ValidationMessage m) -> pointer(m)).thenComparing(SchemaErrors::text))
                .map(m -> new Responses.Error("validation", pointer(m) + ": " + text(m)))
                .toList();
    }

    private static String pointer(ValidationMessage message) {
        String location = message.getInstanceLocation() == null ? "" : message.getInstanceLocation().toString();
        String property = message.getProperty();
        if ("required".equals(message.getType()) && property != null) {
            location = location + "/" + property.replace("~", "~0").replace("/", "~1");
        }
        return location.isEmpty() ? "/" : location;
    }

    private static String text(ValidationMessage message) {
        String error = message.getError();
        return error == null ? message.getMessage() : error;
    }
}
