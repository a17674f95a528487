package io.eventgate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A failure and its causes, outermost first, each once. A cause chain can loop back (A caused by B
 * caused by A, which {@link Throwable#initCause} allows), and code that explains a failure must never
 * spin on one; a chain is also cut at {@link #MAX_DEPTH}.
 */
public final class Causes {

    /** No chain that explains anything is longer; a longer one is cut here. */
    public static final int MAX_DEPTH = 64;

    private Causes() {
    }

    /** {@code failure} and its causes, outermost first, each once; empty for null. */
    public static List<Throwable> of(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && chain.size() < MAX_DEPTH && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** The innermost cause of {@code failure} (itself when it has none); null for null. */
    public static Throwable root(Throwable failure) {
        List<Throwable> chain = of(failure);
        return chain.isEmpty() ? null : chain.get(chain.size() - 1);
    }
}
