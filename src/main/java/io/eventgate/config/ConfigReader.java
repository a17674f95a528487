package io.eventgate.config;

/**
 * Reads configuration that lives somewhere other than a local path, such as {@code s3://bucket/key}.
 */
public interface ConfigReader {

    /** Reads nothing: every location is a local path. */
    ConfigReader LOCAL_ONLY = new ConfigReader() {
        @Override
        public boolean handles(String location) {
            return false;
        }

        @Override
        public String read(String location) {
            throw new UnsupportedOperationException(location);
        }
    };

    boolean handles(String location);

    /** @throws ConfigException naming the location when it cannot be read */
    String read(String location);
}
