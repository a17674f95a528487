package io.eventgate.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One load client's own copy of a request, with a new {@code event_id} in every event of it for each
 * send. Retry-safe delivery answers an id that every sink already has with 202 at once, writing
 * nothing, so a benchmark that sent one id again and again would measure no sink. The bench event's
 * id ends in a fixed-width slot of {@value #WIDTH} digits ({@link BenchEvent#EVENT_ID}); each send
 * writes the next numbers into the slots in place, so the request keeps its size (and each event
 * exactly {@link BenchEvent#SIZE} bytes) and no bytes are copied. A request without the id (a
 * {@code GET}) is sent as it is.
 */
final class FreshIds {

    static final int WIDTH = 16;
    /** Numbers per copy: a copy's ids never meet another's (10^16 / 10^10 = a million copies per JVM). */
    private static final long PER_COPY = 10_000_000_000L;
    private static final AtomicLong COPIES = new AtomicLong();

    private final byte[] request;
    private final int[] slots;
    private long next;

    FreshIds(byte[] template) {
        this.request = template.clone();
        this.slots = slots(request);
        this.next = COPIES.incrementAndGet() * PER_COPY;
    }

    /** The request with new ids (the same array each time: send it before the next call). */
    byte[] next() {
        for (int slot : slots) {
            long n = next++;
            for (int i = slot + WIDTH - 1; i >= slot; i--) {
                request[i] = (byte) ('0' + n % 10);
                n /= 10;
            }
        }
        return request;
    }

    /** How many ids each send carries. */
    int idsPerSend() {
        return slots.length;
    }

    /** The offsets of every slot: the last {@value #WIDTH} bytes of each {@link BenchEvent#EVENT_ID} in the request. */
    private static int[] slots(byte[] request) {
        byte[] id = BenchEvent.EVENT_ID.getBytes(StandardCharsets.US_ASCII);
        int[] found = new int[8];
        int count = 0;
        for (int i = 0; i + id.length <= request.length; i++) {
            if (request[i] == id[0] && Arrays.equals(request, i, i + id.length, id, 0, id.length)) {
                if (count == found.length) {
                    found = Arrays.copyOf(found, count * 2);
                }
                found[count++] = i + id.length - WIDTH;
                i += id.length - 1;
            }
        }
        return Arrays.copyOf(found, count);
    }
}
