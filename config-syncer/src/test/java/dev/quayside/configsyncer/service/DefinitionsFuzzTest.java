package dev.quayside.configsyncer.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.configsyncer.mirror.KeyLayout;
import dev.quayside.configsyncer.mirror.KvExpander;
import dev.quayside.configsyncer.mirror.SyncRecord;
import dev.quayside.configsyncer.writeback.ImageEditor;
import dev.quayside.configsyncer.writeback.PinnedSource;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The definitions anyone with push access to the config repository writes: thousands of generated JSON (and YAML and
 * properties) files through the KV expander, config-syncer's own KV records and the image editor. Each either gives
 * output that keeps the rules or a clear refusal; never another exception, never a silent change. Seeded, so a
 * failure names the input and repeats.
 */
class DefinitionsFuzzTest {

    private static final long SEED = 0xdef_1_2026L;
    private static final int CASES = 3_000;
    private static final String FILE_KEY = "config/shop/main/marathon/prod/web.json";
    private static final List<String> MARATHON = List.of("container", "docker", "image");
    private static final List<String> CHRONOS = List.of("container", "image");
    /** A strict reading: one document, no duplicate keys; what Marathon and Chronos would take. */
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private static final String[] KEYS = {"id", "container", "docker", "image", "env", "labels", "a/b", "..", ".", "",
        "/", "//", "a b", "%2F", "%", "?", "\u0000", "a\nb", "\u001f", "\u007f", "é", "😀", "\ud800", "\udc00x",
        "\u2028", "x".repeat(600), "k".repeat(100), "null", "true", "0", "-1", "__proto__", "a\\b", "\"", "~", "*"};
    private static final String[] STRINGS = {"", "registry.example:5000/shop/web:1.2", "web", "a\"b", "a\\b", "\u0000",
        "line\nbreak", "\t", "\u2028", "é", "😀", "\ud83d", "\ude00", "x".repeat(5_000), "${VAR}", "$", "../..", "null",
        "{\"nested\":1}", "</script>", "\uFEFF"};
    private static final String[] IMAGES = {"registry.example:5000/shop/web:abc@sha256:"
        + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "web", "", "a\"b\\c", "\u0000\u001f",
        "\u2028\u2029", "é😀", "\ud800", "x".repeat(10_000), "\\u0041", "</>"};

    private final Random random = new Random(SEED);

    @Test
    void theExpanderGivesOneKeyPerLeafOrRefusesTheFile() {
        System.out.println("DefinitionsFuzzTest.expander seed 0x" + Long.toHexString(SEED));
        int expanded = 0;
        for (int i = 0; i < CASES; i++) {
            String text = random.nextInt(4) == 0 ? mutate(json(value(0))) : json(object(0));
            String path = pick(new String[] {"web.json", "web.json", "web.yml", "web.yaml", "web.properties"});
            expanded += expand(path, bytes(text)) ? 1 : 0;
        }
        assertThat(expanded).as("some files are expanded, so both sides are exercised")
                .isBetween(CASES / 10, CASES - CASES / 20);
    }

    @Test
    void theExpanderRefusesAliasesAndBombs() {
        // Jackson reads a YAML alias as its anchor's name: 'b: *a' became the value "a" in Consul
        assertThat(expand("web.yml", bytes("a: &a {x: 1}\nb: *a\n"))).isFalse();
        assertThat(expand("web.yml", bytes("a: &a lol\nb: *a\n"))).isFalse();
        assertThat(expand("web.json", bytes("{\"a\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}"))).isFalse();
        assertThat(expand("web.json", bytes("{\"a\":" + "{\"b\":".repeat(5_000) + "1" + "}".repeat(5_001))))
                .isFalse();
        assertThat(expand("web.yml", bytes("a: " + "{b: ".repeat(3_000) + "1" + "}".repeat(3_000) + "\n"))).isFalse();
        // the same leaf twice once: "\ud800" and "?" were both written to .../%3F
        assertThat(expand("web.json", bytes("{\"\\ud800\": 1, \"?\": 2}"))).isFalse();
        assertThat(expand("web.json", bytes("{\"a\": \"\\udc00\"}"))).isFalse();
    }

