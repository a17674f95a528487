package io.eventgate.config;

import io.eventgate.sinks.SinkDirectory;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * Reloads the configuration when its files change, without a {@code POST /terminate}: every
 * {@code config_poll_seconds} a timer route asks the {@link ConfigLoader} for the
 * {@linkplain ConfigLoader#version version} of the sources (local files: their times of change and
 * sizes; S3: one listing of the folder, or one HeadObject per object), and reloads when it differs
 * from the last one seen. A poll that finds no change reads nothing else, so on S3 it costs one
 * metadata request.
 *
 * <p>A reload goes through {@link ConfigHolder#reload}, like {@code /terminate}'s: it shares one in
 * flight, swaps the whole configuration at once (a request in flight keeps the one it started with),
 * and when the new files are broken keeps the configuration in force and logs one WARN line. That
 * version is not tried again: the next change of the files is.
 *
 * <p>Off ({@code 0}) by default in Lambda, where an instance is frozen between requests and
 * {@code /terminate} recycles the instances; {@link #DEFAULT_SECONDS} for the HTTP server. The
 * interval is read at start.
 */
public final class ConfigPoll extends RouteBuilder {

    /** The setting: seconds between two polls; 0 turns the poll off. */
    public static final String SETTING = "config_poll_seconds";
    /** The HTTP server's default interval. */
    public static final long DEFAULT_SECONDS = 60;

    private static final Logger LOG = LoggerFactory.getLogger(ConfigPoll.class);

    private final ConfigHolder config;
    private final ConfigLoader loader;
    private final SinkDirectory sinks;
    private final long defaultSeconds;
    private String lastSeen;
    private String lastFailure;

    /** @param defaultSeconds the interval when {@code config_poll_seconds} is not set; 0: off */
    public ConfigPoll(ConfigHolder config, ConfigLoader loader, SinkDirectory sinks, long defaultSeconds) {
        this.config = config;
        this.loader = loader;
        this.sinks = sinks;
        this.defaultSeconds = defaultSeconds;
    }

    @Override
    public void configure() {
        long seconds = config.current().settings().getLong(SETTING, defaultSeconds);
        if (seconds <= 0) {
            return;
        }
        lastSeen = versionOrNull();
        long millis = seconds * 1000;
        from("timer:eventgate-config-poll?delay=" + millis + "&period=" + millis).routeId("config-poll")
                .process(exchange -> poll(exchange.getContext()));
    }

    /** One poll: reloads when the sources changed since the last one. */
    synchronized void poll(CamelContext context) {
        String now = versionOrNull();
        if (now == null || now.equals(lastSeen)) {
            return;
        }
        lastSeen = now;
        try {
            // not a reload already in flight (a /terminate's), which may have read the files before this change
            config.reloadAfterChange(fresh -> ReloadEndpoint.afterReload(context, config, sinks));
            LOG.info("Configuration reloaded: its files changed");
        } catch (RuntimeException e) {
            LOG.warn("The configuration files changed but cannot be loaded; the configuration in force stays: {}",
                    e.getMessage());
        }
    }

    /** The sources' version, or null when they cannot be looked at now (one WARN line until they can). */
    private String versionOrNull() {
        try {
            String version = loader.version(config.current());
            lastFailure = null;
            return version;
        } catch (ConfigException e) {
            if (!Objects.equals(e.getMessage(), lastFailure)) {
                LOG.warn("Cannot tell whether the configuration changed; the configuration in force stays: {}",
                        e.getMessage());
            }
            lastFailure = e.getMessage();
            return null;
        }
    }
}
