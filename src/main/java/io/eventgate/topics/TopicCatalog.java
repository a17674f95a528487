package io.eventgate.topics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import io.eventgate.config.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The topics EventGate accepts, each with its JSON Schema, read from the schema folder.
 *
 * <p>Naming rule: a file {@code <name>.json} defines the topic {@code <name>} when the name holds a
 * dot (for example {@code public.cps.za.runs.json}), and otherwise the topic
 * {@code <topic_prefix><name>} (so {@code runs.json} with the default prefix {@code public.cps.za.}
 * is {@code public.cps.za.runs}). Topic names are lower case. Each schema is compiled once, here.
 */
public final class TopicCatalog {

    public static final String DEFAULT_PREFIX = "public.cps.za.";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaValidatorsConfig VALIDATOR_CONFIG =
            SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();

    /** One topic: its schema as published, and compiled for validation. */
    public record Topic(String name, String schemaJson, JsonSchema schema) {
    }

    private final Map<String, Topic> topics;

    private TopicCatalog(Map<String, Topic> topics) {
        this.topics = Collections.unmodifiableMap(topics);
    }

    public static TopicCatalog load(Path folder, String prefix) {
        if (!Files.isDirectory(folder)) {
            throw new ConfigException(folder + ": topic schema folder not found");
        }
        Map<String, Topic> topics = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                Topic topic = compile(file, topicName(file, prefix));
                if (topics.put(topic.name(), topic) != null) {
                    throw new ConfigException(file + ": a second schema for topic '" + topic.name() + "'");
                }
            }
        } catch (IOException e) {
            throw new ConfigException(folder + ": cannot list topic schemas: " + e.getMessage(), e);
        }
        if (topics.isEmpty()) {
            throw new ConfigException(folder + ": no topic schemas (*.json) found");
        }
        return new TopicCatalog(topics);
    }

    static String topicName(Path file, String prefix) {
        String name = file.getFileName().toString();
        name = name.substring(0, name.length() - ".json".length()).toLowerCase(Locale.ROOT);
        return name.contains(".") ? name : prefix.toLowerCase(Locale.ROOT) + name;
    }

    private static Topic compile(Path file, String name) {
        String text;
        JsonNode node;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (!node.isObject()) {
            throw new ConfigException(file + ": a JSON Schema must be an object");
        }
        try {
            SpecVersion.VersionFlag version = SpecVersionDetector.detectOptionalVersion(node, false)
                    .orElse(SpecVersion.VersionFlag.V7);
            JsonSchema schema = JsonSchemaFactory.getInstance(version).getSchema(node, VALIDATOR_CONFIG);
            schema.initializeValidators();
            return new Topic(name, JSON.writeValueAsString(node), schema);
        } catch (RuntimeException | JsonProcessingException e) {
            throw new ConfigException(file + ": not a usable JSON Schema: " + e.getMessage(), e);
        }
    }

    /** Topic names, sorted. */
    public List<String> names() {
        return List.copyOf(topics.keySet());
    }

    public Optional<Topic> find(String name) {
        return Optional.ofNullable(topics.get(name));
    }
}
