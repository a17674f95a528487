package io.eventgate.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgate.config.ConfigException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Fetches the token provider's RSA public keys, once, from {@code token_public_key_url}
 * ({@code {"key": "<base64 DER>"}}) and/or {@code token_public_keys_url}
 * ({@code {"keys": [{"key": ...}, ...]}}). Both may be http(s) or, for local use, {@code file:} URLs.
 */
public final class PublicKeyLoader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);

    private PublicKeyLoader() {
    }

    public static List<PublicKey> load(String singleKeyUrl, String keyListUrl) {
        List<PublicKey> keys = new ArrayList<>();
        if (singleKeyUrl != null) {
            JsonNode doc = fetch("token_public_key_url", singleKeyUrl);
            keys.add(parseKey("token_public_key_url", doc.path("key")));
        }
        if (keyListUrl != null) {
            JsonNode doc = fetch("token_public_keys_url", keyListUrl);
            JsonNode list = doc.path("keys");
            if (!list.isArray() || list.isEmpty()) {
                throw new ConfigException("token_public_keys_url (" + keyListUrl + "): expected {\"keys\": [{\"key\": ...}, ...]}");
            }
            for (JsonNode entry : list) {
                keys.add(parseKey("token_public_keys_url", entry.path("key")));
            }
        }
        if (keys.isEmpty()) {
            throw new ConfigException("config.json: set token_public_key_url or token_public_keys_url");
        }
        return List.copyOf(keys);
    }

    private static JsonNode fetch(String setting, String url) {
        try {
            String text;
            URI uri = URI.create(url);
            if ("file".equalsIgnoreCase(uri.getScheme())) {
                text = Files.readString(Path.of(uri), StandardCharsets.UTF_8);
            } else if ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) {
                HttpClient client = HttpClient.newBuilder().connectTimeout(FETCH_TIMEOUT).build();
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(uri).timeout(FETCH_TIMEOUT).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new ConfigException(setting + " (" + url + "): HTTP " + response.statusCode());
                }
                text = response.body();
            } else {
                throw new ConfigException(setting + " (" + url + "): only http, https and file URLs are supported");
            }
            return JSON.readTree(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(setting + " (" + url + "): not a valid URL");
        } catch (IOException e) {
            throw new ConfigException(setting + " (" + url + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException(setting + " (" + url + "): interrupted");
        }
    }

    private static PublicKey parseKey(String setting, JsonNode key) {
        if (!key.isTextual()) {
            throw new ConfigException(setting + ": a key entry has no \"key\" string");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(stripPem(key.asText()));
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (Exception e) {
            throw new ConfigException(setting + ": a key is not a base64 DER RSA public key (" + e.getMessage() + ")");
        }
    }

    private static String stripPem(String key) {
        return key.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    }
}
