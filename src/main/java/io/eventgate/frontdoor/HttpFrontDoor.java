package io.eventgate.frontdoor;

import io.eventgate.config.ConfigHolder;
import io.eventgate.config.Settings;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayRoutes;
import io.eventgate.gateway.Responses;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Producer;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP front door ({@code java -jar}, the dev run): EventGate's own Vert.x HTTP server, which
 * hands every request to the shared {@code direct:gateway} route without taking a thread for it.
 *
 * <p>Everything here runs on a Vert.x event loop and nothing waits. A request's headers start the
 * gateway route at once; the route's first checks (token, topic, access) need no body, so a request
 * that fails them is answered before its body is read. Only then does the route ask for the body
 * ({@link HttpRequestBody}), which is received on the event loop within its size and time limits.
 * The route itself is asynchronous: the sinks' acknowledgements complete it, and the answer is
 * written back on the request's event loop.
 *
 * <p>Why not platform-http's consumer: it runs every exchange on a Vert.x worker thread
 * ({@code executeBlocking}) and holds that thread until the route ends, so 20 slow clients or a
 * hung sink stalled every endpoint; and its server takes no connection limits. Here the server has
 * a header size limit (431, with the contract's body), a time limit for a request's headers, and an
 * idle timeout, all settings (see {@link Limits}).
 */
public final class HttpFrontDoor extends ServiceSupport implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(HttpFrontDoor.class);
    /** How long a refused request's unread body is still drained before the connection closes. */
    private static final long LINGER_MILLIS = 1000;
    /** Vert.x's name for its request decoder in a connection's pipeline. */
    private static final String DECODER = "httpDecoder";
    private static final String MALFORMED = "Malformed HTTP request";

    /**
     * The server's limits, from the settings ({@code http.*} in config.json, or
     * {@code EVENTGATE_HTTP_*}).
     *
     * @param maxHeaderBytes the request line and headers together, at most (431 beyond)
     * @param maxLineBytes   the request line alone, at most (414 beyond)
     * @param headerTimeoutMs a new connection must have sent its whole first request head within this
     * @param idleTimeoutMs  a connection with no traffic is closed after this; a kept-alive connection
     *                       must also send its next request head within it
     * @param bodyTimeoutMs  the body must have arrived within this once it is asked for (408 after)
     * @param eventLoops     Vert.x event loop threads
     */
    public record Limits(int maxHeaderBytes, int maxLineBytes, long headerTimeoutMs, long idleTimeoutMs,
                         long bodyTimeoutMs, int eventLoops) {

        static Limits from(Settings settings) {
            return new Limits(
                    (int) settings.getLong("http.max_header_bytes", 16 * 1024),
                    (int) settings.getLong("http.max_request_line_bytes", 8 * 1024),
                    settings.getLong("http.header_timeout_ms", 10_000),
                    settings.getLong("http.idle_timeout_ms", 60_000),
                    settings.getLong("http.body_timeout_ms", 30_000),
                    (int) settings.getLong("http.event_loops", Runtime.getRuntime().availableProcessors()));
        }
    }

    private final ConfigHolder config;
    private final Map<HttpConnection, ConnectionClock> connections = new ConcurrentHashMap<>();
    private CamelContext camelContext;
    private Limits limits;
    private HttpServerOptions serverOptions;
    private Vertx vertx;
    private Producer producer;
    private AsyncProcessor gateway;
    private int port;

    public HttpFrontDoor(ConfigHolder config) {
        this.config = config;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    protected void doStart() throws Exception {
        limits = Limits.from(config.current().settings());
        port = Integer.parseInt(camelContext.resolvePropertyPlaceholders("{{camel.server.port:8080}}").trim());
        String host = camelContext.resolvePropertyPlaceholders("{{camel.server.host:0.0.0.0}}").trim();
        producer = camelContext.getEndpoint(GatewayRoutes.GATEWAY).createAsyncProducer();
        ServiceHelper.startService(producer);
        gateway = AsyncProcessorConverterHelper.convert(producer);
        vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(Math.max(1, limits.eventLoops()))
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxInitialLineLength(limits.maxLineBytes())
                .setIdleTimeout((int) limits.idleTimeoutMs())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setTcpNoDelay(true)
                .setHttp2ClearTextEnabled(false)
                .setHandle100ContinueAutomatically(false);
        serverOptions = options;
        CompletableFuture<String> deployed = new CompletableFuture<>();
        vertx.deployVerticle(() -> new ServerVerticle(options),
                        new DeploymentOptions().setInstances(Math.max(1, limits.eventLoops())))
                .onComplete(result -> {
                    if (result.succeeded()) {
                        deployed.complete(result.result());
                    } else {
                        deployed.completeExceptionally(result.cause());
                    }
                });
        try {
            deployed.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            vertx.close();
            throw new IllegalStateException("the HTTP server cannot listen on " + host + ":" + port + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
        LOG.info("HTTP front door listening on {}:{} ({} event loops)", host, port, limits.eventLoops());
    }

    @Override
    protected void doStop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx = null;
        }
        ServiceHelper.stopService(producer);
    }

    /** One server per event loop, all on the same port; Vert.x spreads the connections over them. */
    private final class ServerVerticle extends AbstractVerticle {
        private final HttpServerOptions options;

        ServerVerticle(HttpServerOptions options) {
            this.options = options;
        }

        @Override
        public void start(Promise<Void> started) {
            vertx.createHttpServer(options)
                    .connectionHandler(HttpFrontDoor.this::connected)
                    .invalidRequestHandler(HttpFrontDoor.this::invalid)
                    .requestHandler(HttpFrontDoor.this::handle)
                    .listen()
                    .<Void>mapEmpty()
                    .onComplete(started);
        }
    }

    /**
     * Times the request heads of a connection: a client that has not sent a whole request head in
     * time (the first within {@code header_timeout_ms}, later ones within {@code idle_timeout_ms}
     * of the last answer) is disconnected, however slowly it trickles bytes in.
     */
    private final class ConnectionClock {
        private final HttpConnection connection;
        private long timer = -1;
        /**
         * Set once an answer says {@code Connection: close}: a request that follows on the connection
         * (pipelined, or the rest of a body read as a request) is not served.
         */
        private boolean closing;

        ConnectionClock(HttpConnection connection) {
            this.connection = connection;
        }

        void waitForHead(long millis) {
            stop();
            timer = vertx.setTimer(millis, id -> {
                LOG.debug("Closing a connection that sent no complete request head within {} ms", millis);
                connection.close();
            });
        }

        void stop() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }

    private void connected(HttpConnection connection) {
        strictDecoding(connection);
        ConnectionClock clock = new ConnectionClock(connection);
        connections.put(connection, clock);
        connection.closeHandler(closed -> {
            clock.stop();
            connections.remove(connection);
        });
        clock.waitForHead(limits.headerTimeoutMs());
    }

    /**
     * A request that Vert.x could not decode: too long a head (431), request line (414), an HTTP version
     * other than 1.0 and 1.1 (505), or malformed (400).
     */
    private void invalid(HttpServerRequest request) {
        if (closing(request)) {
            return;
        }
        DecoderResult result = request.decoderResult();
        Throwable cause = result == null ? null : result.cause();
        if (cause instanceof TooLongHttpHeaderException) {
            refuse(request, 431, "Request headers are larger than the limit of " + limits.maxHeaderBytes() + " bytes");
        } else if (cause instanceof TooLongHttpLineException) {
            refuse(request, 414, "Request line is longer than the limit of " + limits.maxLineBytes() + " bytes");
        } else if (cause instanceof UnsupportedVersion) {
            refuse(request, 505, "HTTP version not supported; use HTTP/1.1");
        } else {
            refuse(request, 400, MALFORMED);
        }
    }

    /** Answers a request that is refused as HTTP, with the contract's body, and closes the connection. */
    private void refuse(HttpServerRequest request, int status, String message) {
        markClosing(request);
        request.response()
                .setStatusCode(status)
                .putHeader("Content-Type", Responses.APPLICATION_JSON)
                .putHeader("Connection", "close")
                .end(Responses.errorJson(status, "validation", message))
                .onComplete(done -> request.connection().close());
    }

    /**
     * Decodes the connection's requests with {@link StrictRequestDecoder} instead of Vert.x's own, which
     * reads a request that has both Content-Length and Transfer-Encoding by the latter and keeps the
     * connection (a way to smuggle a request past a proxy that reads it by the former), and leaves an
     * unknown HTTP version to a bare 501. Called when the connection opens, before it has read anything.
     */
    private void strictDecoding(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
            if (pipeline.get(DECODER) instanceof VertxHttpRequestDecoder) {
                pipeline.replace(DECODER, DECODER, new StrictRequestDecoder(serverOptions));
                return;
            }
        }
        LOG.warn("No strict request decoding on {}: Vert.x's pipeline is not as expected", connection);
    }

    /**
     * Vert.x's request decoder, refusing (as a malformed request, which {@link #invalid} answers and
     * closes) what RFC 9112 lets a server refuse and what could be read two ways: a request with both
     * Content-Length and Transfer-Encoding, and an HTTP version other than 1.0 and 1.1. A body that
     * cannot be decoded (a chunk size that is not hex) is reported once the current read is over, so
     * that the answer to it (400, {@link HttpRequestBody}) is sent before Vert.x closes the connection.
     */
    static final class StrictRequestDecoder extends VertxHttpRequestDecoder {

        StrictRequestDecoder(HttpServerOptions options) {
            super(options);
        }

        @Override
        protected HttpMessage createMessage(String[] initialLine) {
            HttpMessage message = super.createMessage(initialLine);
            if (message.protocolVersion() != HttpVersion.HTTP_1_1 && message.protocolVersion() != HttpVersion.HTTP_1_0) {
                throw new UnsupportedVersion();
            }
            return message;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            int from = out.size();
            super.decode(ctx, buffer, out);
            for (int i = from; i < out.size(); i++) {
                if (out.get(i) instanceof HttpContent content && !(content instanceof HttpMessage)
                        && content.decoderResult().isFailure()) {
                    // Vert.x closes the connection on this failure at once: answers written during a read
                    // are flushed at its end, so the one to this failure would be lost. Nothing more is
                    // decoded after it.
                    Throwable cause = content.decoderResult().cause();
                    ReferenceCountUtil.release(out.remove(i));
                    ctx.channel().eventLoop().execute(() -> ctx.fireExceptionCaught(cause));
                    return;
                }
            }
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            throw new IllegalArgumentException("Content-Length and Transfer-Encoding both");
        }
    }

    /** An HTTP version that the server does not speak. */
    static final class UnsupportedVersion extends IllegalArgumentException {
        UnsupportedVersion() {
            super("HTTP version not supported");
        }
    }

    /** Whether the connection of this request is closing: then the request is not served. */
    private boolean closing(HttpServerRequest request) {
        ConnectionClock clock = connections.get(request.connection());
        return clock != null && clock.closing;
    }

    private void markClosing(HttpServerRequest request) {
        ConnectionClock clock = connections.get(request.connection());
        if (clock != null) {
            clock.closing = true;
        }
    }

    private void handle(HttpServerRequest request) {
        ConnectionClock clock = connections.get(request.connection());
        if (clock != null) {
            if (clock.closing) {
                return;
            }
            clock.stop();
        }
        String transferEncoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
        if (transferEncoding != null && !transferEncoding.trim().equalsIgnoreCase("chunked")) {
            // RFC 9112 6.3: a body whose length cannot be known (a coding other than chunked alone) is
            // refused and the connection closed, so that what follows is not read as another request.
            refuse(request, 400, MALFORMED);
            return;
        }
        Context eventLoop = vertx.getOrCreateContext();
        Exchange exchange = new DefaultExchange(camelContext, ExchangePattern.InOut);
        exchange.setProperty(Exchanges.METHOD, request.method().name());
        exchange.setProperty(Exchanges.PATH, pathOf(request));
        exchange.setProperty(Exchanges.HEADERS, headersOf(request));
        if (hasBody(request)) {
            // Not read until the gateway asks for it, after the checks that need no body.
            request.pause();
            exchange.setProperty(Exchanges.BODY_SOURCE, new HttpRequestBody(vertx, eventLoop, request, limits.bodyTimeoutMs()));
        } else {
            exchange.getMessage().setBody(new byte[0]);
        }
        try {
            gateway.process(exchange, doneSync -> {
                if (Vertx.currentContext() == eventLoop) {
                    respond(request, exchange, clock);
                } else {
                    eventLoop.runOnContext(v -> respond(request, exchange, clock));
                }
            });
        } catch (RuntimeException e) {
            LOG.error("Unexpected error on {} {}", request.method(), request.path(), e);
            exchange.setException(e);
            respond(request, exchange, clock);
        }
    }

    /** HTTP/1.1: a request has a body when it declares one, by a non-zero length or a transfer coding. */
    private static boolean hasBody(HttpServerRequest request) {
        if (request.isEnded()) {
            return false;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
                || length != null && !length.trim().equals("0");
    }

    /** The path without its query string; the query never reaches the gateway. */
    static String pathOf(HttpServerRequest request) {
        String path = request.path();
        if (path == null || path.isEmpty()) {
            return "/";
        }
        return path.startsWith("/") ? path : "/" + path;
    }

    /** The request headers, case-insensitive, the first value of each. */
    private static Map<String, String> headersOf(HttpServerRequest request) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, String> header : request.headers()) {
            headers.putIfAbsent(header.getKey(), header.getValue());
        }
        return headers;
    }

    /** Writes the gateway's answer; on the request's event loop. */
    private void respond(HttpServerRequest request, Exchange exchange, ConnectionClock clock) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        Message message = exchange.getMessage();
        int status;
        String contentType;
        byte[] body;
        if (exchange.getException() != null) {
            LOG.error("Unexpected error on {} {}", request.method(), request.path(), exchange.getException());
            status = 500;
            contentType = Responses.APPLICATION_JSON;
            body = Responses.errorJson(500, "internal", "Unexpected server error").getBytes(StandardCharsets.UTF_8);
        } else {
            status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
            contentType = message.getHeader(Exchange.CONTENT_TYPE, String.class);
            body = message.getBody(byte[].class);
        }
        response.setStatusCode(status);
        if (contentType != null) {
            response.putHeader("Content-Type", contentType);
        }
        for (Map.Entry<String, Object> header : message.getHeaders().entrySet()) {
            String name = header.getKey();
            if (header.getValue() != null && !name.regionMatches(true, 0, "Camel", 0, 5)
                    && !name.equalsIgnoreCase(Exchange.CONTENT_TYPE)) {
                response.putHeader(name, String.valueOf(header.getValue()));
            }
        }
        boolean unread = hasBody(request);
        if (unread) {
            response.putHeader("Connection", "close");
            if (clock != null) {
                clock.closing = true;
            }
        }
        Buffer payload = body == null || request.method() == HttpMethod.HEAD ? Buffer.buffer() : Buffer.buffer(body);
        if (request.method() == HttpMethod.HEAD && body != null) {
            response.putHeader("Content-Length", String.valueOf(body.length));
        }
        response.end(payload);
        if (unread) {
            linger(request);
        } else if (clock != null) {
            clock.waitForHead(limits.idleTimeoutMs());
        }
    }

    /**
     * A request answered before its body was read (401, 404, 403, 413, 408): the rest of the body
     * is discarded for a moment, so that the client reads its answer rather than a reset
     * connection, and then the connection is closed.
     */
    private void linger(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        long timer = vertx.setTimer(LINGER_MILLIS, id -> connection.close());
        request.handler(chunk -> { });
        request.exceptionHandler(e -> { });
        request.endHandler(end -> {
            vertx.cancelTimer(timer);
            connection.close();
        });
        request.resume();
    }

    /** The port the server listens on (for tests that ask for port 0). */
    public int port() {
        return port;
    }
}
