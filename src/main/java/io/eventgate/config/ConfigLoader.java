package io.eventgate.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgate.auth.AccessPolicy;
import io.eventgate.auth.KeyRefetch;
import io.eventgate.auth.PublicKeyLoader;
import io.eventgate.auth.TokenVerifier;
import io.eventgate.topics.TopicCatalog;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads and checks the configuration folder: {@code config.json}, the access file it names,
 * {@code topic_keys.json}, the topic schemas and {@code api.yaml}. Any problem becomes a
 * {@link ConfigException} whose message names the file and the problem in one line.
 *
 * <p>Relative paths inside {@code config.json} are taken from the configuration folder first, then
 * from the working directory (the layout of the original deployment, {@code conf/topic_keys.json}).
 *
 * <p>The folder may also be a location the {@link ConfigReader} handles, such as
 * {@code s3://bucket/prefix/}: each load then copies it to a fresh temporary folder, loads that,
 * and deletes it; problems are reported with the remote location, not the temporary path.
 */
public final class ConfigLoader {

    /** Environment variable that selects the configuration folder. */
    public static final String CONF_DIR_ENV = "CONF_DIR";
    /** System property that selects the configuration folder (wins over the environment). */
    public static final String CONF_DIR_PROPERTY = "eventgate.conf-dir";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code {{env:NAME}}} or {@code {{env:NAME:fallback}}} in a default (application.properties). */
    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\{\\{env:([^:}]+)(?::([^}]*))?}}");

    private final String confLocation;
    private final Map<String, String> env;
    private final Properties system;
    private final ConfigReader reader;

    public ConfigLoader(Path confDir, Map<String, String> env, Properties system, ConfigReader reader) {
        this(confDir.toString(), env, system, reader);
    }

    /** @param confLocation a local folder, or a folder location the reader handles ({@code s3://...}) */
    public ConfigLoader(String confLocation, Map<String, String> env, Properties system, ConfigReader reader) {
        this.confLocation = confLocation;
        this.env = env;
        this.system = system;
        this.reader = reader;
    }

    /**
     * A loader for this process. {@code overrides} are taken like JVM system properties and win
     * over them. The folder comes from {@code eventgate.conf-dir}, else {@code CONF_DIR}, else {@code conf}.
     */
    public static ConfigLoader forThisProcess(ConfigReader reader, Map<String, String> overrides) {
        Properties system = new Properties();
        system.putAll(System.getProperties());
        system.putAll(overrides);
        String dir = system.getProperty(CONF_DIR_PROPERTY, System.getenv().getOrDefault(CONF_DIR_ENV, "conf"));
        return new ConfigLoader(dir, System.getenv(), system, reader);
    }

    /** The configuration folder as given: a local path or a remote location. */
    public String confLocation() {
        return confLocation;
    }

    public EventGateConfig load() {
        // Only the overrides are known before config.json is read: enough to reach a remote folder.
        ConfigReader early = reader.withSettings(Settings.of(Map.of(), env, system, camelProperties(env)), null);
        if (early.handles(confLocation)) {
            return loadRemote(early);
        }
        return load(Path.of(confLocation));
    }

    /**
     * What identifies the present content of every source of a configuration, to be compared with
     * an earlier answer: a configuration folder on S3 by one listing (keys, ETags, sizes), an
     * {@code s3://} object named in {@code config.json} by its ETag (one HeadObject each), and local
     * files by their path, time of change and size (no reading). Reads no file's content.
     *
     * @param current the configuration in force, whose settings name the files
     * @throws ConfigException naming the location that cannot be looked at
     */
    public String version(EventGateConfig current) {
        StringBuilder version = new StringBuilder();
        ConfigReader early = reader.withSettings(Settings.of(Map.of(), env, system, camelProperties(env)), null);
        Path confDir = null;
        if (early.handles(confLocation)) {
            version.append(confLocation).append('\n').append(early.version(confLocation, true));
        } else {
            confDir = Path.of(confLocation);
            localVersion(confDir, version);
        }
        Settings settings = current.settings();
        ConfigReader configured = reader.withSettings(settings, confDir);
        for (String key : List.of("access_config", "topic_keys_config")) {
            String location = settings.get(key).orElse(null);
            if (location != null && configured.handles(location)) {
                version.append(location).append(' ').append(configured.version(location, false)).append('\n');
            } else if (location != null && (confDir != null || Path.of(location).isAbsolute())) {
                localVersion(resolve(confDir, location), version);
            }
        }
        for (String key : List.of("topic_schemas_dir", "api_spec", "ssl_ca_bundle")) {
            String location = settings.get(key).orElse(null);
            if (location != null && (confDir != null || Path.of(location).isAbsolute())) {
                localVersion(resolve(confDir, location), version);
            }
        }
        return version.toString();
    }

    /** Each file under {@code path} (or the file itself): its path, time of change and size. */
    private static void localVersion(Path path, StringBuilder version) {
        if (!Files.exists(path)) {
            version.append(path).append(" absent\n");
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                version.append(file).append(' ').append(Files.getLastModifiedTime(file).toInstant())
                        .append(' ').append(Files.size(file)).append('\n');
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ConfigException(path + ": cannot look at it: " + e.getMessage(), e);
        }
    }

    private EventGateConfig loadRemote(ConfigReader early) {
        String folder = confLocation.endsWith("/") ? confLocation : confLocation + "/";
        Path local;
        try {
            local = Files.createTempDirectory("eventgate-conf-");
        } catch (IOException e) {
            throw new ConfigException(folder + ": cannot make a temporary folder: " + e.getMessage(), e);
        }
        try {
            early.copyFolder(folder, local);
            return load(local);
        } catch (ConfigException e) {
            String message = e.getMessage().replace(local + File.separator, folder).replace(local.toString(), folder);
            throw new ConfigException(message, e);
        } finally {
            deleteTree(local);
        }
    }

    private EventGateConfig load(Path confDir) {
        Path configFile = confDir.resolve("config.json");
        JsonNode root = parseJson(configFile.toString(), readLocal(configFile));
        if (!root.isObject()) {
            throw new ConfigException(configFile + ": expected a JSON object of settings");
        }
        Settings settings = Settings.of(flatten(root), env, system, camelProperties(env));
        ConfigReader configured = reader.withSettings(settings, confDir);

        String accessLocation = settings.get("access_config")
                .orElseThrow(() -> new ConfigException(configFile + ": missing required key 'access_config'"));
        if (settings.get("token_public_key_url").isEmpty() && settings.get("token_public_keys_url").isEmpty()) {
            throw new ConfigException(configFile + ": set 'token_public_key_url' or 'token_public_keys_url'");
        }
        String accessName = named(configured, confDir, accessLocation);
        AccessPolicy access = AccessPolicy.parse(accessName,
                parseJson(accessName, read(configured, confDir, accessLocation)));

        Map<String, String> topicKeys = settings.get("topic_keys_config")
                .map(location -> topicKeys(named(configured, confDir, location),
                        parseJson(named(configured, confDir, location), read(configured, confDir, location))))
                .orElse(Map.of());

        TopicCatalog topics = TopicCatalog.load(
                resolve(confDir, settings.get("topic_schemas_dir", "topic_schemas")),
                settings.get("topic_prefix", TopicCatalog.DEFAULT_PREFIX));

        String apiYaml = readLocal(resolve(confDir, settings.get("api_spec", "api.yaml")));

        TokenVerifier verifier = tokenVerifier(settings);
        // the stats endpoint's security switch (StatsAccess): a typo must not open the endpoint
        flag(settings, "stats_require_token", true);
        // and the switches that leave a sink out or open /metrics: a typo must not do it silently
        for (String key : new String[] {"metrics.enabled", "metrics.require_admin", "traces.enabled"}) {
            flag(settings, key, false);
        }
        settings.asMap().keySet().stream()
                .filter(key -> key.startsWith("sinks.") && key.endsWith(".enabled"))
                .forEach(key -> flag(settings, key, true));

        Set<String> admins = Arrays.stream(settings.get("admin_users", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());

        return new EventGateConfig(settings, access, topics, verifier, topicKeys, apiYaml, admins, Instant.now());
    }

    /** The keys, fetched within the {@code token_fetch_*} limits, and the rules a token must meet. */
    private static TokenVerifier tokenVerifier(Settings settings) {
        PublicKeyLoader.Limits limits = new PublicKeyLoader.Limits(
                Duration.ofMillis(settings.getLong("token_fetch_timeout_ms", PublicKeyLoader.DEFAULT_TIMEOUT_MS)),
                settings.getLong("token_fetch_max_bytes", PublicKeyLoader.DEFAULT_MAX_BYTES),
                flag(settings, "token_allow_http", false));
        TokenVerifier.Rules rules = new TokenVerifier.Rules(
                settings.getLong("token_clock_skew_seconds", 30),
                (int) settings.getLong("token_cache_size", TokenVerifier.DEFAULT_CACHE_SIZE),
                flag(settings, "token_require_exp", true),
                settings.get("token_audience").orElse(null),
                settings.get("token_issuer").orElse(null));
        String singleKeyUrl = settings.get("token_public_key_url").orElse(null);
        String keyListUrl = settings.get("token_public_keys_url").orElse(null);
        Supplier<List<PublicKeyLoader.Key>> fetch = () -> PublicKeyLoader.loadWithIds(singleKeyUrl, keyListUrl, limits);
        return new TokenVerifier(fetch.get(), rules,
                new KeyRefetch(fetch, settings.getLong("token_refetch_seconds", KeyRefetch.DEFAULT_INTERVAL_SECONDS)));
    }

    /** A security switch: {@code true} or {@code false}, nothing else, so that a typo cannot turn a check off. */
    private static boolean flag(Settings settings, String key, boolean fallback) {
        String value = settings.get(key, String.valueOf(fallback)).toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            throw new ConfigException("setting '" + key + "': '" + value + "' is not true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private static Map<String, String> topicKeys(String source, JsonNode root) {
        if (!root.isObject()) {
            throw new ConfigException(source + ": expected an object of topic -> key field");
        }
        Map<String, String> keys = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isTextual()) {
                throw new ConfigException(source + ": topic '" + entry.getKey() + "': the key field must be a string");
            }
            keys.put(entry.getKey().toLowerCase(Locale.ROOT), entry.getValue().asText());
        }
        return Map.copyOf(keys);
    }

    /** Reads a location named in config.json: a path, or any URL the {@link ConfigReader} knows. */
    private static String read(ConfigReader reader, Path confDir, String location) {
        if (reader.handles(location)) {
            return reader.read(location);
        }
        return readLocal(resolve(confDir, location));
    }

    /** How a problem names a file of config.json: the path that was read ({@code conf/access.json}), or the URL. */
    private static String named(ConfigReader reader, Path confDir, String location) {
        return reader.handles(location) ? location : resolve(confDir, location).toString();
    }

    /**
     * A path named in config.json: as is when absolute (or {@code confDir} is null), else in
     * {@code confDir} when it is there, else in the working directory.
     */
    static Path resolve(Path confDir, String location) {
        Path path = Path.of(location);
        if (path.isAbsolute() || confDir == null) {
            return path;
        }
        Path inConf = confDir.resolve(path);
        return Files.exists(inConf) || !Files.exists(path) ? inConf : path;
    }

    private static void deleteTree(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary folder is harmless
        }
    }

    private static String readLocal(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": file not found");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static JsonNode parseJson(String source, String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new ConfigException(source + ": empty file");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": not valid JSON (" + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
    }

    /** Nested objects become dotted keys; arrays of plain values become comma-separated lists. */
    static Map<String, String> flatten(JsonNode root) {
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", root, flat);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(prefix + e.getKey() + ".", e.getValue(), out));
        } else {
            String key = prefix.substring(0, prefix.length() - 1);
            if (node.isArray()) {
                StringBuilder joined = new StringBuilder();
                node.forEach(item -> joined.append(joined.length() == 0 ? "" : ",").append(item.asText()));
                out.put(key, joined.toString());
            } else if (!node.isNull()) {
                out.put(key, node.asText());
            }
        }
    }

    /**
     * Camel properties from {@code application.properties}: the defaults under config.json. A default
     * may name an environment variable as Camel allows, {@code {{env:NAME}}} or {@code {{env:NAME:fallback}}}
     * (e.g. {@code eventgate.postgres.secret_name = {{env:POSTGRES_SECRET_NAME:}}}).
     */
    private static Properties camelProperties(Map<String, String> env) {
        Properties properties = new Properties();
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new ConfigException("application.properties: cannot read: " + e.getMessage(), e);
        }
        for (String name : properties.stringPropertyNames()) {
            properties.setProperty(name, resolveEnv(properties.getProperty(name), env));
        }
        return properties;
    }

    /** Replaces each {@code {{env:NAME:fallback}}} with the variable, else the fallback (else empty). */
    static String resolveEnv(String value, Map<String, String> env) {
        return ENV_PLACEHOLDER.matcher(value).replaceAll(match -> Matcher.quoteReplacement(
                env.getOrDefault(match.group(1), match.group(2) == null ? "" : match.group(2))));
    }
}
