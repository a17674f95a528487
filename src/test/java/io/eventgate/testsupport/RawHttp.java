package io.eventgate.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A bare HTTP/1.1 connection, for what a well-behaved client library will not do: stop in the
 * middle of a request, trickle its bytes, or send an oversized head. Reads answers by
 * {@code Content-Length}.
 */
public final class RawHttp implements AutoCloseable {

    /** An answer: status, head (as sent) and body. */
    public record Answer(int status, String head, String body) {
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private final Socket socket;

    private RawHttp(Socket socket) {
        this.socket = socket;
    }

    public static RawHttp connect(int port, int readTimeoutMillis) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(readTimeoutMillis);
            socket.setTcpNoDelay(true);
            return new RawHttp(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RawHttp send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends these very bytes (a request with a body that is not Latin-1 text, or not text at all). */
    public RawHttp send(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one answer; throws when the connection closes or the read times out first. */
    public Answer read() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head.size() + " bytes of the answer's head");
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(text.substring(9, 12));
        Answer headOnly = new Answer(status, text, "");
        String length = headOnly.header("Content-Length");
        byte[] body = in.readNBytes(length == null ? 0 : Integer.parseInt(length));
        return new Answer(status, text, new String(body, StandardCharsets.UTF_8));
    }

    /** True when the server has closed the connection (read returns end of stream) within the read timeout. */
    public boolean closedByServer() {
        try {
            return socket.getInputStream().read() < 0;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("reset");
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