    @Test
    void ownRecordsReadBackOrAreNone() {
        System.out.println("DefinitionsFuzzTest.records seed 0x" + Long.toHexString(SEED + 1));
        Random r = new Random(SEED + 1);
        random.setSeed(SEED + 1);
        int records = 0;
        for (int i = 0; i < CASES; i++) {
            ObjectNode node = object(0);
            if (r.nextBoolean()) {
                node.put("commit", pick(STRINGS));
                node.put(r.nextBoolean() ? "repository" : "from", pick(STRINGS));
                node.set(r.nextBoolean() ? "syncedAt" : "announced", value(2));
            }
            String text = r.nextInt(4) == 0 ? mutate(node.toString()) : node.toString();
            try {
                SyncRecord sync = SyncRecord.parse(text);
                PinnedSource pinned = PinnedSource.parse(text);
                records += (sync != null ? 1 : 0) + (pinned != null ? 1 : 0);
                if (sync != null) {
                    assertThat(SyncRecord.parse(new String(sync.toJson(), StandardCharsets.UTF_8))).isEqualTo(sync);
                }
                if (pinned != null) {
                    assertThat(PinnedSource.parse(new String(pinned.toJson(), StandardCharsets.UTF_8)))
                            .isEqualTo(pinned);
                }
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("record " + printable(text) + " threw " + e, e);
            }
        }
        assertThat(records).as("some records read").isGreaterThan(CASES / 20);
    }

    @Test
    void theImageEditorChangesTheImageAndNothingElseOrLeavesTheFile() {
        System.out.println("DefinitionsFuzzTest.editor seed 0x" + Long.toHexString(SEED + 2));
        random.setSeed(SEED + 2);
        int edited = 0;
        for (int i = 0; i < CASES; i++) {
            List<String> path = random.nextBoolean() ? MARATHON : CHRONOS;
            String text = definition(path);
            if (random.nextInt(5) == 0) {
                text = mutate(text);
            }
            edited += edit(text, path, pick(IMAGES)) ? 1 : 0;
        }
        assertThat(edited).as("most definitions are edited").isGreaterThan(CASES / 3);
    }

    @Test
    void theImageEditorLeavesAmbiguousDefinitionsAlone() {
        // Marathon takes the last of two equal keys; the editor once rewrote the first and left the one that counts
        assertThat(edit("{\"container\":{\"docker\":{\"image\":\"a\",\"image\":\"b\"}}}", MARATHON, "new")).isFalse();
        assertThat(edit("{\"container\":{\"docker\":{\"image\":\"a\"}},\"container\":{\"docker\":{\"image\":\"b\"}}}",
                MARATHON, "new")).isFalse();
        // a second document after the definition once passed as one valid file
        assertThat(edit("{\"container\":{\"image\":\"a\"}} 5", CHRONOS, "new")).isFalse();
        assertThat(edit("{\"container\":{\"image\":\"a\"}} \"x\"", CHRONOS, "new")).isFalse();
    }

