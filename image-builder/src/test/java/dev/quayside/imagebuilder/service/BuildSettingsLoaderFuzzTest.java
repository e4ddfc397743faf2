package dev.quayside.imagebuilder.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.imagebuilder.config.BuilderConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@code .quayside.yml} from whoever can push: thousands of generated and mutated documents. Each one either gives
 * settings that keep every rule, or an {@link InvalidSettingsException} with a readable message naming the file;
 * never another exception. Seeded, so a failure names the document and repeats.
 */
class BuildSettingsLoaderFuzzTest {

    private static final long SEED = 0x5eed_0f_a11L;
    private static final int GENERATED = 4_000;
    private static final int MUTATED = 4_000;
    private static final Duration LIMIT = Duration.ofMinutes(15);
    private static final String REPOSITORY = "shop";
    private static final String NAMESPACE = "acme/shop";

    private static final String[] KEYS = {"image", "context", "dockerfile", "target", "buildArgs", "tags", "buildTags",
        "timeout", "imgae", "Image", "build_args", "", "tags ", "<<"};
    private static final String[] SCALARS = {"acme/shop", "acme/shop/web", "acme/shop/web/v2", "acme/other", "acme",
        "acme/shopping", "ACME/shop", "acme//shop", "acme/shop/", "acme/shop/-x", "acme/shop/a__b", "acme/shop/a___b",
        "payments", ".", "..", "../x", "a/../../b", "/etc", "services/web", "docker/Dockerfile", "Dockerfile",
        "a\u0000b", "a\nb", "\t", " ", "", "~", "null", "true", "no", "0", "-1", "1e309", "0x1F", "99999999999999999999",
        "90s", "5m", "1h", "2h", "15m", "PT10M", "PT-5S", "P1D", "PT0S", "soon", "{branch}", "{branch}-build", "latest",
        "v:1", "-x", "x".repeat(129), "a".repeat(300), "v*", "release/**", "*a*b*c*", "v[", "{a,b", "[!a]", "?",
        "runtime", "a b", "0stage", "stage.1", "VERSION", "A=B", "_X", "9X", "é", "\u202e", "😀", "&anchor", "*alias",
        "!!binary aGk=", "%TAG", "@x", "`x`", "'quoted'", "\"dq\"", "key: value", "[1, 2]", "{a: 1}", "- item", "|"};

    private final BuildSettingsLoader loader;
    private final Random random = new Random(SEED);

