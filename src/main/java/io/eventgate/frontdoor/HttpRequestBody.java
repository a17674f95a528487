package io.eventgate.frontdoor;

import io.eventgate.gateway.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the body of an HTTP request as the client's bytes, whatever its {@code Content-Type} says.
 *
 * <p>The platform-http route takes the request unread ({@code useBodyHandler=false}) because
 * Vert.x's body handler decodes an {@code application/x-www-form-urlencoded} body into form fields:
 * a JSON event posted with {@code curl -d} and no {@code Content-Type} would arrive empty, and one
 * over 8 KiB would get Vert.x's bare "Bad Request". API Gateway hands the Lambda front door the
 * bytes as they came, and so does this.
 *
 * <p>Reading stops at the limit (or does not start when {@code Content-Length} is over it): the rest
 * of a larger body is discarded as it arrives, and the gateway answers 413 after the token and
 * access checks, as for any other body. A client that sends {@code Expect: 100-continue} gets its
 * {@code 100 Continue}, as Vert.x's body handler would send it.
 */
final class HttpRequestBody {

    private HttpRequestBody() {
    }

    /**
     * Resumes the (paused) request and waits for its body.
     *
     * @return the body, at most {@code limit} bytes
     * @throws GatewayException 413 when the body is larger than {@code limit}, 408 when it has not
     *                          arrived within {@code timeoutMillis}, 400 when the connection failed
     */
    static byte[] read(HttpServerRequest request, long limit, long timeoutMillis) throws InterruptedException {
        if (request.isEnded()) {
            return new byte[0];
        }
        if (declaredLength(request) > limit) {
            request.handler(chunk -> { });
            request.resume();
            throw tooLarge(limit);
        }
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            // The client waits for this before it sends the body (curl: 1 s, then it sends anyway).
            request.response().writeContinue();
        }
        CompletableFuture<byte[]> body = new CompletableFuture<>();
        Buffer received = Buffer.buffer();
        request.exceptionHandler(body::completeExceptionally);
        request.handler(chunk -> {
            if (body.isDone()) {
                return;
            }
            if (received.length() + (long) chunk.length() > limit) {
                body.completeExceptionally(tooLarge(limit));
            } else {
                received.appendBuffer(chunk);
            }
        });
        request.endHandler(end -> body.complete(received.getBytes()));
        request.resume();
        try {
            return body.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            body.cancel(false); // what still arrives is discarded
            throw new GatewayException(408, "validation",
                    "Request body not received within " + timeoutMillis / 1000 + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GatewayException refusal) {
                throw refusal;
            }
            throw new GatewayException(400, "validation", "Request body cannot be read");
        }
    }

    /** The {@code Content-Length} the client announced, or -1. */
    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static GatewayException tooLarge(long limit) {
        return new GatewayException(413, "validation", "Request body is larger than the limit of " + limit + " bytes");
    }
}
