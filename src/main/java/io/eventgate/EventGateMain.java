package io.eventgate;

import io.eventgate.config.ConfigException;
import io.eventgate.config.S3ConfigReader;

import java.util.Map;

/**
 * {@code java -jar target/eventgate.jar}: EventGate as a plain HTTP server. The configuration
 * folder comes from {@code CONF_DIR} (default {@code conf/}; may be {@code s3://bucket/prefix/})
 * and the port from {@code CAMEL_SERVER_PORT} (default 8080). Locations in {@code config.json} may
 * be {@code s3://bucket/key}.
 */
public final class EventGateMain {

    private EventGateMain() {
    }

    public static void main(String[] args) throws Exception {
        EventGateApplication app;
        try {
            app = EventGateApplication.create(EventGateApplication.FrontDoor.HTTP, new S3ConfigReader(), Map.of());
        } catch (ConfigException e) {
            System.err.println("EventGate cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        app.run(args);
    }
}
