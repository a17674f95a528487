package io.eventgate.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgate.Causes;
import io.eventgate.config.ConfigException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Fetches the token provider's RSA public keys, once, from {@code token_public_key_url}
 * ({@code {"key": "<base64 DER>"}}) and/or {@code token_public_keys_url}
 * ({@code {"keys": [{"key": ...}, ...]}}).
 *
 * <p>A key server is trusted with the gateway's start and its reloads, so each fetch is bounded by
 * {@link Limits}: the whole answer, body included, must arrive within the time limit (a server that
 * sends its headers and then a byte a second is cut off at the limit, not when it pleases), and may
 * not be larger than the size limit (counted as the bytes arrive, whatever {@code Content-Length}
 * says). The URL must be https, or {@code file:} or plain http to a loopback host for local use;
 * plain http elsewhere only when the limits allow it. Redirects are not followed.
 */
public final class PublicKeyLoader {

    /** The default whole-answer time limit of one fetch. */
    public static final long DEFAULT_TIMEOUT_MS = 5000;
    /** The default size limit of one keys document. */
    public static final long DEFAULT_MAX_BYTES = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /**
     * The bounds of one fetch.
     *
     * @param timeout   the whole answer, connect to last byte, must arrive within this
     * @param maxBytes  the largest keys document accepted
     * @param allowHttp whether plain http is accepted from hosts that are not loopback
     */
    public record Limits(Duration timeout, long maxBytes, boolean allowHttp) {

