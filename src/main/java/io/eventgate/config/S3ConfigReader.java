package io.eventgate.config;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Locale;

/**
 * Reads configuration from Amazon S3: an object {@code s3://bucket/key}, or every object under a
 * folder {@code s3://bucket/prefix/}. It uses the AWS SDK v2 {@link S3Client} that camel-aws2-s3
 * brings, not a Camel endpoint: configuration is read before Camel starts and on reload, outside
 * any route.
 *
 * <p>Client settings (see {@link Settings} for where a setting comes from): {@code aws_region}
 * (else the SDK's default region chain: {@code AWS_REGION}, {@code aws.region}, profile),
 * {@code s3.endpoint_override} (an http(s) URL, for S3-compatible stores and tests; path-style
 * access then), and {@code ssl_ca_bundle} (a PEM file; when set, the client trusts only the
 * certificates in it). Credentials come from the SDK's default chain.
 *
 * <p>The client is made on first use and reused while those settings stay the same. Every failure
 * becomes a {@link ConfigException} such as {@code s3://bucket/key: NoSuchKey (The specified key does not exist.)}.
 */
public final class S3ConfigReader implements ConfigReader, AutoCloseable {

    private static final String SCHEME = "s3://";

    /** Keys per ListObjectsV2 page: S3's own maximum. */
    private static final int PAGE_SIZE = 1000;

    private final ClientCache clients;
    private final Settings settings;
    private final Path confDir;
    private final int pageSize;

    /** A reader that uses only the SDK defaults until {@link #withSettings} gives it settings. */
    public S3ConfigReader() {
        this(PAGE_SIZE);
    }

    /** With smaller listing pages, so that a test reads a folder over several pages. */
    S3ConfigReader(int pageSize) {
        this(new ClientCache(), null, null, pageSize);
    }

    private S3ConfigReader(ClientCache clients, Settings settings, Path confDir, int pageSize) {
        this.clients = clients;
        this.settings = settings;
        this.confDir = confDir;
        this.pageSize = pageSize;
    }

    @Override
    public ConfigReader withSettings(Settings settings, Path confDir) {
        return new S3ConfigReader(clients, settings, confDir, pageSize);
    }

