package io.eventgate;

import java.util.Locale;

/**
 * Applies {@code LOG_LEVEL} (TRACE, DEBUG, INFO, WARN, ERROR; default INFO) to slf4j-simple, which
 * reads its settings once, when the first logger is made: every entry point calls {@link #configure()}
 * before it makes one. A level given as a system property wins.
 */
public final class Logging {

    private static final String DEFAULT_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    private static final String EVENTGATE_LEVEL = "org.slf4j.simpleLogger.log.io.eventgate";

    private Logging() {
    }

    public static void configure() {
        String level = System.getenv("LOG_LEVEL");
        if (level == null || level.isBlank()) {
            return;
        }
        String value = level.trim().toLowerCase(Locale.ROOT);
        if (System.getProperty(DEFAULT_LEVEL) == null) {
            System.setProperty(DEFAULT_LEVEL, value);
        }
        if (System.getProperty(EVENTGATE_LEVEL) == null) {
            System.setProperty(EVENTGATE_LEVEL, value);
        }
    }
}
