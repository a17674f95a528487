package io.eventgate.bench;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A closed-loop HTTP load: {@code clients} threads, each with its own keep-alive connection, each
 * sending the request again as soon as the previous answer is in (no think time), each time with new
 * event ids ({@link FreshIds}: every thread patches its own copy of the request).
 *
 * <p>Timeline, all {@link System#nanoTime()}: the threads start at once (warm-up), send no new
 * request from {@code measureTo} on, and at {@code hardStop} (at or after {@code measureTo}) the
 * connections still waiting for an answer are closed. Throughput counts the answers with status
 * {@code okStatus} that arrived in {@code [measureFrom, measureTo)}. Latency covers every request
 * in flight at some time in that window (started before {@code measureTo}, ended or given up at or
 * after {@code measureFrom}; so a request stuck since the warm-up is not lost): answered ones (any
 * status) in {@link Result#answered}, and those without an answer (read timeout, or still waiting at
 * {@code hardStop}) in {@link Result#unanswered} with the time they waited. A connection error is
 * counted, the connection replaced, and the request not retried.
 */
final class HttpLoad {

    /** Sees every request, warm-up included. {@code status} is -1 when there was no answer. */
    interface Listener {
        void onRequest(long startNanos, long endNanos, int status, byte[] body, String error);
    }

    record Result(int clients, double seconds, long ok, Latencies answered, Latencies unanswered,
                  Map<Integer, Long> statuses, Map<String, Long> errors) {

        double perSecond() {
            return ok / seconds;
        }

        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Answers with a status other than {@code okStatus}, among the requests of the window. */
        long others(int okStatus) {
            return statuses.entrySet().stream().filter(e -> e.getKey() != okStatus)
                    .mapToLong(Map.Entry::getValue).sum();
        }

        /** Answers other than {@code okStatus} and errors, e.g. "3x500, 2x timeout 30000 ms"; "" when none. */
        String othersSummary(int okStatus) {
            StringBuilder s = new StringBuilder();
            statuses.forEach((status, n) -> {
                if (status != okStatus) {
                    s.append(s.length() == 0 ? "" : ", ").append(n).append("x").append(status);
                }
            });
            errors.forEach((kind, n) -> s.append(s.length() == 0 ? "" : ", ").append(n).append("x ").append(kind));
            return s.toString();
        }
    }

    private final String host;
    private final int port;
    private final byte[] request;
    private final int okStatus;
    private final int clients;
    private final int timeoutMillis;
    private final Listener listener;
    private final List<Worker> workers = new ArrayList<>();
    private long measureFrom;
    private long measureTo;
    private long hardStop;
    private volatile boolean cutting;

    HttpLoad(String host, int port, byte[] request, int okStatus, int clients, int timeoutMillis, Listener listener) {
        this.host = host;
        this.port = port;
        this.request = request;
        this.okStatus = okStatus;
        this.clients = clients;
        this.timeoutMillis = timeoutMillis;
        this.listener = listener;
    }

    /** Starts the client threads; see the class comment for the three instants. */
    HttpLoad start(long measureFrom, long measureTo, long hardStop) {
        this.measureFrom = measureFrom;
        this.measureTo = measureTo;
        this.hardStop = Math.max(hardStop, measureTo);
        for (int i = 0; i < clients; i++) {
            Worker worker = new Worker();
            Thread thread = new Thread(worker, "load-" + i);
            thread.setDaemon(true);
            worker.thread = thread;
            workers.add(worker);
            thread.start();
        }
        return this;
    }

    /** Waits for the end (closing what is still waiting at {@code hardStop}) and merges the figures. */
    Result await() throws InterruptedException {
        for (Worker worker : workers) {
            long left = hardStop - System.nanoTime();
            if (left > 0) {
                worker.thread.join(Math.max(1, left / 1_000_000));
            }
        }
        cutting = true;
        for (Worker worker : workers) {
            HttpConnection connection = worker.connection;
            if (connection != null) {
                connection.close();
            }
        }
        for (Worker worker : workers) {
            worker.thread.join();
        }
        Latencies answered = new Latencies();
        Latencies unanswered = new Latencies();
        Map<Integer, Long> statuses = new TreeMap<>();
        Map<String, Long> errors = new TreeMap<>();
        long ok = 0;
        for (Worker worker : workers) {
            answered.addAll(worker.answered);
            unanswered.addAll(worker.unanswered);
            ok += worker.ok;
            for (int s = 0; s < worker.statuses.length; s++) {
                if (worker.statuses[s] > 0) {
                    statuses.merge(s, worker.statuses[s], Long::sum);
                }
            }
            worker.errors.forEach((kind, n) -> errors.merge(kind, n, Long::sum));
        }
        return new Result(clients, (measureTo - measureFrom) / 1e9, ok, answered, unanswered, statuses, errors);
    }

    private final class Worker implements Runnable {
        Thread thread;
        volatile HttpConnection connection;
        final Latencies answered = new Latencies();
        final Latencies unanswered = new Latencies();
        final long[] statuses = new long[600];
        final Map<String, Long> errors = new TreeMap<>();
        final FreshIds ids = new FreshIds(request);
        long ok;

        @Override
        public void run() {
            while (System.nanoTime() < measureTo && !cutting) {
                if (connection == null) {
                    try {
                        connection = new HttpConnection(host, port, timeoutMillis);
                    } catch (IOException e) {
                        long now = System.nanoTime();
                        if (now >= measureFrom && now < measureTo) {
                            errors.merge("connect " + e.getClass().getSimpleName(), 1L, Long::sum);
                        }
                        LockSupport.parkNanos(10_000_000);
                        continue;
                    }
                }
                long start = System.nanoTime();
                try {
                    HttpConnection.Response response = connection.exchange(ids.next());
                    long end = System.nanoTime();
                    if (response.status() == okStatus && end >= measureFrom && end < measureTo) {
                        ok++;
                    }
                    if (end >= measureFrom) {
                        answered.add(end - start);
                        statuses[Math.min(response.status(), statuses.length - 1)]++;
                    }
                    if (listener != null) {
                        listener.onRequest(start, end, response.status(), response.body(), null);
                    }
                    if (response.close()) {
                        drop();
                    }
                } catch (IOException | RuntimeException e) {
                    long end = System.nanoTime();
                    boolean waited = cutting || e instanceof SocketTimeoutException;
                    String kind = cutting ? "no answer by the end" : e instanceof SocketTimeoutException
                            ? "timeout " + timeoutMillis + " ms" : e.getClass().getSimpleName();
                    if (end >= measureFrom) {
                        if (waited) {
                            unanswered.add(end - start);
                        }
                        errors.merge(kind, 1L, Long::sum);
                    }
                    if (listener != null) {
                        listener.onRequest(start, end, -1, null, kind);
                    }
                    drop();
                }
            }
            drop();
        }

        private void drop() {
            HttpConnection c = connection;
            connection = null;
            if (c != null) {
                c.close();
            }
        }
    }
}
