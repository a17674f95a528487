package io.eventgate.config;

import org.apache.camel.Ordered;
import org.apache.camel.spi.PropertiesSource;

/**
 * Makes the settings available to routes as Camel properties {@code eventgate.<key>}, so a YAML
 * sink can say {@code {{eventgate.kafka_bootstrap_server}}} or {@code {{eventgate.sinks.webhook.url}}}.
 * It always answers from the configuration in force.
 */
public final class SettingsPropertiesSource implements PropertiesSource, Ordered {

    private final ConfigHolder config;

    public SettingsPropertiesSource(ConfigHolder config) {
        this.config = config;
    }

    @Override
    public String getName() {
        return "eventgate-settings";
    }

    @Override
    public String getProperty(String name) {
        if (!name.startsWith(Settings.PREFIX)) {
            return null;
        }
        return config.current().settings().asMap().get(name.substring(Settings.PREFIX.length()));
    }

    @Override
    public int getOrder() {
        return LOWEST;
    }
}