    /** Expands {@code content}; true when it was expanded (the mirror stores a refused file whole). */
    private boolean expand(String path, byte[] content) {
        Properties common = new Properties();
        common.setProperty("VAR", "from-common");
        Map<String, String> leaves;
        try {
            leaves = KvExpander.expand(FILE_KEY, path, content, common);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            if (message == null || message.isBlank() || message.length() > 2_000 || message.contains("\n")) {
                throw new AssertionError(path + " " + printable(new String(content, StandardCharsets.UTF_8))
                        + " was refused with '" + message + "': not one short line", e);
            }
            return false;
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError(path + " " + printable(new String(content, StandardCharsets.UTF_8)) + " threw " + e,
                    e);
        }
        String text = new String(content, StandardCharsets.UTF_8);
        Supplier<String> where = () -> path + " " + printable(text) + " gave " + printable(leaves.toString());
        int expected = 0;
        if (!path.endsWith(".properties")) {
            JsonNode tree;
            try {
                tree = new ObjectMapper(path.endsWith(".json") ? new com.fasterxml.jackson.core.JsonFactory()
                        : new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(content);
            } catch (Exception e) {
                throw new AssertionError("expanded " + where.get() + " though it does not parse: " + e);
            }
            expected = countLeaves(tree);
            assertThat(leaves).as(where).hasSize(expected);
        }
        for (Map.Entry<String, String> leaf : leaves.entrySet()) {
            String key = leaf.getKey();
            assertThat(key).as(where).startsWith(FILE_KEY + "/");
            assertThat(leaf.getValue()).as(where).isNotNull();
            assertThat(new String(leaf.getValue().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                    .as(() -> "a value Consul stores as it is: " + where.get()).isEqualTo(leaf.getValue());
            for (String segment : key.substring(FILE_KEY.length() + 1).split("/", -1)) {
                assertThat(segment).as(where).doesNotContain("/");
                assertThat(segment.chars().allMatch(c -> c > 0x20 && c < 0x7f)).as(where).isTrue();
                URLDecoder.decode(segment, StandardCharsets.UTF_8);
            }
            String reason = KeyLayout.illegalKeyReason(key);
            if (reason == null) {
                assertThat(key.getBytes(StandardCharsets.UTF_8).length).as(where)
                        .isLessThanOrEqualTo(KeyLayout.MAX_KEY_BYTES);
                assertThat(key).as(where).doesNotContain("//").doesNotContain("/../").doesNotEndWith("/..");
            }
        }
        return true;
    }

    private static int countLeaves(JsonNode node) {
        int n = 0;
        for (Iterator<JsonNode> it = node.elements(); node.isObject() && it.hasNext();) {
            JsonNode child = it.next();
            n += child.isObject() ? countLeaves(child) : 1;
        }
        return n;
    }

    /** Locates and replaces the image; true when it was edited. */
    private boolean edit(String text, List<String> path, String image) {
        Supplier<String> where = () -> "definition " + printable(text) + " at " + path;
        java.util.Optional<ImageEditor.Located> located;
        try {
            located = ImageEditor.locate(text, path);
        } catch (ImageEditor.InvalidJsonException e) {
            assertThat(e.getMessage()).as(where).isNotBlank();
            return false;
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError(where.get() + " threw " + e, e);
        }
        JsonNode before;
        try {
            before = STRICT.readTree(text);
        } catch (Exception e) {
            if (located.isEmpty()) {
                return false; // nothing to edit: the file is left as it is
            }
            throw new AssertionError(where.get() + " is not one valid JSON document, yet its image was located: " + e);
        }
        JsonNode current = before;
        for (String name : path) {
            current = current.path(name);
        }
        if (located.isEmpty()) {
            assertThat(current.isTextual()).as(() -> "no image found in " + where.get()).isFalse();
            return false;
        }
        ImageEditor.Located at = located.get();
        assertThat(at.value()).as(where).isEqualTo(current.asText());
        String out;
        try {
            out = ImageEditor.replace(text, at, image);
        } catch (RuntimeException e) {
            throw new AssertionError(where.get() + " threw on replace " + e, e);
        }
        assertThat(out.substring(0, at.start())).as(where).isEqualTo(text.substring(0, at.start()));
        assertThat(out.substring(out.length() - (text.length() - at.end()))).as(where)
                .isEqualTo(text.substring(at.end()));
        JsonNode after;
        try {
            after = STRICT.readTree(out);
        } catch (Exception e) {
            throw new AssertionError(where.get() + " edited to " + printable(out) + " is no longer valid JSON: " + e);
        }
        JsonNode expected = before.deepCopy();
        ObjectNode parent = (ObjectNode) expected;
        for (String name : path.subList(0, path.size() - 1)) {
            parent = (ObjectNode) parent.get(name);
        }
        parent.put(path.get(path.size() - 1), image);
        assertThat(after).as(() -> where.get() + " edited to " + printable(out)).isEqualTo(expected);
        assertThat(ImageEditor.locate(out, path).orElseThrow().value()).as(where).isEqualTo(image);
        return true;
    }

    /** A Marathon or Chronos definition with noise around (and sometimes instead of) the image. */
    private String definition(List<String> path) {
        ObjectNode root = object(1);
        ObjectNode container = random.nextInt(8) == 0 ? root : root.putObject("container");
        if (path.size() == 3 && random.nextInt(10) > 0) {
            container = container.putObject("docker");
        }
        if (random.nextInt(10) > 0) {
            container.put("image", random.nextInt(3) == 0 ? pick(STRINGS) : pick(IMAGES));
        } else {
            container.set("image", value(2));
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            container.set(pick(KEYS), value(2));
        }
        String text = json(root);
        if (random.nextInt(10) == 0) {
            // the same key twice, at the image or around it
            text = text.replaceFirst("\"image\"", "\"image\":\"first\",\"image\"");
        }
        return text;
    }

    private ObjectNode object(int depth) {
        ObjectNode node = STRICT.createObjectNode();
        int n = random.nextInt(depth > 4 ? 2 : 5);
        for (int i = 0; i < n; i++) {
            node.set(random.nextInt(3) == 0 ? pick(KEYS) : randomText(8), value(depth + 1));
        }
        return node;
    }

    private JsonNode value(int depth) {
        switch (depth > 5 ? 5 + random.nextInt(5) : random.nextInt(10)) {
            case 0:
            case 1:
                return object(depth);
            case 2:
                var array = STRICT.createArrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(value(depth + 1));
                }
                return array;
            case 3:
                return STRICT.getNodeFactory().nullNode();
            case 4:
                return pick(new JsonNode[] {STRICT.getNodeFactory().numberNode(random.nextLong()),
                    STRICT.getNodeFactory().numberNode(random.nextDouble() * 1e300),
                    STRICT.getNodeFactory().numberNode(new java.math.BigInteger("9".repeat(40))),
                    STRICT.getNodeFactory().booleanNode(random.nextBoolean())});
            default:
                return STRICT.getNodeFactory().textNode(random.nextBoolean() ? pick(STRINGS) : randomText(12));
        }
    }

    /** {@code node} as JSON text, with random whitespace and random (valid) escapes. */
    private String json(JsonNode node) {
        StringBuilder b = new StringBuilder();
        write(node, b);
        return b.toString();
    }

    private void write(JsonNode node, StringBuilder b) {
        space(b);
        if (node.isObject()) {
            b.append('{');
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> field = it.next();
                space(b);
                string(field.getKey(), b);
                space(b);
                b.append(':');
                write(field.getValue(), b);
                if (it.hasNext()) {
                    b.append(',');
                }
            }
            space(b);
            b.append('}');
        } else if (node.isArray()) {
            b.append('[');
            for (int i = 0; i < node.size(); i++) {
                write(node.get(i), b);
                if (i + 1 < node.size()) {
                    b.append(',');
                }
            }
            b.append(']');
        } else if (node.isTextual()) {
            string(node.asText(), b);
        } else {
            b.append(node.toString());
        }
        space(b);
    }

    private void string(String value, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) || random.nextInt(30) == 0) {
                b.append(random.nextInt(8) == 0 && c == '/' ? "\\/" : String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }

    private void space(StringBuilder b) {
        if (random.nextInt(6) == 0) {
            b.append(pick(new String[] {" ", "\n", "\t", "\r\n", "  \n    "}));
        }
    }

    private String randomText(int max) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(max); i > 0; i--) {
            int kind = random.nextInt(10);
            s.appendCodePoint(kind == 0 ? random.nextInt(0x80) : kind == 1 ? 0x80 + random.nextInt(0x3000)
                    : kind == 2 ? 0x1F600 + random.nextInt(80) : 'a' + random.nextInt(26));
        }
        return s.toString();
    }

    /** The text as bytes, now and then not UTF-8 at all. */
    private byte[] bytes(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(15) != 0 || utf8.length == 0) {
            return utf8;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = random.nextInt(utf8.length);
        out.write(utf8, 0, at);
        out.write(pick(new int[] {0xff, 0xc3, 0xed, 0x80, 0xfe}));
        out.write(utf8, at, utf8.length - at);
        return out.toByteArray();
    }

    private String mutate(String text) {
        if (text.isEmpty()) {
            return "{";
        }
        int at = random.nextInt(text.length());
        switch (random.nextInt(6)) {
            case 0:
                return text.substring(0, at) + text.substring(Math.min(text.length(), at + 1 + random.nextInt(4)));
            case 1:
                return text.substring(0, at) + pick(new String[] {"{", "}", "[", "]", ",", ":", "\"", "\\", "\\u",
                    "\\ud800", "/*", "//", "\u0000", "NaN", "1e99999", "'", "#", "&a ", "*a", "- ", "\n"})
                    + text.substring(at);
            case 2:
                return text + pick(new String[] {" ", "\n", " {}", " 5", "\"x\"", "}", "]", "\u0000"});
            case 3:
                return text.substring(at) + text.substring(0, at);
            case 4:
                return text.substring(0, at) + text;
            default:
                char[] chars = text.toCharArray();
                chars[at] = (char) (chars[at] ^ (1 << random.nextInt(7)));
                return new String(chars);
        }
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private int pick(int[] values) {
        return values[random.nextInt(values.length)];
    }

    private JsonNode pick(JsonNode[] values) {
        return values[random.nextInt(values.length)];
    }

    private static String printable(String value) {
        StringBuilder text = new StringBuilder();
        value.chars().limit(400).forEach(c -> text.append(c < 0x20 || c == 0x7f || Character.isSurrogate((char) c)
                ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return value.length() > 400 ? text + "…(" + value.length() + " chars)" : text.toString();
    }
}
