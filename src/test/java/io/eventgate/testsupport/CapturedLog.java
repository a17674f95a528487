package io.eventgate.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The log lines written while it is open. EventGate logs with slf4j-simple to standard output
 * (simplelogger.properties), which it looks up at each line, so this copies standard output
 * aside, and still prints it. Closing puts the original back.
 */
public final class CapturedLog implements AutoCloseable {

    private final PrintStream original = System.out;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    private CapturedLog() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (copy) {
                    copy.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                original.write(bytes, offset, length);
                synchronized (copy) {
                    copy.write(bytes, offset, length);
                }
            }
        };
        System.setOut(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    public static CapturedLog start() {
        return new CapturedLog();
    }

    /** The lines so far that hold {@code fragment}. */
    public List<String> lines(String fragment) {
        String text;
        synchronized (copy) {
            text = copy.toString(StandardCharsets.UTF_8);
        }
        return Arrays.stream(text.split("\\R")).filter(line -> line.contains(fragment)).toList();
    }

    @Override
    public void close() {
        System.out.flush();
        System.setOut(original);
    }
}
