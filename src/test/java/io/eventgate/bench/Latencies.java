package io.eventgate.bench;

import java.util.Arrays;

/**
 * Latencies in nanoseconds: a growable array, one per thread while recording, merged and sorted
 * for the report. Percentiles are nearest-rank (p99 of 1,000 values is the 990th smallest).
 */
final class Latencies {

    private long[] values = new long[1024];
    private int size;
    private boolean sorted;

    void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
        sorted = false;
    }

    void addAll(Latencies other) {
        for (int i = 0; i < other.size; i++) {
            add(other.values[i]);
        }
    }

    int count() {
        return size;
    }

    /** Nearest-rank percentile in nanoseconds, -1 when empty. */
    long percentile(double p) {
        if (size == 0) {
            return -1;
        }
        sort();
        int rank = (int) Math.ceil(p / 100.0 * size);
        return values[Math.max(0, Math.min(size, rank) - 1)];
    }

    long max() {
        if (size == 0) {
            return -1;
        }
        sort();
        return values[size - 1];
    }

    private void sort() {
        if (!sorted) {
            Arrays.sort(values, 0, size);
            sorted = true;
        }
    }

    /** Milliseconds with two decimals, "-" when there is no value. */
    static String ms(long nanos) {
        return nanos < 0 ? "-" : String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e6);
    }
}
