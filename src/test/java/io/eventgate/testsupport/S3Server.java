package io.eventgate.testsupport;

import com.adobe.testing.s3mock.S3MockApplication;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * S3 for the tests: Adobe's S3Mock (a maintained S3 server, a Spring Boot application) started in the
 * test JVM on free ports, with its objects in a temporary folder, in a class loader of its own
 * ({@link IsolatedS3Mock}). The AWS SDK client under test
 * reaches it at {@link #endpoint()} with path-style requests, as {@code s3.endpoint_override} gives it;
 * the tests put and delete objects through their own SDK client on its plain-HTTP port.
 */
public final class S3Server implements AutoCloseable {

    /** The dummy identity; S3Mock does not check signatures. */
    private static final String ACCESS_KEY = "test-key";
    private static final String SECRET_KEY = "test-secret";
    private static final String REGION = "eu-west-1";

    private final Object app; // an S3MockApplication of IsolatedS3Mock's class loader
    private final String endpoint;
    private final S3Client admin;
    private final Path root;
    private final Set<String> buckets = ConcurrentHashMap.newKeySet();

    private S3Server(Object app, String endpoint, Path root) {
        this.app = app;
        this.endpoint = endpoint;
        this.root = root;
        this.admin = S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + IsolatedS3Mock.httpPort(app)))
                .forcePathStyle(true)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /** S3 over plain HTTP. */
    public static S3Server start() {
        return start(Map.of(), false);
    }

    /**
     * S3 over HTTPS with the server key and certificate of a PKCS12 keystore ({@link #endpoint()} is
     * then https; the tests' own client still uses the plain port).
     */
    public static S3Server startHttps(Path pkcs12, String password, String alias) {
        return start(Map.of(
                S3MockApplication.SERVER_SSL_KEY_STORE, "file:" + pkcs12.toAbsolutePath(),
                S3MockApplication.SERVER_SSL_KEY_STORE_PASSWORD, password,
                S3MockApplication.SERVER_SSL_KEY_ALIAS, alias,
                S3MockApplication.SERVER_SSL_KEY_PASSWORD, password,
                "server.ssl.key-store-type", "PKCS12"), true);
    }

    private static S3Server start(Map<String, Object> extra, boolean https) {
        Path root;
        try {
            root = Files.createTempDirectory("s3mock-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put(S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT);
        properties.put(S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT);
        properties.put(S3MockApplication.PROP_ROOT_DIRECTORY, root.toString());
        properties.put(S3MockApplication.PROP_SILENT, true);
        properties.put("com.adobe.testing.s3mock.region", REGION);
        properties.put("server.address", "127.0.0.1");
        properties.putAll(extra);
        Object app = IsolatedS3Mock.start(properties);
        String endpoint = https ? "https://127.0.0.1:" + IsolatedS3Mock.port(app) : "http://127.0.0.1:" + IsolatedS3Mock.httpPort(app);
        return new S3Server(app, endpoint, root);
    }

    /** The URL to give as {@code s3.endpoint_override}. */
    public String endpoint() {
        return endpoint;
    }

    /** Stores an object, making its bucket first if needed. */
    public S3Server put(String bucket, String key, String text) {
        if (buckets.add(bucket)) {
            admin.createBucket(r -> r.bucket(bucket));
        }
        admin.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(text));
        return this;
    }

    public S3Server delete(String bucket, String key) {
        admin.deleteObject(r -> r.bucket(bucket).key(key));
        return this;
    }

    /**
     * Sets dummy AWS credentials and region as the SDK reads them from system properties
     * ({@code aws.accessKeyId}, {@code aws.secretAccessKey}, {@code aws.region}); closing restores them.
     */
    public static AutoCloseable dummyAwsIdentity() {
        Map<String, String> wanted = Map.of("aws.accessKeyId", ACCESS_KEY, "aws.secretAccessKey", SECRET_KEY,
                "aws.region", REGION);
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

    @Override
    public void close() {
        admin.close();
        IsolatedS3Mock.stop(app);
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary folder is harmless
        }
    }
}