    @Override
    public boolean handles(String location) {
        return location != null && location.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    @Override
    public String read(String location) {
        S3Location object = S3Location.parse(location);
        if (object.key().isEmpty() || object.key().endsWith("/")) {
            throw new ConfigException(location + ": expected s3://bucket/key naming an object");
        }
        S3Client client = client(location);
        try {
            return client.getObjectAsBytes(r -> r.bucket(object.bucket()).key(object.key())).asUtf8String();
        } catch (SdkException e) {
            throw failure(location, e);
        }
    }

    @Override
    public void copyFolder(String location, Path target) {
        S3Location folder = S3Location.parse(location);
        String prefix = folder.key().isEmpty() || folder.key().endsWith("/") ? folder.key() : folder.key() + "/";
        S3Client client = client(location);
        int copied = 0;
        String current = location; // what a failure is about: the listing, or one object
        try {
            for (S3Object object : client.listObjectsV2Paginator(r -> r.bucket(folder.bucket()).prefix(prefix).maxKeys(pageSize)).contents()) {
                String relative = object.key().substring(prefix.length());
                if (relative.isEmpty() || relative.endsWith("/")) {
                    continue; // a folder marker
                }
                current = SCHEME + folder.bucket() + "/" + object.key();
                Path file = target.resolve(relative).normalize();
                if (!file.startsWith(target)) {
                    throw new ConfigException(current + ": key points outside the folder");
                }
                Files.createDirectories(file.getParent());
                Files.write(file, client.getObjectAsBytes(r -> r.bucket(folder.bucket()).key(object.key())).asByteArray());
                copied++;
                current = location;
            }
        } catch (SdkException e) {
            throw failure(current, e);
        } catch (IOException e) {
            throw new ConfigException(current + ": cannot copy it to a local file: " + e.getMessage(), e);
        }
        if (copied == 0) {
            throw new ConfigException(location + ": no objects under this prefix");
        }
    }

    /**
     * One request: HeadObject for an object, one ListObjectsV2 page for a folder (a folder of more
     * than 1000 objects takes one request per 1000). Each object counts by its key, ETag, size and
     * time of change, whichever the store gives.
     */
    @Override
    public String version(String location, boolean folder) {
        S3Location where = S3Location.parse(location);
        S3Client client = client(location);
        try {
            if (!folder) {
                HeadObjectResponse head = client.headObject(r -> r.bucket(where.bucket()).key(where.key()));
                return head.eTag() + " " + head.contentLength() + " " + head.lastModified();
            }
            String prefix = where.key().isEmpty() || where.key().endsWith("/") ? where.key() : where.key() + "/";
            StringBuilder version = new StringBuilder();
            for (S3Object object : client.listObjectsV2Paginator(r -> r.bucket(where.bucket()).prefix(prefix)).contents()) {
                version.append(object.key()).append(' ').append(object.eTag()).append(' ')
                        .append(object.size()).append(' ').append(object.lastModified()).append('\n');
            }
            return version.toString();
        } catch (SdkException e) {
            throw failure(location, e);
        }
    }

    /** Closes the client, if one was made; the next read makes a new one. */
    @Override
    public void close() {
        clients.close();
    }

    private S3Client client(String location) {
        try {
            return clients.get(ClientOptions.from(settings, confDir));
        } catch (ConfigException e) {
            throw new ConfigException(location + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw failure(location, e); // no region, for example
        }
    }

    /** One line: the location, then the S3 error code and message, or the SDK's reason. */
    static ConfigException failure(String location, SdkException e) {
        String reason = e.getMessage();
        if (e instanceof AwsServiceException service) {
            AwsErrorDetails details = service.awsErrorDetails();
            String code = details == null || details.errorCode() == null
                    ? "HTTP " + service.statusCode() : details.errorCode();
            String message = details == null ? null : details.errorMessage();
            reason = message == null || message.isBlank() ? code : code + " (" + message + ")";
        }
        return new ConfigException(location + ": " + String.valueOf(reason).replaceAll("\\s*\\R\\s*", " "), e);
    }

    /** {@code s3://bucket/key}; the key may be empty or a prefix. */
    record S3Location(String bucket, String key) {
        static S3Location parse(String location) {
            String rest = location.substring(SCHEME.length());
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            if (bucket.isEmpty()) {
                throw new ConfigException(location + ": no bucket (expected s3://bucket/key)");
            }
            return new S3Location(bucket, slash < 0 ? "" : rest.substring(slash + 1));
        }
    }

    /** What a client is built from; equal options share one client. */
    record ClientOptions(String region, URI endpoint, List<Certificate> trusted) {

        static ClientOptions from(Settings settings, Path confDir) {
            if (settings == null) {
                return new ClientOptions(null, null, null);
            }
            return new ClientOptions(settings.get("aws_region").orElse(null),
                    settings.get("s3.endpoint_override").map(ClientOptions::endpoint).orElse(null),
                    settings.get("ssl_ca_bundle").map(p -> certificates(ConfigLoader.resolve(confDir, p))).orElse(null));
        }

        private static URI endpoint(String value) {
            try {
                URI uri = new URI(value);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            throw new ConfigException("setting 's3.endpoint_override': '" + value + "' is not an http(s) URL");
        }

        /** The certificates of a PEM bundle (read at each load, so a changed bundle makes a new client). */
        private static List<Certificate> certificates(Path file) {
            String source = "setting 'ssl_ca_bundle': " + file;
            try (InputStream in = Files.newInputStream(file)) {
                List<Certificate> certificates = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
                if (certificates.isEmpty()) {
                    throw new ConfigException(source + ": no PEM certificates found");
                }
                return certificates;
            } catch (NoSuchFileException e) {
                throw new ConfigException(source + ": file not found");
            } catch (IOException | GeneralSecurityException e) {
                throw new ConfigException(source + ": not a PEM certificate bundle: " + e.getMessage(), e);
            }
        }

        S3Client build() {
            ApacheHttpClient.Builder http = ApacheHttpClient.builder();
            if (trusted != null) {
                TrustManager[] trust = trustManagers(trusted);
                http.tlsTrustManagersProvider(() -> trust);
            }
            S3ClientBuilder builder = S3Client.builder().httpClientBuilder(http);
            if (region != null) {
                builder.region(Region.of(region));
            }
            if (endpoint != null) {
                builder.endpointOverride(endpoint).forcePathStyle(true);
            } else {
                builder.crossRegionAccessEnabled(true);
            }
            return builder.build();
        }

        private static TrustManager[] trustManagers(List<Certificate> certificates) {
            try {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                for (int i = 0; i < certificates.size(); i++) {
                    store.setCertificateEntry("ca-" + i, certificates.get(i));
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                return factory.getTrustManagers();
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot build a trust store", e);
            }
        }
    }

    /** The one client in use, rebuilt only when its options change. */
    private static final class ClientCache {
        private S3Client client;
        private ClientOptions options;

        synchronized S3Client get(ClientOptions wanted) {
            if (client == null || !wanted.equals(options)) {
                close();
                client = wanted.build();
                options = wanted;
            }
            return client;
        }

        synchronized void close() {
            if (client != null) {
                client.close();
                client = null;
                options = null;
            }
        }
    }
}
