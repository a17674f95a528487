package io.eventgate;

import io.eventgate.config.S3ConfigReader;
import io.eventgate.frontdoor.HttpCdsTraining;

import java.util.Map;

/**
 * {@code java -jar target/eventgate.jar}: EventGate as a plain HTTP server. The configuration
 * folder comes from {@code CONF_DIR} (default {@code conf/}; may be {@code s3://bucket/prefix/})
 * and the port from {@code CAMEL_SERVER_PORT} (default 8080). Locations in {@code config.json} may
 * be {@code s3://bucket/key}.
 *
 * <p>Start it with {@code -XX:SharedArchiveFile=target/eventgate.jsa} to use the class-data-sharing
 * archive that {@code mvn package} trains ({@link HttpCdsTraining}): the first 202 comes about twice
 * as soon.
 */
public final class EventGateMain {

    private EventGateMain() {
    }

    /** System property that makes this JVM the training run of the CDS archive instead (the build sets it). */
    public static final String CDS_TRAINING = "eventgate.cds.train";

    public static void main(String[] args) throws Exception {
        Logging.configure();
        if (Boolean.getBoolean(CDS_TRAINING)) {
            HttpCdsTraining.run();
            return;
        }
        // Any failure to start (configuration, port in use, a sink route that cannot be made) ends the
        // process with one line and a non-zero status, never a stack trace or a JVM left hanging.
        StartFailure.exitOnFailure(() -> {
            StartFailure.checkHttpPortFree();
            EventGateApplication.create(EventGateApplication.FrontDoor.HTTP, new S3ConfigReader(), Map.of()).run(args);
        });
    }
}
