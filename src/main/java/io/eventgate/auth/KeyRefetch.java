package io.eventgate.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Fetches the token provider's keys again when a token names a {@code kid} that the keys in use
 * lack: the provider has rotated its key, and the gateway should not refuse every new token until
 * the next reload. Anyone can send a token with a made-up {@code kid}, so refetches are
 * rate-limited: at most one starts per interval ({@code token_refetch_seconds}), and requests that
 * ask while one is under way share it. Others get the last refetch's outcome at once, so that a
 * token with a made-up {@code kid} is refused with the keys in use.
 *
 * <p>A fetch runs on a thread of its own, never on the caller's (the HTTP front door's event loop),
 * within the same limits as the fetch at load ({@code token_fetch_*}). A fetch that fails, a key
 * server that is down, keeps the keys in use and logs one WARN line.
 */
public final class KeyRefetch {

    /** The default shortest time between two refetches. */
    public static final long DEFAULT_INTERVAL_SECONDS = 60;

    private static final Logger LOG = LoggerFactory.getLogger(KeyRefetch.class);

    /** One daemon thread for every verifier: refetches are rare by design. */
    private static final class Worker {
        static final ExecutorService THREAD = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "eventgate-key-refetch");
            thread.setDaemon(true);
            return thread;
        });
    }

    private final Supplier<List<PublicKeyLoader.Key>> fetch;
    private final long intervalNanos;
    /** {@link System#nanoTime()} before which no new refetch starts; the first one may start at once. */
    private long notBefore;
    /** The refetch under way, if any, and the last one started (under way or over); guarded by this. */
    private CompletableFuture<Fetched> inFlight;
    private CompletableFuture<Fetched> last;
    private final AtomicLong fetches = new AtomicLong();

    /**
     * @param fetch           loads the keys, as at start; throws when it cannot
     * @param intervalSeconds at most one refetch starts per this many seconds; 0 or less: never
     */
    public KeyRefetch(Supplier<List<PublicKeyLoader.Key>> fetch, long intervalSeconds) {
        this.fetch = fetch;
        this.intervalNanos = intervalSeconds <= 0 ? -1 : intervalSeconds * 1_000_000_000L;
    }

    /**
     * The refetch under way, or a new one if the rate allows it now, or else the last one (over,
     * so that a caller that checked its token just before it swapped the keys in still sees them);
     * null when no refetch has ever run and none may start. The future gives the fetched keys (null
     * when the fetch failed: the keys in use then stay) with the refetch's sequence number, 1 for the
     * first, so that keys of an older refetch never replace those of a newer one.
     *
     * <p>Synchronized: between two callers that come at once, exactly one starts the fetch and the
     * other shares it. Nothing in here waits; the fetch itself runs on the worker thread.
     */
    synchronized CompletableFuture<Fetched> start() {
        if (intervalNanos < 0) {
            return null;
        }
        if (inFlight != null) {
            return inFlight;
        }
        long now = System.nanoTime();
        if (last != null && now - notBefore < 0) {
            return last;
        }
        notBefore = now + intervalNanos;
        CompletableFuture<Fetched> mine = new CompletableFuture<>();
        inFlight = mine;
        last = mine;
        long sequence = fetches.incrementAndGet();
        Worker.THREAD.execute(() -> {
            List<PublicKeyLoader.Key> keys = null;
            try {
                keys = fetch.get();
            } catch (RuntimeException e) {
                LOG.warn("A token named a key id that the keys lack, and the keys could not be fetched again;"
                        + " the keys in use stay: {}", e.getMessage());
            } finally {
                synchronized (this) {
                    inFlight = null;
                }
                mine.complete(new Fetched(sequence, keys));
            }
        });
        return mine;
    }

    /** A refetch's outcome: its sequence number (1, 2, ...) and the keys, null when the fetch failed. */
    record Fetched(long sequence, List<PublicKeyLoader.Key> keys) {
    }

    /** How many refetches have started (tests). */
    long fetches() {
        return fetches.get();
    }
}
