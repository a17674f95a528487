package io.eventgate.delivery;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory repository's expiry and bound, on a clock the test moves. */
class ExpiringMemoryRepositoryTest {

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final ExpiringMemoryRepository repository = new ExpiringMemoryRepository(3, 1000, nanos::get);

    @Test
    void aKeyIsKnownUntilItExpires() {
        assertTrue(repository.add("a"));
        assertFalse(repository.add("a"), "a key held is not added again");
        advanceMillis(999);
        assertTrue(repository.contains("a"));
        advanceMillis(1);
        assertFalse(repository.contains("a"));
        assertTrue(repository.add("a"), "an expired key is added anew");
        advanceMillis(999);
        assertTrue(repository.contains("a"), "and lives the whole expiry again");
    }

    @Test
    void theOldestKeyGoesFirstPastTheBound() {
        repository.add("a");
        advanceMillis(1);
        repository.add("b");
        repository.add("c");
        repository.add("d");
        assertEquals(3, repository.size());
        assertFalse(repository.contains("a"));
        assertTrue(repository.contains("b") && repository.contains("c") && repository.contains("d"));
    }

    @Test
    void expiredKeysAreDroppedAsNewOnesCome() {
        repository.add("a");
        repository.add("b");
        advanceMillis(1000);
        repository.add("c");
        assertEquals(1, repository.size(), "a and b expired and are gone");
    }

    @Test
    void removeAndClearForget() {
        repository.add("a");
        repository.add("b");
        assertTrue(repository.remove("a"));
        assertFalse(repository.contains("a"));
        repository.clear();
        assertFalse(repository.contains("b"));
    }

    private void advanceMillis(long millis) {
        nanos.addAndGet(millis * 1_000_000L);
    }
}
