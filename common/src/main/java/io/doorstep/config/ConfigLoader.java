package io.doorstep.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a configuration record from YAML: the reference defaults (a classpath resource listing every key), then
 * the operator's file, then {@code DOORSTEP_*} environment variables. Unknown keys and invalid values fail with a
 * message that names the key. Keys are kebab-case; record components camelCase; durations like {@code 30s}.
 */
public final class ConfigLoader {
    static final String ENV_PREFIX = "DOORSTEP_";
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    /** DOORSTEP_ variables that are not configuration keys: read by the logging configuration (logback.xml). */
    static final Set<String> NOT_CONFIGURATION = Set.of("DOORSTEP_LOG_LEVEL", "DOORSTEP_TEST_LOG_LEVEL");

    private ConfigLoader() {
    }

    /** Loads {@code defaults}, overlaid by {@code file} (may be null) and then by {@code env}, as a {@code type}. */
    public static <T> T load(Class<T> type, String defaults, Path file, Map<String, String> env) {
        ObjectMapper yaml = mapper();
        ObjectNode tree = read(yaml, defaults, null);
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("config file " + file + " does not exist");
            }
            merge(tree, read(yaml, null, file), "");
        }
        applyEnvironment(tree, env);
        return bind(yaml, tree, type);
    }

    /** Parses a duration such as 500ms, 30s, 5m, 2h, 1d. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 500ms, 30s, 5m, 2h)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static ObjectMapper mapper() {
        SimpleModule durations = new SimpleModule().addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return parseDuration(p.getValueAsString());
            }
        });
        return new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .registerModule(durations);
    }

    private static ObjectNode read(ObjectMapper yaml, String location, Path file) {
        try (InputStream in = file != null ? Files.newInputStream(file) : Resources.open(location)) {
            JsonNode node = yaml.readTree(in);
            if (node == null || node.isMissingNode() || node.isNull()) {
                return yaml.createObjectNode();
            }
            if (!node.isObject()) {
                throw new ConfigException((file != null ? file : location) + ": the top level must be a mapping");
            }
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new ConfigException("cannot read " + (file != null ? file : location) + ": " + e.getMessage(), e);
        }
    }

    private static void merge(ObjectNode into, ObjectNode from, String path) {
        Iterator<Map.Entry<String, JsonNode>> fields = from.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String key = path + f.getKey();
            JsonNode existing = into.get(f.getKey());
            if (existing == null) {
                throw new ConfigException(key + ": unknown configuration key");
            }
            if (existing.isObject() && existing.isEmpty()) { // a free-form map, e.g. static users
                into.set(f.getKey(), f.getValue());
            } else if (existing.isObject() && f.getValue().isObject()) {
                merge((ObjectNode) existing, (ObjectNode) f.getValue(), key + ".");
            } else {
                into.set(f.getKey(), f.getValue());
            }
        }
    }

    /** Maps DOORSTEP_A_B_C onto the leaf whose path, upper-cased with '.' and '-' as '_', is A_B_C. */
    private static void applyEnvironment(ObjectNode tree, Map<String, String> env) {
        List<String[]> leaves = new ArrayList<>();
        collectLeaves(tree, "", leaves);
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith(ENV_PREFIX) || NOT_CONFIGURATION.contains(e.getKey())) {
                continue;
            }
            String wanted = e.getKey().substring(ENV_PREFIX.length());
            String[] leaf = leaves.stream()
                    .filter(l -> envName(l[0]).equals(wanted))
                    .findFirst()
                    .orElseThrow(() -> new ConfigException(e.getKey() + ": no configuration key with that name"));
            set(tree, leaf[0], e.getValue());
        }
    }

    private static void collectLeaves(JsonNode node, String path, List<String[]> out) {
        node.fields().forEachRemaining(f -> {
            String key = path + f.getKey();
            if (f.getValue().isObject()) {
                collectLeaves(f.getValue(), key + ".", out);
            } else {
                out.add(new String[] {key});
            }
        });
    }

    /** The environment variable that overrides {@code key}, e.g. DOORSTEP_ROUTING_RING_TIMEOUT. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static void set(ObjectNode tree, String key, String value) {
        String[] parts = key.split("\\.");
        ObjectNode parent = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = (ObjectNode) parent.get(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (parent.get(last).isArray()) {
            ArrayNode array = parent.arrayNode();
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    array.add(item.trim());
                }
            }
            parent.set(last, array);
        } else {
            parent.set(last, TextNode.valueOf(value));
        }
    }

    private static <T> T bind(ObjectMapper yaml, ObjectNode tree, Class<T> type) {
        try {
            return yaml.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(path(e) + ": unknown configuration key");
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause();
            throw new ConfigException(cause instanceof ConfigException ? cause.getMessage()
                    : path(e) + ": " + (cause != null ? cause.getMessage() : e.getOriginalMessage()));
        } catch (IOException e) {
            String why = e.getCause() != null ? e.getCause().getMessage()
                    : e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getOriginalMessage()
                    : e.getMessage();
            throw new ConfigException(path(e) + ": invalid value: " + why);
        }
    }

    private static String path(IOException e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException jme) {
            return jme.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> a + "." + b).orElse("(top level)");
        }
        return "(config)";
    }
}
