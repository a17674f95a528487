package io.eventgate.delivery;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * An in-memory {@link IdempotentRepository} whose keys expire, and which holds at most
 * {@code maxEntries} keys: past that, the oldest one goes first.
 *
 * <p>Why not Camel's {@code MemoryIdempotentRepository}: it bounds the number of keys but never
 * forgets one by age, and camel-caffeine (whose repository expires keys) is not among the
 * dependencies EventGate may use. Every key lives equally long, so the keys in insertion order are
 * also in expiry order: the expired ones are always at the head, and dropping them is O(1) per key.
 *
 * <p>An entry takes about 170 bytes of heap for a key of 55 characters (the map node, the key string,
 * the boxed deadline; 168 bytes measured for 100,000 keys {@code <topic>/<uuid>}), so the default
 * bound of 20,000 keys per sink is about 3.4 MB per sink.
 */
public final class ExpiringMemoryRepository extends ServiceSupport implements IdempotentRepository {

    private final int maxEntries;
    private final long ttlNanos;
    private final LongSupplier clock;
    /** Key to its deadline ({@link System#nanoTime()} scale), in insertion order. */
    private final LinkedHashMap<String, Long> keys = new LinkedHashMap<>();

    public ExpiringMemoryRepository(int maxEntries, long ttlMillis) {
        this(maxEntries, ttlMillis, System::nanoTime);
    }

    ExpiringMemoryRepository(int maxEntries, long ttlMillis, LongSupplier clock) {
        if (maxEntries < 1 || ttlMillis < 1) {
            throw new IllegalArgumentException("maxEntries and ttlMillis must be positive");
        }
        this.maxEntries = maxEntries;
        this.ttlNanos = ttlMillis * 1_000_000L;
        this.clock = clock;
    }

    @Override
    public synchronized boolean add(String key) {
        long now = clock.getAsLong();
        dropExpired(now);
        if (keys.containsKey(key)) {
            return false;
        }
        keys.put(key, now + ttlNanos);
        if (keys.size() > maxEntries) {
            Iterator<String> oldest = keys.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    @Override
    public synchronized boolean contains(String key) {
        Long deadline = keys.get(key);
        return deadline != null && deadline - clock.getAsLong() > 0;
    }

    @Override
    public synchronized boolean remove(String key) {
        return keys.remove(key) != null;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public synchronized void clear() {
        keys.clear();
    }

    /** Keys held now, expired ones that were not yet dropped included. */
    public synchronized int size() {
        return keys.size();
    }

    private void dropExpired(long now) {
        Iterator<Map.Entry<String, Long>> it = keys.entrySet().iterator();
        while (it.hasNext() && it.next().getValue() - now <= 0) {
            it.remove();
        }
    }

    @Override
    protected void doStop() {
        clear();
    }
}
