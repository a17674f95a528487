package io.eventgate.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Slow clients, all on one selector thread: {@code target} connections that each send the headers of
 * {@code POST /topics/public.cps.za.test} with {@code Content-Length: 100000} and no token (or a valid
 * one, so that the server gets as far as waiting for the body), and then
 * one byte of body per second. A connection that the server answers or closes is counted (by status,
 * or as closed without an answer) and replaced by a new one (at most {@code target / 10} new ones per
 * 100 ms), so that about {@code target} stay connected. {@link #connectedSamples()} holds the number
 * connected, sampled once a second.
 */
final class SlowClients implements AutoCloseable {

    private final byte[] head;

    private final InetSocketAddress address;
    private final int target;
    private final Selector selector;
    private final Thread thread;
    private final ArrayDeque<Long> reopenQueue = new ArrayDeque<>();
    private volatile boolean running = true;

    private final Map<String, Long> answers = new TreeMap<>();
    private long opened;
    private long connectFailures;
    private long closedWithoutAnswer;
    private long writeFailures;
    private int connected;
    private final List<Integer> samples = new ArrayList<>();
    private long bytesSent;

    private static final class Conn {
        final SocketChannel channel;
        final ByteBuffer pending;
        final ByteBuffer in = ByteBuffer.allocate(512);
        boolean established;

        Conn(SocketChannel channel, byte[] head) {
            this.channel = channel;
            this.pending = ByteBuffer.wrap(head);
        }
    }

    /** @param token a valid token to send (the connections then wait for their body), or null for none */
    SlowClients(String host, int port, int target, String token) throws IOException {
        this.head = ("POST /topics/" + BenchEvent.TOPIC + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + "Content-Length: 100000\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
        this.address = new InetSocketAddress(host, port);
        this.target = target;
        this.selector = Selector.open();
        this.thread = new Thread(this::loop, "slow-clients");
        this.thread.setDaemon(true);
    }

    SlowClients start() {
        thread.start();
        return this;
    }

    private void loop() {
        try {
            for (int i = 0; i < target; i++) {
                open();
            }
            long nextByte = System.nanoTime() + 1_000_000_000L;
            long nextRefill = System.nanoTime() + 100_000_000L;
            while (running) {
                selector.select(50);
                for (SelectionKey key : selector.selectedKeys()) {
                    handle(key);
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                if (now >= nextRefill) {
                    nextRefill = now + 100_000_000L;
                    synchronized (this) {
                        int allowed = Math.max(1, target / 10);
                        while (allowed-- > 0 && !reopenQueue.isEmpty()) {
                            reopenQueue.poll();
                            open();
                        }
                    }
                }
                if (now >= nextByte) {
                    nextByte += 1_000_000_000L;
                    oneByteEach();
                    synchronized (this) {
                        samples.add(connected);
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("slow clients stopped: " + e);
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key);
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private void open() {
        try {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conn conn = new Conn(channel, head);
            if (channel.connect(address)) {
                established(channel.register(selector, SelectionKey.OP_READ, conn), conn);
            } else {
                channel.register(selector, SelectionKey.OP_CONNECT, conn);
            }
            synchronized (this) {
                opened++;
            }
        } catch (IOException e) {
            synchronized (this) {
                connectFailures++;
                reopenQueue.add(System.nanoTime());
            }
        }
    }

    private void established(SelectionKey key, Conn conn) throws IOException {
        conn.established = true;
        synchronized (this) {
            connected++;
        }
        conn.channel.write(conn.pending);
        key.interestOps(SelectionKey.OP_READ | (conn.pending.hasRemaining() ? SelectionKey.OP_WRITE : 0));
    }

    private void handle(SelectionKey key) {
        Conn conn = (Conn) key.attachment();
        try {
            if (key.isConnectable()) {
                if (conn.channel.finishConnect()) {
                    established(key, conn);
                }
                return;
            }
            if (key.isWritable()) {
                conn.channel.write(conn.pending);
                if (!conn.pending.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (key.isReadable()) {
                int n = conn.channel.read(conn.in);
                if (n < 0 || conn.in.position() >= 12 || !conn.in.hasRemaining()) {
                    String answer = statusOf(conn.in);
                    synchronized (this) {
                        if (answer == null) {
                            closedWithoutAnswer++;
                        } else {
                            answers.merge(answer, 1L, Long::sum);
                        }
                    }
                    replace(key, conn);
                }
            }
        } catch (IOException e) {
            synchronized (this) {
                if (conn.established) {
                    closedWithoutAnswer++;
                } else {
                    connectFailures++;
                }
            }
            replace(key, conn);
        }
    }

    private static String statusOf(ByteBuffer in) {
        String text = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
        return text.startsWith("HTTP/1.") && text.length() >= 12 ? text.substring(9, 12) : null;
    }

    private void oneByteEach() {
        ByteBuffer one = ByteBuffer.wrap(new byte[] {' '});
        for (SelectionKey key : new ArrayList<>(selector.keys())) {
            Conn conn = (Conn) key.attachment();
            if (!key.isValid() || !conn.established || conn.pending.hasRemaining()) {
                continue;
            }
            try {
                one.rewind();
                if (conn.channel.write(one) == 1) {
                    synchronized (this) {
                        bytesSent++;
                    }
                }
            } catch (IOException e) {
                synchronized (this) {
                    writeFailures++;
                }
                replace(key, conn);
            }
        }
    }

    private void replace(SelectionKey key, Conn conn) {
        closeQuietly(key);
        synchronized (this) {
            if (conn.established) {
                connected--;
            }
            if (running) {
                reopenQueue.add(System.nanoTime());
            }
        }
    }

    private static void closeQuietly(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // closing
        }
    }

    synchronized int connected() {
        return connected;
    }

    /** Connected count, sampled each second since the start. */
    synchronized List<Integer> connectedSamples() {
        return new ArrayList<>(samples);
    }

    /** Opened, answered (by status), closed without answer, connect and write failures, body bytes sent. */
    synchronized String summary() {
        return "opened " + opened + " (" + target + " at first, the rest to replace closed ones), answered "
                + (answers.isEmpty() ? "none" : answers.toString().replace("=", ": ")) + ", closed without an answer "
                + closedWithoutAnswer + ", connect failures " + connectFailures + ", write failures " + writeFailures
                + ", body bytes sent " + bytesSent;
    }

    synchronized Map<String, Long> answers() {
        return new TreeMap<>(answers);
    }

    synchronized long closedWithoutAnswer() {
        return closedWithoutAnswer;
    }

    synchronized long opened() {
        return opened;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(5000);
    }
}
