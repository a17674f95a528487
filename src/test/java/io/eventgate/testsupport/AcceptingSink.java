package io.eventgate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A sink routes folder for tests that need no real sink: one YAML route, {@code sink-accept}, that
 * accepts (logs) every event. Point {@code eventgate.routes-dir} at the folder.
 */
public final class AcceptingSink {

    private AcceptingSink() {
    }

    /** Writes {@code accept.yaml} into {@code routes}; returns the folder. */
    public static Path writeTo(Path routes) {
        try {
            Files.writeString(routes.resolve("accept.yaml"), """
                    - route:
                        id: sink-accept
                        from:
                          uri: direct:sink-accept
                          steps:
                            - log: "accepted an event for ${exchangeProperty.eventGateTopic}"
                    """);
            return routes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
