package io.eventgate.frontdoor;

import io.eventgate.gateway.GatewayException;
import io.eventgate.gateway.RequestBody;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * The body of an HTTP request, received on its event loop when the gateway asks for it, as the
 * client's bytes whatever its {@code Content-Type} says (a JSON event posted with {@code curl -d}
 * is form-encoded by curl; API Gateway hands the Lambda front door the bytes as they came too).
 *
 * <p>Nothing waits: the chunks are appended as they arrive, a timer gives up after the body timeout
 * (408), and reading stops at the size limit (413), or does not start when {@code Content-Length}
 * is over it. A client that sent {@code Expect: 100-continue} gets its {@code 100 Continue} only
 * now, once its token, topic and access have passed.
 */
final class HttpRequestBody implements RequestBody {

    /** The most that is set aside for a body before its bytes come. */
    private static final long INITIAL_CAPACITY = 4096;

    private final Vertx vertx;
    private final Context eventLoop;
    private final HttpServerRequest request;
    private final long timeoutMillis;

    private Receiver receiver;
    private Buffer received;
    private long timer = -1;

    HttpRequestBody(Vertx vertx, Context eventLoop, HttpServerRequest request, long timeoutMillis) {
        this.vertx = vertx;
        this.eventLoop = eventLoop;
        this.request = request;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void read(long limit, Receiver receiver) {
        // The gateway route gets here on the request's event loop; were a step before it ever to
        // continue on another thread, the request is still only touched on its own event loop.
        if (Vertx.currentContext() != eventLoop) {
            eventLoop.runOnContext(v -> read(limit, receiver));
            return;
        }
        this.receiver = receiver;
        long declared = declaredLength(request);
        if (declared > limit) {
            finish(null, tooLarge(limit));
            return;
        }
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            request.response().writeContinue();
        }
        // Memory grows with the bytes that actually arrive, not with what the client announced: a
        // thousand slow clients announcing 100 KB each must not take 100 MB before sending any of it.
        received = Buffer.buffer((int) Math.max(0, Math.min(declared, Math.min(limit, INITIAL_CAPACITY))));
        timer = vertx.setTimer(timeoutMillis, id -> finish(null, new GatewayException(408, "validation",
                "Request body not received within " + timeoutMillis / 1000 + " s")));
        request.exceptionHandler(e -> finish(null, new GatewayException(400, "validation", "Request body cannot be read")));
        request.handler(chunk -> {
            if (this.receiver == null) {
                return;
            }
            if (received.length() + (long) chunk.length() > limit) {
                finish(null, tooLarge(limit));
            } else {
                received.appendBuffer(chunk);
            }
        });
        request.endHandler(end -> finish(received.getBytes(), null));
        request.resume();
    }

    /** Reports once; what arrives after a refusal is left to the front door, which discards it. */
    private void finish(byte[] body, GatewayException refusal) {
        Receiver to = receiver;
        if (to == null) {
            return;
        }
        receiver = null;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (refusal != null) {
            request.pause();
            request.handler(null);
            request.endHandler(null);
        }
        to.received(body, refusal);
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
