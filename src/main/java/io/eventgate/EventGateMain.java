package io.eventgate;

import io.eventgate.config.ConfigException;
import io.eventgate.config.ConfigReader;

import java.util.Map;

/**
 * {@code java -jar target/eventgate.jar}: EventGate as a plain HTTP server. The configuration
 * folder comes from {@code CONF_DIR} (default {@code conf/}) and the port from
 * {@code CAMEL_SERVER_PORT} (default 8080).
 */
public final class EventGateMain {

    private EventGateMain() {
    }

    public static void main(String[] args) throws Exception {
        EventGateApplication app;
        try {
            app = EventGateApplication.create(EventGateApplication.FrontDoor.HTTP, ConfigReader.LOCAL_ONLY, Map.of());
        } catch (ConfigException e) {
            System.err.println("EventGate cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        app.run(args);
    }
}