        public Limits {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new ConfigException("setting 'token_fetch_timeout_ms': must be greater than 0");
            }
            if (maxBytes <= 0) {
                throw new ConfigException("setting 'token_fetch_max_bytes': must be greater than 0");
            }
        }
    }

    /**
     * A public key and the {@code kid} its entry names.
     *
     * @param kid null when the entry names none
     */
    public record Key(String kid, PublicKey key) {
    }

    /** Lazily made, once: a start from {@code file:} keys (dev, tests, CDS training) starts no client threads. */
    private static final class Client {
        static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private PublicKeyLoader() {
    }

    public static List<PublicKey> load(String singleKeyUrl, String keyListUrl, Limits limits) {
        return loadWithIds(singleKeyUrl, keyListUrl, limits).stream().map(Key::key).toList();
    }

    /**
     * The keys with the {@code kid} each entry gives (an optional {@code "kid"} string beside
     * {@code "key"}), so that a token naming a {@code kid} that none has can ask for a refetch.
     */
    public static List<Key> loadWithIds(String singleKeyUrl, String keyListUrl, Limits limits) {
        List<Key> keys = new ArrayList<>();
        if (singleKeyUrl != null) {
            JsonNode doc = fetch("token_public_key_url", singleKeyUrl, limits);
            keys.add(parseKey("token_public_key_url", doc));
        }
        if (keyListUrl != null) {
            JsonNode doc = fetch("token_public_keys_url", keyListUrl, limits);
            JsonNode list = doc.path("keys");
            if (!list.isArray() || list.isEmpty()) {
                throw new ConfigException("token_public_keys_url (" + keyListUrl + "): expected {\"keys\": [{\"key\": ...}, ...]}");
            }
            for (JsonNode entry : list) {
                keys.add(parseKey("token_public_keys_url", entry));
            }
        }
        if (keys.isEmpty()) {
            throw new ConfigException("config.json: set token_public_key_url or token_public_keys_url");
        }
        return List.copyOf(keys);
    }

    private static JsonNode fetch(String setting, String url, Limits limits) {
        String where = setting + " (" + url + "): ";
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + "not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        byte[] body = switch (scheme) {
            case "file" -> readFile(where, uri, limits);
            case "https" -> readHttp(where, uri, limits);
            case "http" -> {
                if (!limits.allowHttp() && !isLoopback(uri.getHost())) {
                    throw new ConfigException(where + "plain http is accepted only from a loopback host"
                            + " (127.0.0.0/8, ::1, localhost); use https, or set token_allow_http=true");
                }
                yield readHttp(where, uri, limits);
            }
            default -> throw new ConfigException(where + "only https, http and file URLs are supported");
        };
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new ConfigException(where + "not valid JSON");
        }
    }

    /** Whether a URL's host is a loopback one: {@code localhost}, or an address literal in 127.0.0.0/8 or ::1. */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (name.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!IPV4.matcher(name).matches() && !name.contains(":")) {
            return false; // a name: never resolved here
        }
        try {
            return InetAddress.getByName(name).isLoopbackAddress(); // an address literal: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static byte[] readFile(String where, URI uri, Limits limits) {
        try (InputStream in = Files.newInputStream(Path.of(uri))) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxBytes() + 1));
            if (bytes.length > limits.maxBytes()) {
                throw tooLarge(where, limits);
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + "not a valid file URL");
        } catch (NoSuchFileException e) {
            throw new ConfigException(where + "file not found" + whatToSet(where));
        } catch (IOException e) {
            throw new ConfigException(where + e.getMessage(), e);
        }
    }

    private static byte[] readHttp(String where, URI uri, Limits limits) {
        CappedBody capped = new CappedBody(limits.maxBytes());
        CompletableFuture<HttpResponse<byte[]>> answer;
        try {
            answer = Client.HTTP.sendAsync(HttpRequest.newBuilder(uri).GET().build(),
                    info -> info.statusCode() == 200 ? capped : CappedBody.discarding());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + "not a valid URL");
        }
        try {
            HttpResponse<byte[]> response = answer.get(limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (response.statusCode() != 200) {
                throw new ConfigException(where + "HTTP " + response.statusCode() + whatToSet(where));
            }
            return response.body();
        } catch (TimeoutException e) {
            throw new ConfigException(where + "no complete answer within " + limits.timeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TooLargeException) {
                throw tooLarge(where, limits);
            }
            throw new ConfigException(where + cannotFetch(cause, uri) + whatToSet(where), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException(where + "interrupted");
        } finally {
            // Whatever happened, nothing more is read: the connection of an unfinished answer is dropped.
            capped.abort();
            answer.cancel(true);
        }
    }

    /**
     * Why a key URL could not be fetched, in words: the HTTP client's exceptions often have no message
     * at all (a host that does not resolve is a {@code ConnectException} with none), so their causes
     * are read for it.
     */
    static String cannotFetch(Throwable failure, URI uri) {
        for (Throwable t : Causes.of(failure)) {
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof UnknownHostException) {
                return "cannot connect: the host " + uri.getHost() + " is not known";
            }
        }
        for (Throwable t : Causes.of(failure)) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                String message = t.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
                return t instanceof java.net.ConnectException ? "cannot connect: " + message : message;
            }
        }
        // The JDK's client says nothing more when the port is closed.
        return failure instanceof java.net.ConnectException ? "cannot connect: connection refused" : "cannot connect";
    }

    /** {@code "; set <setting> (or EVENTGATE_<SETTING>) to ..."}: the way out, for a key URL that does not answer. */
    private static String whatToSet(String where) {
        String setting = where.substring(0, where.indexOf(' '));
        return "; set " + setting + " (or EVENTGATE_" + setting.toUpperCase(Locale.ROOT)
                + ") to your token provider's " + (setting.endsWith("keys_url") ? "keys" : "key") + " URL";
    }

    private static ConfigException tooLarge(String where, Limits limits) {
        return new ConfigException(where + "the answer is larger than " + limits.maxBytes()
                + " bytes (token_fetch_max_bytes)");
    }

    private static Key parseKey(String setting, JsonNode entry) {
        JsonNode key = entry.path("key");
        if (!key.isTextual()) {
            throw new ConfigException(setting + ": a key entry has no \"key\" string");
        }
        JsonNode kid = entry.path("kid");
        try {
            byte[] der = Base64.getMimeDecoder().decode(stripPem(key.asText()));
            return new Key(kid.isTextual() ? kid.asText() : null,
                    KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der)));
        } catch (Exception e) {
            throw new ConfigException(setting + ": a key is not a base64 DER RSA public key (" + e.getMessage() + ")");
        }
    }

    private static String stripPem(String key) {
        return key.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    }

    /** An answer over the size limit. */
    private static final class TooLargeException extends IOException {
        TooLargeException() {
            super("the answer is over the size limit");
        }
    }

    /**
     * Collects a body up to a size limit, counting bytes as they arrive: one byte over fails the
     * answer and stops the reading. A limit below 0 reads nothing at all (an answer that is not 200).
     */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final long maxBytes;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;

        CappedBody(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        static CappedBody discarding() {
            return new CappedBody(-1);
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (maxBytes < 0) {
                subscription.cancel();
                result.complete(new byte[0]);
            } else {
                subscription.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (result.isDone()) {
                    return;
                }
                if (bytes.size() + (long) buffer.remaining() > maxBytes) {
                    abort();
                    result.completeExceptionally(new TooLargeException());
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }

        void abort() {
            Flow.Subscription current = subscription;
            if (current != null) {
                current.cancel();
            }
        }
    }
}
