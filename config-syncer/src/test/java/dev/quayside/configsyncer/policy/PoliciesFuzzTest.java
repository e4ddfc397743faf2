package dev.quayside.configsyncer.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The config repository's {@code quayside.yml}, from whoever can push to it: thousands of generated and mutated
 * documents. Each either parses into policies that answer every question without throwing, or is refused with an
 * {@link IllegalArgumentException} whose message is one short printable line naming the file; never another
 * exception. Seeded, so a failure names the document and repeats.
 */
class PoliciesFuzzTest {

    private static final long SEED = 0x9011_c1e5L;
    private static final int GENERATED = 3_000;
    private static final int MUTATED = 3_000;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final String[] ENVIRONMENTS = {"dev", "staging", "prod", "qa", "", "a/b", "..", "x".repeat(300),
        "é", "a\u0000b", "<<", "null", "1", "environments"};
    private static final String[] KEYS = {"branches", "tags", "sources", "branch", "Tags", "", "<<", "environments",
        "apps"};
    private static final String[] BRANCHES = {"main", "feature/*", "release/**", "*", "**", "?", "v[", "[!a]", "[a-z]*",
        "{a,b}", "{a,b", "a\\", "\\", "feature/{x", "[", "]", "", " ", "a b", "a\u0000b", "a\nb", "é*", "😀",
        "x".repeat(500), "*".repeat(40), "refs/heads/main", "..", "/", "//"};
    private static final String[] RANGES = {">=1.0.0 <2.0.0", "^1.2.3", "~1.2.3", "1.x", "1.2.x", "*", "", "=1.2.3",
        "1.2.3 - 2.3.4", "^0.3.1 || 2.x", ">=1.0.0-rc.1", "v1.2.3", "<=2.0.0", ">1", "~>1.2", "1.2.3.4", ">=",
        "1.2.3 -", "- 1.2.3", "||", "|| ||", "^", "x.x.x", "99999999999999999999", "1." + "9".repeat(30),
        ">=1.0.0 " + "<2.0.0 ".repeat(200), "1 - 2 - 3", ">=a.b.c", "1.2.3-" + "a.".repeat(300) + "b",
        "1.2.3-" + "0".repeat(2_000), "1.2.3+" + "b".repeat(500) + "!", "\u0000", "\n", "@", "latest",
        ">= 1.0.0", "< 2.0.0", "~ 1.2", "^ 1"};
    private static final String[] SCALARS = {"~", "null", "true", "no", "0", "-1", "1e309", "0x1F", "[]", "{}", "[[]]",
        "{a: 1}", "&a x", "*a", "*nope", "!!binary aGk=", "!!python/object:x {}", "%TAG", "@x", "`x`", "'q'", "\"dq\"",
        "|", ">", "- x", "? x", "web", "ops-tools", "x".repeat(100_000), "\t", "\u202e", "\ud83d\ude00"};
    private static final List<String> REFS = List.of("main", "refs/heads/main", "refs/heads/feature/x",
        "refs/tags/v1.4.2", "refs/tags/1.0.0-rc.1", "refs/tags/2.0.0", "v1.0.0", "refs/pull/7/head", "",
        "refs/heads/", "refs/tags/", "a\u0000b", "refs/heads/a\u0000b", "refs/tags/\u0000", "x".repeat(300),
        "refs/heads/é/😀", "refs/heads/[", "refs/tags/v" + "9".repeat(40) + ".0.0");

    private final Random random = new Random(SEED);

    @Test
    void generatedDocumentsParseOrAreRefusedClearly() {
        System.out.println("PoliciesFuzzTest seed 0x" + Long.toHexString(SEED));
        int accepted = 0;
        for (int i = 0; i < GENERATED; i++) {
            accepted += check(document()) ? 1 : 0;
        }
        assertThat(accepted).as("some generated documents are valid, so both sides are exercised")
                .isBetween(GENERATED / 50, GENERATED - GENERATED / 50);
    }

