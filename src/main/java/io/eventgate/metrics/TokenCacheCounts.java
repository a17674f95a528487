package io.eventgate.metrics;

import io.eventgate.auth.TokenVerifier;
import io.eventgate.config.ConfigHolder;

/**
 * The token cache's hits and misses since start, across reloads. Each reload makes a new
 * {@link TokenVerifier} whose counts start at zero; what the one before it counted is kept here when
 * the swap is first seen (at a scrape), so the totals only grow. Lookups that the old verifier still
 * serves after that moment (requests in flight during a reload) are not counted.
 */
final class TokenCacheCounts {

    private final ConfigHolder config;
    private TokenVerifier current;
    private long retiredHits;
    private long retiredMisses;

    TokenCacheCounts(ConfigHolder config) {
        this.config = config;
    }

    synchronized double hits() {
        roll();
        return retiredHits + current.cacheHits();
    }

    synchronized double misses() {
        roll();
        return retiredMisses + current.cacheMisses();
    }

    private void roll() {
        TokenVerifier now = config.current().verifier();
        if (now != current) {
            if (current != null) {
                retiredHits += current.cacheHits();
                retiredMisses += current.cacheMisses();
            }
            current = now;
        }
    }
}
