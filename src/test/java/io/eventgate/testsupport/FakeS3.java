package io.eventgate.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for S3 on 127.0.0.1 (a free port) that the real AWS SDK client talks to with
 * path-style requests: GetObject ({@code GET /bucket/key}) and ListObjectsV2
 * ({@code GET /bucket?list-type=2&prefix=...}, paged by {@code pageSize} with continuation tokens),
 * from an in-memory map. Unknown keys answer 404 {@code NoSuchKey}, as S3 does.
 */
public final class FakeS3 implements AutoCloseable {

    private final Map<String, byte[]> objects = new ConcurrentSkipListMap<>(); // "bucket/key", sorted
    private final AtomicInteger requests = new AtomicInteger();
    private final HttpServer server;
    private final String scheme;
    private volatile int pageSize = 1000;

    private FakeS3(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
        server.createContext("/", this::handle);
        server.start();
    }

    /** Plain HTTP. */
    public static FakeS3 start() {
        try {
            return new FakeS3(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), "http");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** HTTPS with the given server key and certificate. */
    public static FakeS3 startHttps(SSLContext tls) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            return new FakeS3(server, "https");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL to give as {@code s3.endpoint_override}. */
    public String endpoint() {
        return scheme + "://127.0.0.1:" + server.getAddress().getPort();
    }

    public FakeS3 put(String bucket, String key, String text) {
        objects.put(bucket + "/" + key, text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public FakeS3 delete(String bucket, String key) {
        objects.remove(bucket + "/" + key);
        return this;
    }

    /** How many keys one ListObjectsV2 page holds at most. */
    public FakeS3 pageSize(int size) {
        this.pageSize = size;
        return this;
    }

    /**
     * Sets dummy AWS credentials and region as the SDK reads them from system properties
     * ({@code aws.accessKeyId}, {@code aws.secretAccessKey}, {@code aws.region}); closing restores them.
     */
    public static AutoCloseable dummyAwsIdentity() {
        Map<String, String> wanted = Map.of("aws.accessKeyId", "test-key", "aws.secretAccessKey", "test-secret",
                "aws.region", "eu-west-1");
        Map<String, String> before = new LinkedHashMap<>();
        wanted.forEach((name, value) -> {
            before.put(name, System.getProperty(name));
            System.setProperty(name, value);
        });
        return () -> before.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }

    /** Requests served so far. */
    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(1); // decoded
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            int slash = path.indexOf('/');
            String bucket = slash < 0 ? path : path.substring(0, slash);
            String key = slash < 0 ? "" : path.substring(slash + 1);
            if (!exchange.getRequestMethod().equals("GET")) {
                error(exchange, 405, "MethodNotAllowed", "Only GET is served here.");
            } else if (key.isEmpty() && "2".equals(query.get("list-type"))) {
                list(exchange, bucket, query.getOrDefault("prefix", ""), query.get("continuation-token"));
            } else if (objects.containsKey(bucket + "/" + key)) {
                send(exchange, 200, "application/octet-stream", objects.get(bucket + "/" + key));
            } else {
                error(exchange, 404, "NoSuchKey", "The specified key does not exist.");
            }
        }
    }

    private void list(HttpExchange exchange, String bucket, String prefix, String after) throws IOException {
        List<String> keys = objects.keySet().stream()
                .filter(k -> k.startsWith(bucket + "/" + prefix))
                .map(k -> k.substring(bucket.length() + 1))
                .filter(k -> after == null || k.compareTo(after) > 0)
                .toList();
        List<String> page = keys.subList(0, Math.min(pageSize, keys.size()));
        boolean truncated = page.size() < keys.size();
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">")
                .append("<Name>").append(escape(bucket)).append("</Name>")
                .append("<Prefix>").append(escape(prefix)).append("</Prefix>")
                .append("<KeyCount>").append(page.size()).append("</KeyCount>")
                .append("<MaxKeys>").append(pageSize).append("</MaxKeys>")
                .append("<IsTruncated>").append(truncated).append("</IsTruncated>");
        if (truncated) {
            xml.append("<NextContinuationToken>").append(escape(page.get(page.size() - 1))).append("</NextContinuationToken>");
        }
        for (String key : page) {
            xml.append("<Contents><Key>").append(escape(key)).append("</Key><Size>")
                    .append(objects.get(bucket + "/" + key).length).append("</Size></Contents>");
        }
        xml.append("</ListBucketResult>");
        send(exchange, 200, "application/xml", xml.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>"
                + message + "</Message><RequestId>fake</RequestId></Error>";
        send(exchange, status, "application/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                params.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
