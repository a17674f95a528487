package io.eventgate.topics;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Walks a parsed event, every key and every value at any depth, in document order, and names what
 * a check finds wrong by its location as a JSON pointer (RFC 6901), as the schema errors do.
 */
public final class EventTree {

    /** At most this many faults are reported for one event. */
    public static final int MAX_PROBLEMS = 10;

    /** A fault at one location: {@code pointer} ({@code /jobs/0/status}; {@code /} the event itself) and why. */
    public record Problem(String pointer, String reason) {

        /** {@code <pointer>: <reason>}, the form of a validation error's message. */
        public String message() {
            return pointer + ": " + reason;
        }
    }

    /** What to look at. A method answers the reason of a fault, or null when there is none. */
    public interface Check {

        /** A string, number, boolean or null (never an object or array). */
        String scalar(JsonNode value);

        /** An object's key; the fault is reported at that member's location. */
        default String key(String key) {
            return null;
        }
    }

    private EventTree() {
    }

    /** The faults that {@code check} finds in {@code event}, in document order, at most {@link #MAX_PROBLEMS}. */
    public static List<Problem> problems(JsonNode event, Check check) {
        List<Problem> found = new ArrayList<>();
        walk(event, new ArrayList<>(), check, found);
        return found;
    }

    private static void walk(JsonNode node, List<String> path, Check check, List<Problem> found) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext() && found.size() < MAX_PROBLEMS; ) {
                Map.Entry<String, JsonNode> member = it.next();
                path.add(member.getKey());
                report(check.key(member.getKey()), path, found);
                walk(member.getValue(), path, check, found);
                path.remove(path.size() - 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size() && found.size() < MAX_PROBLEMS; i++) {
                path.add(Integer.toString(i));
                walk(node.get(i), path, check, found);
                path.remove(path.size() - 1);
            }
        } else {
            report(check.scalar(node), path, found);
        }
    }

    private static void report(String reason, List<String> path, List<Problem> found) {
        if (reason != null && found.size() < MAX_PROBLEMS) {
            found.add(new Problem(pointer(path), reason));
        }
    }

    /** The JSON pointer of a path of keys and indexes; {@code /} for the empty path. */
    public static String pointer(List<String> path) {
        if (path.isEmpty()) {
            return "/";
        }
        StringBuilder pointer = new StringBuilder();
        for (String token : path) {
            pointer.append('/').append(token.replace("~", "~0").replace("/", "~1"));
        }
        return pointer.toString();
    }

    /**
     * Where {@code text} holds a UTF-16 surrogate without its partner (a JSON escape such as
     * {@code \u005Cud800} decodes to one), or -1. Such a string is not Unicode text.
     */
    public static int unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
