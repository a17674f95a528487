package io.eventgate.bench;

import java.nio.charset.StandardCharsets;

/**
 * The event every request-path benchmark sends: one JSON object of exactly {@link #SIZE} bytes that
 * is valid for {@code public.cps.za.test} ({@code conf/topic_schemas/test.json}), padded with an
 * {@code additional_info} object. Its {@code event_id} is the Kafka key that
 * {@code conf/topic_keys.json} names for the topic, so the bare producer sends the same record.
 */
final class BenchEvent {

    static final String TOPIC = "public.cps.za.test";
    /**
     * The template id: a prefix new for each JVM, then a slot of {@value FreshIds#WIDTH} digits that
     * {@link FreshIds} fills with a new number for every send (retry-safe delivery would make a
     * repeated id a no-op 202). Its length is fixed, so the event stays {@link #SIZE} bytes.
     */
    static final String EVENT_ID = "bench-" + Long.toHexString(System.nanoTime() & 0xffffffffL | 0x100000000L).substring(1)
            + "-" + "0".repeat(FreshIds.WIDTH);
    static final int SIZE = 1024;

    private static final String HEAD = "{\"event_id\":\"" + EVENT_ID + "\",\"tenant_id\":\"BNCH\","
            + "\"source_app\":\"eventgate-bench\",\"environment\":\"dev\",\"timestamp\":1732000000000,"
            + "\"additional_info\":{\"run\":\"issue12\",\"step\":\"publish\",\"attempt\":1,"
            + "\"tags\":[\"load\",\"bench\"],\"note\":\"";
    private static final String TAIL = "\"}}";

    private BenchEvent() {
    }

    /** The event as text. */
    static String json() {
        int pad = SIZE - HEAD.length() - TAIL.length();
        StringBuilder note = new StringBuilder(pad);
        String words = "the quick brown fox jumps over the lazy dog ";
        while (note.length() < pad) {
            note.append(words, 0, Math.min(words.length(), pad - note.length()));
        }
        String json = HEAD + note + TAIL;
        if (json.getBytes(StandardCharsets.UTF_8).length != SIZE) {
            throw new IllegalStateException("bench event is " + json.length() + " bytes");
        }
        return json;
    }

    static byte[] bytes() {
        return json().getBytes(StandardCharsets.UTF_8);
    }

    /** A complete keep-alive {@code POST /topics/public.cps.za.test} request with the event. */
    static byte[] publishRequest(String token) {
        return postRequest("/topics/" + TOPIC, token, bytes());
    }

    /** A complete keep-alive JSON {@code POST} of {@code body} to {@code path} with the token. */
    static byte[] postRequest(String path, String token, byte[] body) {
        String head = "POST " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Authorization: Bearer " + token + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    /** A keep-alive {@code GET} of {@code path}. */
    static byte[] getRequest(String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