    BuildSettingsLoaderFuzzTest() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(BuilderConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()).withDefaultValues(Map.of(
                        "quayside.builder.repositories.shop.image-namespace", NAMESPACE,
                        "quayside.builder.repositories.shop.build-args.MIRROR", "https://mirror.internal",
                        "quayside.builder.repositories.payments.image-namespace", "acme/shop/payments",
                        "quayside.builder.build-tags", "v*"))
                .build();
        BuilderConfig builder = config.getConfigMapping(BuilderConfig.class);
        loader = new BuildSettingsLoader(builder, new RepositoryCatalog(builder));
    }

    @Test
    void generatedDocumentsGiveValidSettingsOrAClearRefusal() {
        int accepted = 0;
        for (int i = 0; i < GENERATED; i++) {
            accepted += check(document()) ? 1 : 0;
        }
        assertThat(accepted).as("some generated documents are valid, so the rules are exercised on both sides")
                .isGreaterThan(GENERATED / 50);
    }

    @Test
    void mutatedValidDocumentsGiveValidSettingsOrAClearRefusal() {
        List<String> seeds = List.of(
                "image: acme/shop/web\ncontext: services/web\ndockerfile: docker/Dockerfile\ntarget: runtime\n"
                        + "buildArgs:\n  VERSION: \"2\"\n  BASE: busybox\ntags: [\"{branch}\", latest]\n"
                        + "buildTags: [\"v*\", \"release/**\"]\ntimeout: 5m\n",
                "image: acme/shop\ntags:\n  - \"{branch}-build\"\n  - stable\ntimeout: PT90S\n",
                "image: &i acme/shop/x\ncontext: *i\nbuildArgs: {VERSION: &v '1', BASE: *v}\n",
                "{image: acme/shop/api, timeout: 600}\n",
                "# comment\n---\ncontext: .\n...\n");
        seeds.forEach(seed -> assertThat(check(seed)).as(() -> "the seed is valid: " + seed).isTrue());
        for (int i = 0; i < MUTATED; i++) {
            String doc = seeds.get(random.nextInt(seeds.size()));
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                doc = mutate(doc);
            }
            check(doc);
        }
    }

    @Test
    void hostileDocumentsAreRefusedNotExpanded() {
        StringBuilder laughs = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (int i = 1; i < 10; i++) {
            laughs.append((char) ('a' + i)).append(": &").append((char) ('a' + i)).append(" [")
                    .append(String.join(",", java.util.Collections.nCopies(9, "*" + (char) ('a' + i - 1))))
                    .append("]\n");
        }
        laughs.append("tags: *j\n");
        assertRefused(laughs.toString());
        assertRefused("tags: " + "[".repeat(5_000) + "]".repeat(5_000) + "\n");
        assertRefused("buildArgs: " + "{a: ".repeat(3_000) + "1" + "}".repeat(3_000) + "\n");
        assertRefused("image: \"" + "a".repeat(1_000_000) + "\"\n");
        assertRefused("tags: [" + "x,".repeat(200_000) + "]\n");
    }

    private void assertRefused(String doc) {
        assertThat(check(doc)).as(() -> "refused: " + BuildSettingsLoader.printable(doc)).isFalse();
    }

    /** Loads {@code doc} for a branch and for a tag; true when the branch load gave settings. */
    private boolean check(String doc) {
        boolean accepted = false;
        for (String ref : List.of("refs/heads/feature/x", "refs/tags/v1.2.3")) {
            try {
                BuildSettings settings = loader.load(REPOSITORY, ref, Optional.of(doc));
                keepsTheRules(settings, doc);
                accepted |= ref.startsWith("refs/heads/");
            } catch (InvalidSettingsException e) {
                String message = e.getMessage();
                if (message == null || !message.startsWith(".quayside.yml") || message.length() > 2_000
                        || message.chars().anyMatch(Character::isISOControl)) {
                    throw new AssertionError("document " + BuildSettingsLoader.printable(doc) + " gave the message '"
                            + message + "': not a short, printable one naming the file", e);
                }
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("document " + BuildSettingsLoader.printable(doc) + " threw " + e, e);
            }
        }
        return accepted;
    }

    private static void keepsTheRules(BuildSettings s, String doc) {
        Supplier<String> where = () -> "settings from " + BuildSettingsLoader.printable(doc) + ": " + s;
        assertThat(RepositoryCatalog.validImage(s.image())).as(where).isTrue();
        assertThat(s.image().equals(NAMESPACE) || s.image().startsWith(NAMESPACE + "/")).as(where).isTrue();
        assertThat(s.image()).as(where).doesNotStartWith("acme/shop/payments");
        for (String path : List.of(s.context(), s.dockerfile())) {
            Path p = Path.of(path);
            assertThat(p.isAbsolute() || p.normalize().startsWith("..") || !p.normalize().toString().equals(path)
                    && !path.equals(".")).as(where).isFalse();
            assertThat(path.chars().noneMatch(Character::isISOControl)).as(where).isTrue();
        }
        assertThat(s.target() == null || BuildSettingsLoader.TARGET.matcher(s.target()).matches()).as(where).isTrue();
        s.buildArgs().forEach((k, v) -> {
            assertThat(RepositoryCatalog.BUILD_ARG.matcher(k).matches()).as(where).isTrue();
            assertThat(v).as(where).isNotNull();
        });
        assertThat(s.buildArgs()).as(where).containsKey("MIRROR");
        s.extraTags().forEach(t -> assertThat(BuildSettingsLoader.TAG.matcher(t).matches()).as(where).isTrue());
        assertThat(s.timeout().isNegative() || s.timeout().isZero() || s.timeout().compareTo(LIMIT) > 0).as(where)
                .isFalse();
        s.buildTags().forEach(p -> {
            assertThat(p.isBlank() || p.length() > BuildSettingsLoader.MAX_PATTERN
                    || p.chars().filter(c -> c == '*').count() > BuildSettingsLoader.MAX_STARS).as(where).isFalse();
            FileSystems.getDefault().getPathMatcher("glob:" + p);
        });
        BuildSettingsLoader.buildsTag(s.buildTags(), "v1.2.3");
        BuildSettingsLoader.buildsTag(s.buildTags(), "a".repeat(250));
    }

    /** A document of random keys and values in random YAML styles. */
    private String document() {
        StringBuilder doc = new StringBuilder();
        if (random.nextInt(20) == 0) {
            return scalar(); // not a mapping at all
        }
        int keys = random.nextInt(6);
        for (int i = 0; i < keys; i++) {
            doc.append(pick(KEYS)).append(':').append(random.nextInt(8) == 0 ? "" : " ").append(value(0)).append('\n');
        }
        return doc.toString();
    }

    private String value(int depth) {
        switch (depth > 2 ? 0 : random.nextInt(5)) {
            case 1:
                return "[" + String.join(", ", many(() -> quoted(scalar()))) + "]";
            case 2:
                return "\n" + String.join("\n", many(() -> "  - " + quoted(scalar())));
            case 3:
                return "{" + String.join(", ", many(() -> quoted(scalar()) + ": " + value(depth + 1))) + "}";
            case 4:
                return "\n" + String.join("\n", many(() -> "  " + quoted(pick(new String[] {"VERSION", "BASE", "A=B",
                    "", "9X", "x y"})) + ": " + quoted(scalar())));
            default:
                return quoted(scalar());
        }
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
        if (random.nextInt(6) == 0) {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(12);
            for (int i = 0; i < n; i++) {
                s.appendCodePoint(random.nextInt(4) == 0 ? random.nextInt(0x2FF) : 'a' + random.nextInt(26));
            }
            return s.toString();
        }
        return pick(SCALARS);
    }

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
        switch (random.nextInt(6)) {
            case 0:
                return doc.substring(0, at) + doc.substring(Math.min(doc.length(), at + 1 + random.nextInt(4)));
            case 1:
                return doc.substring(0, at) + pick(new String[] {":", "{", "}", "[", "]", "&", "*", "!", "|", ">", "'",
                    "\"", "%", "@", "`", "\t", "\n", "  ", "-", "#", ",", "?", "\\", "\u0000", "..", "/"})
                    + doc.substring(at);
            case 2:
                return doc.substring(0, at) + pick(SCALARS) + doc.substring(at);
            case 3:
                String[] lines = doc.split("\n", -1);
                int line = random.nextInt(lines.length);
                return doc + "\n" + lines[line];
            case 4:
                return doc.substring(at) + doc.substring(0, at);
            default:
                char[] chars = doc.toCharArray();
                chars[at] = (char) (chars[at] ^ (1 << random.nextInt(7)));
                return new String(chars);
        }
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }
}
