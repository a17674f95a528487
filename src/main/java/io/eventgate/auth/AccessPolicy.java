package io.eventgate.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.eventgate.config.ConfigException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Who may write which topic, from {@code access.json}. Two forms are accepted per topic:
 * a list of users ({@code ["FooUser", "BarUser"]}), or an object of user to field constraints
 * ({@code {"RestrictedUser": {"source_app": ["restricted-.*"]}}}, where {@code {}} means no constraint).
 * Users match case-insensitively; constraint patterns are compiled once and must match a field's
 * whole value. Patterns are RE2 (RE2/J): matching takes time linear in the value's length whatever
 * the pattern, so no value can hold a worker; backreferences and lookaround are refused at load.
 */
public final class AccessPolicy {

    /** What an access check concluded. */
    public enum Decision { ALLOWED, NOT_LISTED, FIELD_REJECTED }

    /** The outcome, with the reason a field was rejected. */
    public record Verdict(Decision decision, String reason) {
        static final Verdict ALLOWED = new Verdict(Decision.ALLOWED, null);
    }

    private final Map<String, Map<String, Map<String, List<Pattern>>>> topics;

    private AccessPolicy(Map<String, Map<String, Map<String, List<Pattern>>>> topics) {
        this.topics = topics;
    }

    public static AccessPolicy parse(String source, JsonNode root) {
        if (!root.isObject()) {
            throw new ConfigException(source + ": expected an object of topic -> users");
        }
        Map<String, Map<String, Map<String, List<Pattern>>>> topics = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> topic = it.next();
            String where = source + ": topic '" + topic.getKey() + "'";
            Map<String, Map<String, List<Pattern>>> users = new HashMap<>();
            JsonNode entry = topic.getValue();
            if (entry.isArray()) {
                for (JsonNode user : entry) {
                    if (!user.isTextual()) {
                        throw new ConfigException(where + ": users must be strings");
                    }
                    users.put(normalise(user.asText()), Map.of());
                }
            } else if (entry.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> u = entry.fields(); u.hasNext(); ) {
                    Map.Entry<String, JsonNode> user = u.next();
                    users.put(normalise(user.getKey()), constraints(where + ", user '" + user.getKey() + "'", user.getValue()));
                }
            } else {
                throw new ConfigException(where + ": expected a list of users or an object of user -> field constraints");
            }
            topics.put(topic.getKey().toLowerCase(Locale.ROOT), users);
        }
        return new AccessPolicy(topics);
    }

    private static Map<String, List<Pattern>> constraints(String where, JsonNode node) {
        if (!node.isObject()) {
            throw new ConfigException(where + ": expected an object of field -> [regex, ...]");
        }
        Map<String, List<Pattern>> fields = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> f = node.fields(); f.hasNext(); ) {
            Map.Entry<String, JsonNode> field = f.next();
            if (!field.getValue().isArray() || field.getValue().isEmpty()) {
                throw new ConfigException(where + ", field '" + field.getKey() + "': expected a non-empty list of patterns");
            }
            List<Pattern> patterns = new ArrayList<>();
            for (JsonNode regex : field.getValue()) {
                try {
                    patterns.add(Pattern.compile(regex.asText()));
                } catch (PatternSyntaxException e) {
                    throw new ConfigException(where + ", field '" + field.getKey() + "': bad pattern '"
                            + regex.asText() + "': " + e.getDescription());
                }
            }
            fields.put(field.getKey(), List.copyOf(patterns));
        }
        return Map.copyOf(fields);
    }

    private static String normalise(String user) {
        return user.toLowerCase(Locale.ROOT);
    }

    /** Whether {@code subject} is listed for {@code topic} at all (fields not yet considered). */
    public boolean isListed(String topic, String subject) {
        return subject != null && users(topic).containsKey(normalise(subject));
    }

    /** Whether the user's entry constrains any field, so the body must be read to decide. */
    public boolean hasFieldConstraints(String topic, String subject) {
        return isListed(topic, subject) && !users(topic).get(normalise(subject)).isEmpty();
    }

    /** Checks the subject and then each constrained field of the event. */
    public Verdict check(String topic, String subject, JsonNode event) {
        if (!isListed(topic, subject)) {
            return new Verdict(Decision.NOT_LISTED, null);
        }
        for (Map.Entry<String, List<Pattern>> field : users(topic).get(normalise(subject)).entrySet()) {
            JsonNode value = event.get(field.getKey());
            if (value == null || value.isNull() || value.isContainerNode()) {
                return new Verdict(Decision.FIELD_REJECTED, "field '" + field.getKey() + "' is required for this user");
            }
            String text = value.asText();
            if (field.getValue().stream().noneMatch(p -> p.matcher(text).matches())) {
                return new Verdict(Decision.FIELD_REJECTED, "field '" + field.getKey() + "' value is not permitted for this user");
            }
        }
        return Verdict.ALLOWED;
    }

    private Map<String, Map<String, List<Pattern>>> users(String topic) {
        return topics.getOrDefault(topic, Map.of());
    }
}
