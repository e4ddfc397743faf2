package dev.quayside.configsyncer.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.quayside.configsyncer.policy.YamlAliases;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * git2consul's {@code expand_keys}: a JSON or YAML object becomes one key per leaf below the file's key (nested objects
 * are further segments, arrays stay whole as JSON text, each segment URI-encoded); a properties file becomes one key
 * per property, with {@code ${var}} replaced from the file itself or the common properties.
 */
public final class KvExpander {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    private KvExpander() {
    }

    /** True when {@code path} is a kind of file expand_keys expands. */
    static boolean expandable(String path) {
        String lower = path.toLowerCase();
        return lower.endsWith(".json") || lower.endsWith(".yaml") || lower.endsWith(".yml")
                || lower.endsWith(".properties");
    }

    /**
     * The leaves of one file below {@code fileKey}.
     *
     * @throws IllegalArgumentException when the file does not parse as its kind (git2consul then stores it whole)
     */
    public static Map<String, String> expand(String fileKey, String path, byte[] content, Properties common) {
        String lower = path.toLowerCase();
        Map<String, String> out = new LinkedHashMap<>();
        if (lower.endsWith(".properties")) {
            Properties own = new Properties();
            try {
                own.load(new StringReader(new String(content, StandardCharsets.UTF_8)));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("not a properties file: " + e.getMessage());
            }
            for (String name : own.stringPropertyNames()) {
                out.put(fileKey + "/" + encode(unicode(name)), unicode(substitute(own.getProperty(name), own, common)));
            }
            return sorted(out);
        }
        JsonNode root;
        try {
            if (!lower.endsWith(".json")) {
                Optional<String> alias = YamlAliases.first(content);
                if (alias.isPresent()) {
                    throw new IllegalArgumentException("YAML aliases are not supported (" + alias.get() + ")");
                }
            }
            root = (lower.endsWith(".json") ? JSON : YAML).readTree(content);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid " + (lower.endsWith(".json") ? "JSON" : "YAML") + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("top level is not an object");
        }
        leaves(fileKey, root, out);
        return out;
    }

    private static void leaves(String prefix, JsonNode node, Map<String, String> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix + "/" + encode(unicode(field.getKey()));
            JsonNode value = field.getValue();
            if (value.isObject()) {
                leaves(key, value, out);
            } else if (value.isArray()) {
                out.put(key, unicode(value.toString()));
            } else {
                out.put(key, value.isNull() ? "null" : unicode(value.asText()));
            }
        }
    }

    /**
     * {@code text} when it is valid Unicode; a lone surrogate ({@code "\\ud800"} is valid JSON) has no UTF-8 form and
     * would be stored as {@code ?}, so that {@code "\\ud800"} and {@code "?"} became the same key.
     */
    private static String unicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(String.format("a lone surrogate U+%04X is not valid Unicode",
                        (int) c));
            }
        }
        return text;
    }

    private static String substitute(String value, Properties own, Properties common) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = own.getProperty(name, common == null ? null : common.getProperty(name));
            m.appendReplacement(b, Matcher.quoteReplacement(replacement == null ? m.group() : replacement));
        }
        m.appendTail(b);
        return b.toString();
    }

    private static Map<String, String> sorted(Map<String, String> map) {
        Map<String, String> out = new LinkedHashMap<>();
        map.keySet().stream().sorted().forEach(k -> out.put(k, map.get(k)));
        return out;
    }

    /** JavaScript's {@code encodeURIComponent}, as git2consul applies it to expanded key segments. */
    static String encode(String segment) {
        StringBuilder b = new StringBuilder();
        for (byte raw : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = raw & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-_.!~*'()".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }
}