    @Test
    void mutatedValidDocumentsParseOrAreRefusedClearly() {
        List<String> seeds = List.of(
                "environments:\n  dev:     { branches: [main, \"feature/*\"] }\n  staging: { branches: [main] }\n"
                        + "  prod:\n    branches: []\n    tags: \">=1.0.0 <2.0.0\"\n",
                "environments:\n  qa:\n    tags: \"^0.3.1 || 2.x\"\n  dev:\n    branches: \"release/**\"\n"
                        + "apps:\n  web-cleanup: { sources: [web, ops-tools] }\n  shop: { sources: billing }\n",
                "x-common: &b [main, \"hotfix/*\"]\nenvironments:\n  dev: { branches: &c [main, \"hotfix/*\"] }\n"
                        + "  prod: { branches: [\"v[0-9]*\"], tags: '1.2.3 - 2.3.4' }\n",
                "# policies\n---\napps:\n  a:\n    sources:\n      - a\n      - b\n...\n",
                "{environments: {dev: {branches: [main], tags: \"*\"}}, apps: {}}\n");
        seeds.forEach(seed -> assertThat(check(seed)).as(() -> "the seed is valid: " + seed).isTrue());
        int accepted = 0;
        for (int i = 0; i < MUTATED; i++) {
            String doc = seeds.get(random.nextInt(seeds.size()));
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                doc = mutate(doc);
            }
            accepted += check(doc) ? 1 : 0;
        }
        assertThat(accepted).as("mutations keep some documents valid").isGreaterThan(MUTATED / 50);
    }

    @Test
    void wrongTypesAreRefusedNotTakenForDefaults() {
        // each of these once parsed into something else than written: a list of ranges became '*' (every tag), a
        // map in a branch list an empty pattern, a list instead of a map no policy at all, a bad glob an exception
        // later in accepts()
        for (String doc : List.of("environments:\n  prod: { branches: [], tags: [\">=1.0.0 <2.0.0\"] }\n",
                "environments:\n  prod: { branches: [], tags: {min: 1.0.0} }\n",
                "environments:\n  dev: { branches: [main, [x]] }\n",
                "environments:\n  dev: { branches: [main, {a: b}] }\n",
                "environments:\n  dev: 5\n",
                "environments:\n  dev: [main]\n",
                "- environments\n",
                "just a string\n",
                "environments:\n  dev: { branches: [\"feature/[\"] }\n",
                "environments:\n  dev: { branches: [\"{a,b\"] }\n",
                "apps:\n  web: { sources: \"\" }\n",
                // Jackson reads an alias as its anchor's name: this was the branch pattern 'b', not [main]
                "x: &b [main]\nenvironments:\n  dev: { branches: *b }\n",
                "x: &r \">=1.0.0\"\nenvironments:\n  prod: { tags: *r }\n")) {
            assertThat(check(doc)).as(() -> "refused: " + printable(doc)).isFalse();
        }
    }

    @Test
    void hostileDocumentsAreRefusedNotExpanded() {
        StringBuilder laughs = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (int i = 1; i < 10; i++) {
            laughs.append((char) ('a' + i)).append(": &").append((char) ('a' + i)).append(" [")
                    .append(String.join(",", Collections.nCopies(9, "*" + (char) ('a' + i - 1)))).append("]\n");
        }
        laughs.append("environments:\n  dev: { branches: *j }\n");
        assertThat(check(laughs.toString())).as("a billion laughs").isFalse();
        assertThat(check("environments:\n  dev: { branches: " + "[".repeat(5_000) + "]".repeat(5_000) + " }\n"))
                .as("deep nesting").isFalse();
        assertThat(check("environments: " + "{a: ".repeat(3_000) + "1" + "}".repeat(3_000) + "\n")).isFalse();
        check("environments:\n  dev: { branches: [" + "x,".repeat(100_000) + "] }\n");
        check("environments:\n  dev: { tags: \"" + "1.2.3 ".repeat(20_000) + "\" }\n");
    }

    /** Parses {@code doc} and, when it parses, asks the policies everything; true when it parsed. */
    private boolean check(String doc) {
        Policies policies;
        try {
            policies = Policies.parse(doc.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            if (message == null || !message.startsWith(Policies.FILE) || message.length() > 2_000
                    || message.chars().anyMatch(Character::isISOControl)) {
                throw new AssertionError("document " + printable(doc) + " gave the message '" + message
                        + "': not one short printable line naming the file", e);
            }
            return false;
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("document " + printable(doc) + " threw " + e, e);
        }
        try {
            keepsTheRules(policies, doc);
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("policies from " + printable(doc) + " threw " + e, e);
        }
        return true;
    }

    /** The parsed policies say what the document says, and answer any question without throwing. */
    private static void keepsTheRules(Policies policies, String doc) {
        JsonNode root;
        try {
            root = YAML.readTree(doc);
        } catch (Exception e) {
            throw new AssertionError("Policies accepted " + printable(doc) + ", which does not parse: " + e);
        }
        Supplier<String> where = () -> "policies from " + printable(doc);
        List<String> environments = new ArrayList<>(List.of(ENVIRONMENTS));
        if (root != null && !root.isNull() && !root.isMissingNode()) {
            assertThat(root.isObject()).as(where).isTrue();
            JsonNode envs = root.path("environments");
            for (Iterator<Map.Entry<String, JsonNode>> it = envs.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> env = it.next();
                environments.add(env.getKey());
                JsonNode node = env.getValue();
                assertThat(node.isObject() || node.isNull()).as(where).isTrue();
                node.fieldNames().forEachRemaining(key -> assertThat(key).as(where)
                        .isIn("branches", "tags", "suspended", "promote-from", "approval", "soak", "windows"));
                JsonNode tags = node.path("tags");
                assertThat(tags.isMissingNode() || tags.isNull() || tags.isValueNode()).as(where).isTrue();
                JsonNode branches = node.path("branches");
                List<String> expected = new ArrayList<>();
                if (branches.isMissingNode() || branches.isNull()) {
                    expected.addAll(Policies.DEFAULT_BRANCHES);
                } else if (branches.isArray()) {
                    branches.forEach(b -> {
                        assertThat(b.isValueNode() && !b.isNull()).as(where).isTrue();
                        expected.add(b.asText());
                    });
                } else {
                    assertThat(branches.isValueNode()).as(where).isTrue();
                    expected.add(branches.asText());
                }
                assertThat(policies.policy(env.getKey()).branches()).as(where).isEqualTo(expected);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("apps").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> app = it.next();
                app.getValue().fieldNames().forEachRemaining(key -> assertThat(key).as(where).isEqualTo("sources"));
                JsonNode sources = app.getValue().path("sources");
                List<String> listed = new ArrayList<>();
                (sources.isArray() ? sources : List.of(sources)).forEach(s -> {
                    assertThat(s.isTextual() && !s.asText().isBlank()).as(where).isTrue();
                    listed.add(s.asText());
                });
                for (String repository : listed) {
                    assertThat(policies.mayUpdate(app.getKey(), repository, "x/y")).as(where).isTrue();
                }
                assertThat(policies.mayUpdate(app.getKey(), "not-listed-" + listed.size(), app.getKey())).as(where)
                        .isFalse();
                policies.ownersOf(app.getKey());
            }
        }
        for (String environment : environments) {
            for (String ref : REFS) {
                policies.accepts(environment, ref);
            }
            policies.mayUpdate(environment, environment, null);
            policies.ownersOf(environment);
        }
    }

    /** A document of random environments, policies and apps in random YAML styles. */
    private String document() {
        if (random.nextInt(25) == 0) {
            return quoted(scalar());
        }
        StringBuilder doc = new StringBuilder();
        if (random.nextInt(3) > 0) {
            doc.append("environments:").append(random.nextInt(15) == 0 ? " " + quoted(scalar()) : "").append('\n');
            int envs = random.nextInt(4);
            for (int i = 0; i < envs; i++) {
                doc.append("  ").append(quoted(pick(ENVIRONMENTS))).append(": ").append(policy()).append('\n');
            }
        }
        if (random.nextInt(3) == 0) {
            doc.append("apps:").append(random.nextInt(15) == 0 ? " " + quoted(scalar()) : "").append('\n');
            int apps = random.nextInt(3);
            for (int i = 0; i < apps; i++) {
                doc.append("  ").append(quoted(pick(ENVIRONMENTS))).append(": {")
                        .append(random.nextInt(6) == 0 ? pick(KEYS) : "sources").append(": ")
                        .append(random.nextInt(3) == 0 ? quoted(scalar()) : list(() -> quoted(pick(SCALARS))))
                        .append("}\n");
            }
        }
        if (random.nextInt(10) == 0) {
            doc.append(quoted(pick(KEYS))).append(": ").append(quoted(scalar())).append('\n');
        }
        return doc.toString();
    }

    private String policy() {
        switch (random.nextInt(8)) {
            case 0:
                return quoted(scalar());
            case 1:
                return "";
            default:
                List<String> fields = new ArrayList<>();
                if (random.nextInt(3) > 0) {
                    fields.add(key("branches") + ": " + (random.nextInt(6) == 0 ? quoted(pick(BRANCHES))
                            : random.nextInt(8) == 0 ? value(0) : list(() -> quoted(pick(BRANCHES)))));
                }
                if (random.nextInt(2) == 0) {
                    fields.add(key("tags") + ": " + (random.nextInt(8) == 0 ? value(0) : quoted(pick(RANGES))));
                }
                return "{" + String.join(", ", fields) + "}";
        }
    }

    private String key(String usual) {
        return random.nextInt(12) == 0 ? quoted(pick(KEYS)) : usual;
    }

    private String value(int depth) {
        switch (depth > 3 ? 0 : random.nextInt(4)) {
            case 1:
                return list(() -> value(depth + 1));
            case 2:
                return "{" + String.join(", ", many(() -> quoted(scalar()) + ": " + value(depth + 1))) + "}";
            case 3:
                return "&n" + depth + " " + list(() -> quoted(scalar()));
            default:
                return quoted(scalar());
        }
    }

    private String list(Supplier<String> item) {
        return "[" + String.join(", ", many(item)) + "]";
    }

    private List<String> many(Supplier<String> item) {
        List<String> items = new ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            items.add(item.get());
        }
        return items;
    }

    private String scalar() {
        switch (random.nextInt(8)) {
            case 0:
                StringBuilder s = new StringBuilder();
                int n = random.nextInt(12);
                for (int i = 0; i < n; i++) {
                    s.appendCodePoint(random.nextInt(4) == 0 ? random.nextInt(0x2FF) : 'a' + random.nextInt(26));
                }
                return s.toString();
            case 1:
                return pick(BRANCHES);
            case 2:
                return pick(RANGES);
            default:
                return pick(SCALARS);
        }
    }

    /** {@code value} plain, single- or double-quoted (control characters escaped in the last). */
    private String quoted(String value) {
        switch (random.nextInt(3)) {
            case 1:
                return "'" + value.replace("'", "''") + "'";
            case 2:
                StringBuilder s = new StringBuilder("\"");
                value.codePoints().forEach(c -> {
                    if (c == '"' || c == '\\') {
                        s.append('\\').appendCodePoint(c);
                    } else if (Character.isISOControl(c)) {
                        s.append(String.format("\\x%02x", c & 0xff));
                    } else {
                        s.appendCodePoint(c);
                    }
                });
                return s.append('"').toString();
            default:
                return value;
        }
    }

    private String mutate(String doc) {
        if (doc.isEmpty()) {
            return pick(SCALARS);
        }
        int at = random.nextInt(doc.length());
        switch (random.nextInt(7)) {
            case 0:
                return doc.substring(0, at) + doc.substring(Math.min(doc.length(), at + 1 + random.nextInt(4)));
            case 1:
                return doc.substring(0, at) + pick(new String[] {":", "{", "}", "[", "]", "&", "*", "!", "|", ">", "'",
                    "\"", "%", "@", "`", "\t", "\n", "  ", "-", "#", ",", "?", "\\", "\u0000", "..", "/", "||", "^"})
                    + doc.substring(at);
            case 2:
                return doc.substring(0, at) + scalar() + doc.substring(at);
            case 3:
                String[] lines = doc.split("\n", -1);
                return doc + "\n" + lines[random.nextInt(lines.length)];
            case 4:
                return doc.substring(at) + doc.substring(0, at);
            case 5:
                return doc.replaceFirst("\"[^\"\n]*\"", '"' + pick(RANGES).replace("\\", "").replace("\"", "")
                        .replace("\n", "") + '"');
            default:
                char[] chars = doc.toCharArray();
                chars[at] = (char) (chars[at] ^ (1 << random.nextInt(7)));
                return new String(chars);
        }
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static String printable(String value) {
        StringBuilder text = new StringBuilder();
        value.codePoints().limit(300).forEach(c -> text.append(Character.isISOControl(c)
                ? String.format("\\u%04x", c) : new String(Character.toChars(c))));
        return value.length() > 300 ? text + "…(" + value.length() + " chars)" : text.toString();
    }
}
