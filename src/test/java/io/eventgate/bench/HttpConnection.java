package io.eventgate.bench;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One keep-alive HTTP/1.1 client connection over a plain {@link Socket}: writes a request given as
 * bytes and reads one response (status line, headers, a {@code Content-Length} or chunked body).
 * Just enough HTTP for the benchmarks; not thread-safe.
 */
final class HttpConnection implements Closeable {

    /** One response. {@code close}: the server said {@code Connection: close}. */
    record Response(int status, byte[] body, boolean close) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int lim;

    HttpConnection(String host, int port, int timeoutMillis) throws IOException {
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends {@code request} and reads its response (skipping any 1xx). */
    Response exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        while (true) {
            Response response = readResponse();
            if (response.status() >= 200) {
                return response;
            }
        }
    }

    private Response readResponse() throws IOException {
        String statusLine = readLine();
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = statusLine.startsWith("HTTP/1.0");
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
            } else if (name.equalsIgnoreCase("connection")) {
                close = value.equalsIgnoreCase("close");
            }
        }
        byte[] body;
        if (status < 200 || status == 204 || status == 304) {
            body = new byte[0];
        } else if (chunked) {
            body = readChunked();
        } else if (length >= 0) {
            body = readExactly((int) length);
        } else {
            body = readToEnd();
            close = true;
        }
        return new Response(status, body, close);
    }

    private byte[] readChunked() throws IOException {
        byte[] body = new byte[0];
        while (true) {
            String sizeLine = readLine();
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers
                }
                return body;
            }
            byte[] chunk = readExactly(size);
            byte[] joined = Arrays.copyOf(body, body.length + size);
            System.arraycopy(chunk, 0, joined, body.length, size);
            body = joined;
            readLine();
        }
    }

    private byte[] readExactly(int n) throws IOException {
        byte[] data = new byte[n];
        int done = 0;
        while (done < n) {
            if (pos == lim && !fill()) {
                throw new EOFException("connection closed in a response body");
            }
            int take = Math.min(n - done, lim - pos);
            System.arraycopy(buf, pos, data, done, take);
            pos += take;
            done += take;
        }
        return data;
    }

    private byte[] readToEnd() throws IOException {
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        while (pos < lim || fill()) {
            data.write(buf, pos, lim - pos);
            pos = lim;
        }
        return data.toByteArray();
    }

    /** A line without its CRLF, as ASCII. */
    private String readLine() throws IOException {
        StringBuilder line = null;
        while (true) {
            if (pos == lim && !fill()) {
                throw new EOFException("connection closed by the server");
            }
            for (int i = pos; i < lim; i++) {
                if (buf[i] == '\n') {
                    int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    String part = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    if (line == null) {
                        return part;
                    }
                    line.append(part);
                    int len = line.length();
                    if (len > 0 && line.charAt(len - 1) == '\r') {
                        line.setLength(len - 1);
                    }
                    return line.toString();
                }
            }
            if (line == null) {
                line = new StringBuilder();
            }
            line.append(new String(buf, pos, lim - pos, StandardCharsets.ISO_8859_1));
            pos = lim;
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        lim = n;
        return true;
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
