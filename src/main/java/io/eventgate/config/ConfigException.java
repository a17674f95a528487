package io.eventgate.config;

/**
 * A configuration problem that stops start-up (or a reload). Its message is one line that names
 * the file or setting and what is wrong with it.
 */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
