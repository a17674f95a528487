package io.eventgate.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The effective settings: {@code config.json} flattened to dotted keys, with overrides on top.
 *
 * <p>For key {@code k}, first found wins: the JVM system property {@code eventgate.k}, the
 * environment variable {@code EVENTGATE_K} (upper case, dots and dashes as underscores),
 * {@code config.json}, and last the defaults, Camel properties {@code eventgate.k} in
 * {@code application.properties}.
 */
public final class Settings {

    public static final String PREFIX = "eventgate.";

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    static Settings of(Map<String, String> fromFile, Map<String, String> env, Properties system, Properties defaults) {
        Map<String, String> effective = new LinkedHashMap<>();
        for (String key : overridableKeys(fromFile, env, system, defaults)) {
            String value = system.getProperty(PREFIX + key);
            if (value == null) {
                value = env.get(envName(key));
            }
            if (value == null) {
                value = fromFile.get(key);
            }
            if (value == null) {
                value = defaults.getProperty(PREFIX + key);
            }
            if (value != null) {
                effective.put(key, value);
            }
        }
        return new Settings(effective);
    }

    /** The keys of the file plus every key that an override names. */
    private static java.util.Set<String> overridableKeys(Map<String, String> fromFile, Map<String, String> env,
                                                         Properties system, Properties camel) {
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(fromFile.keySet());
        for (Properties p : new Properties[] {system, camel}) {
            for (String name : p.stringPropertyNames()) {
                if (name.startsWith(PREFIX)) {
                    keys.add(name.substring(PREFIX.length()));
                }
            }
        }
        // Environment names lose the difference between '.', '-' and '_': map them back only
        // for keys that are already known, or to the plain lower-case form.
        Map<String, String> knownByEnvName = new LinkedHashMap<>();
        keys.forEach(k -> knownByEnvName.put(envName(k), k));
        for (String name : env.keySet()) {
            if (name.startsWith("EVENTGATE_")) {
                keys.add(knownByEnvName.getOrDefault(name, name.substring("EVENTGATE_".length()).toLowerCase(Locale.ROOT)));
            }
        }
        return keys;
    }

    static String envName(String key) {
        return "EVENTGATE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Optional<String> get(String key) {
        String value = values.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    public long getLong(String key, long fallback) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            throw new ConfigException("setting '" + key + "': '" + value.get() + "' is not a whole number");
        }
    }

    public boolean getBoolean(String key, boolean fallback) {
        return get(key).map(v -> Boolean.parseBoolean(v)).orElse(fallback);
    }

    public boolean isConfigured(String key) {
        return get(key).isPresent();
    }

    /** Every setting, as dotted keys. */
    public Map<String, String> asMap() {
        return values;
    }
}
