package io.eventgate.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** A private copy of the example {@code conf/}, for a test class that needs a topic or a user more. */
public final class ExampleConf {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExampleConf() {
    }

    /** A new temporary folder with everything of {@code conf/}. */
    public static Path copy() {
        try {
            return copyTo(Files.createTempDirectory("eventgate-conf"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies everything of {@code conf/} into {@code dir} (which exists), and answers {@code dir}. */
    public static Path copyTo(Path dir) {
        Path source = Path.of("conf");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path target = dir.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rewrites the copy's {@code access.json} as {@code change} leaves it. */
    public static void editAccess(Path conf, Consumer<ObjectNode> change) {
        try {
            Path access = conf.resolve("access.json");
            ObjectNode root = (ObjectNode) JSON.readTree(access.toFile());
            change.accept(root);
            replace(access, JSON.writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Gives {@code file} this text at once, as a deployment that renames a new file into place does: a
     * configuration poll never sees it empty or half written (which would be one more change, and one
     * more WARN line). The new file is written beside the folder, not in it, where a poll would see it.
     */
    public static void replace(Path file, String text) {
        try {
            Path folder = file.toAbsolutePath().getParent();
            Path fresh = Files.createTempFile(folder.getParent(), file.getFileName().toString(), ".new");
            Files.writeString(fresh, text);
            Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
