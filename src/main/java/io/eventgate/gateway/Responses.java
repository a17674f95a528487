package io.eventgate.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.util.List;

/** Writes the contract's response bodies onto an exchange. */
public final class Responses {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String APPLICATION_JSON = "application/json";

    /** One entry of the {@code errors} array. */
    public record Error(String type, String message) {
    }

    private Responses() {
    }

    public static void json(Exchange exchange, int status, Object body) {
        try {
            write(exchange, status, APPLICATION_JSON, JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void write(Exchange exchange, int status, String contentType, Object body) {
        Message message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        message.setBody(body);
    }

    public static void success(Exchange exchange, int status) {
        success(exchange, status, null);
    }

    /** {@code {"success": true, "statusCode": N}}, with a {@code message} when one is given. */
    public static void success(Exchange exchange, int status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("success", true);
        body.put("statusCode", status);
        if (message != null) {
            body.put("message", message);
        }
        json(exchange, status, body);
    }

    public static void error(Exchange exchange, int status, String type, String message) {
        errors(exchange, status, List.of(new Error(type, message)));
    }

    public static void errors(Exchange exchange, int status, List<Error> errors) {
        json(exchange, status, errorBody(status, errors));
    }

    /** The contract's error body with one error, as JSON text (for answers made outside a route). */
    public static String errorJson(int status, String type, String message) {
        try {
            return JSON.writeValueAsString(errorBody(status, List.of(new Error(type, message))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode errorBody(int status, List<Error> errors) {
        ObjectNode body = JSON.createObjectNode();
        body.put("success", false);
        body.put("statusCode", status);
        ArrayNode list = body.putArray("errors");
        for (Error error : errors) {
            list.addObject().put("type", error.type()).put("message", error.message());
        }
        return body;
    }
}
