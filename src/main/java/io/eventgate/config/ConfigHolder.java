package io.eventgate.config;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Holds the configuration in force. {@link #reload()} loads a fresh one and swaps it in; a failed
 * reload keeps the old configuration and reports the error to the caller.
 */
public final class ConfigHolder {

    public static final String BEAN_NAME = "eventGateConfig";

    private final Supplier<EventGateConfig> loader;
    private volatile EventGateConfig current;

    public ConfigHolder(Supplier<EventGateConfig> loader) {
        this.loader = Objects.requireNonNull(loader);
        this.current = loader.get();
    }

    public EventGateConfig current() {
        return current;
    }

    /** @throws ConfigException when the new configuration is unusable; the old one stays in force */
    public synchronized EventGateConfig reload() {
        EventGateConfig fresh = loader.get();
        current = fresh;
        return fresh;
    }
}
