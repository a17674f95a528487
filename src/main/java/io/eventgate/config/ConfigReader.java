package io.eventgate.config;

import java.nio.file.Path;

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

    /**
     * Copies every file under a folder location (one this reader {@link #handles}) into the empty
     * local folder {@code target}, keeping relative paths; used when the configuration folder
     * itself is remote.
     *
     * @throws ConfigException naming the location when it cannot be read or holds nothing
     */
    default void copyFolder(String location, Path target) {
        throw new ConfigException(location + ": a configuration folder cannot be read from there");
    }

    /**
     * What identifies the present content of a location this reader {@link #handles}, read with one
     * metadata request (for S3, the object's ETag by HeadObject; for a folder, the keys, ETags and
     * sizes of one listing), so that a poll can tell a change without reading the files.
     *
     * @param folder whether the location is a folder (as for {@link #copyFolder}) rather than one object
     * @throws ConfigException naming the location when it cannot be read
     */
    default String version(String location, boolean folder) {
        throw new ConfigException(location + ": cannot tell whether it changed");
    }

    /**
     * This reader as it should act for one load, given the settings known so far: first only the
     * overrides (while the configuration folder itself is read), then {@code config.json} with
     * overrides. Relative paths in the settings are taken from {@code confDir} first (null: the
     * working directory only). The default ignores settings.
     */
    default ConfigReader withSettings(Settings settings, Path confDir) {
        return this;
    }
}
