package dev.quayside.imagebuilder.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.quayside.imagebuilder.config.BuilderConfig;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.Constants;

/**
 * Reads a repository's {@code .quayside.yml} and merges it over the service defaults and the repository's
 * configuration. Every problem is an {@link InvalidSettingsException} whose message names the file, the key and what
 * is allowed; every setting it returns keeps the rules (an image inside the repository's namespace, paths inside the
 * repository, tags Docker takes, a positive timeout within the service's).
 *
 * <pre>
 * image: team/sample-app        # image name in the registry, in the repository's namespace (default: the namespace)
 * context: .                    # build context folder (default: quayside.builder.context)
 * dockerfile: Dockerfile        # relative to the context (default: quayside.builder.dockerfile)
 * target: runtime               # multi-stage target (default: none)
 * buildArgs: {VERSION: "1"}     # added to the repository's configured build args
 * tags: ["{branch}", latest]    # tags besides the commit tag of a branch build (default: quayside.builder.extra-tags)
 * buildTags: ["v*"]             # tag pushes that are built (default: quayside.builder.build-tags, none)
 * timeout: 5m                   # build timeout, at most quayside.builder.timeout
 * </pre>
 */
public final class BuildSettingsLoader {

    /** Docker's rules for a repository path and a tag. */
    static final Pattern IMAGE_NAME = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    static final String IMAGE_RULE = "lower-case path segments of [a-z0-9] joined by '.', '_', '__' or '-', "
            + "separated by '/', at most " + RepositoryCatalog.MAX_IMAGE_NAME + " characters";
    static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    /** Docker's rule for a build stage name. */
    static final Pattern TARGET = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,127}");
    static final String ALLOWED_KEYS = "image, context, dockerfile, target, buildArgs, tags, buildTags, timeout";
    /** Longest tag pattern, and most {@code *} in one (each costs a factor of the name's length when matched). */
    static final int MAX_PATTERN = 128;
    static final int MAX_STARS = 3;
    /** Largest settings file, and most entries in one of its lists or maps. */
    public static final int MAX_FILE_BYTES = 64 * 1024;
    static final int MAX_ENTRIES = 64;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** The file's shape; every key optional. */
    static final class File {
        public String image;
        public String context;
        public String dockerfile;
        public String target;
        @JsonProperty("buildArgs")
        public Map<String, String> buildArgs;
        public List<String> tags;
        @JsonProperty("buildTags")
        public List<String> buildTags;
        public String timeout;
    }

    private final BuilderConfig config;
    private final RepositoryCatalog repositories;
    private final List<String> defaultBuildTags;

    public BuildSettingsLoader(BuilderConfig config, RepositoryCatalog repositories) {
        this.config = config;
        this.repositories = repositories;
        List<String> defaults = config.buildTags().orElse(List.of());
        this.defaultBuildTags = List.copyOf(patterns("quayside.builder.build-tags", defaults));
    }

    /**
     * @param repository the repository name (its configuration: namespace, build args)
     * @param ref        the pushed ref: {@code refs/heads/<branch>} ({@code {branch}} in tags) or
     *                   {@code refs/tags/<tag>}
     * @param content    the settings file's text at the commit, or empty when the commit has none
     */
    public BuildSettings load(String repository, String ref, Optional<String> content) {
        String fileName = config.settingsFile();
        File file;
        if (content.isEmpty()) {
            if (config.requireSettingsFile()) {
                throw new InvalidSettingsException(fileName + " is missing at this commit, and "
                        + "quayside.builder.require-settings-file is true: add it at the repository root");
            }
            file = new File();
        } else if (content.get().isBlank()) {
            file = new File();
        } else if (content.get().length() > MAX_FILE_BYTES) {
            throw new InvalidSettingsException(fileName + " is larger than " + MAX_FILE_BYTES + " bytes");
        } else {
            file = parse(fileName, content.get());
        }
        String namespace = repositories.namespace(repository);
        String image = namespace;
        if (file.image != null) {
            image = file.image;
            if (!RepositoryCatalog.validImage(image)) {
                throw new InvalidSettingsException(fileName + ": 'image' value '" + printable(image) + "' is invalid: "
                        + IMAGE_RULE);
            }
            repositories.requireOwned(repository, image, fileName);
        }
        String context = relativePath(fileName, "context", file.context != null ? file.context : config.context());
        String dockerfile = relativePath(fileName, "dockerfile",
                file.dockerfile != null ? file.dockerfile : config.dockerfile());
        if (file.target != null && file.target.isBlank()) {
            throw new InvalidSettingsException(fileName + ": 'target' is empty (leave it out to build the last stage)");
        }
        if (file.target != null && !TARGET.matcher(file.target).matches()) {
            throw new InvalidSettingsException(fileName + ": 'target' '" + printable(file.target)
                    + "' is not a build stage name (" + TARGET.pattern() + ")");
        }
        Map<String, String> buildArgs = new LinkedHashMap<>(repositories.buildArgs(repository));
        if (file.buildArgs != null) {
            file.buildArgs.forEach((k, v) -> {
                if (k == null || k.isBlank()) {
                    throw new InvalidSettingsException(fileName + ": 'buildArgs' has an empty name");
                }
                if (!RepositoryCatalog.BUILD_ARG.matcher(k).matches()) {
                    throw new InvalidSettingsException(fileName + ": 'buildArgs' name '" + printable(k)
                            + "' is not a build-arg name (" + RepositoryCatalog.BUILD_ARG.pattern() + ")");
                }
                buildArgs.put(k, v == null ? "" : v);
            });
        }
        List<String> buildTags = file.buildTags != null ? patterns(fileName + ": 'buildTags'", file.buildTags)
                : defaultBuildTags;
        List<String> tags;
        if (ref.startsWith(Constants.R_TAGS)) {
            tags = List.of(dockerTag(fileName, ref.substring(Constants.R_TAGS.length())));
        } else {
            List<String> tagTemplates = file.tags != null ? file.tags : config.extraTags();
            tags = new ArrayList<>(expandTags(fileName, tagTemplates, branchName(ref), file.tags != null));
        }
        Duration timeout = config.timeout();
        if (file.timeout != null) {
            Duration wanted = duration(fileName, file.timeout);
            if (wanted.compareTo(timeout) > 0) {
                throw new InvalidSettingsException(fileName + ": 'timeout' " + printable(file.timeout)
                        + " is longer than the service's limit " + timeout + " (quayside.builder.timeout)");
            }
            timeout = wanted;
        }
        return new BuildSettings(image, context, dockerfile, file.target, Map.copyOf(buildArgs), List.copyOf(tags),
                timeout, List.copyOf(buildTags), content.isPresent());
    }

    /** True when {@code tag} (a tag's short name) matches one of {@code patterns}. */
    static boolean buildsTag(List<String> patterns, String tag) {
        Path name;
        try {
            name = Path.of(tag);
        } catch (InvalidPathException e) {
            return false;
        }
        return patterns.stream().anyMatch(p -> FileSystems.getDefault().getPathMatcher("glob:" + p).matches(name));
    }

    private static String branchName(String ref) {
        return ref.startsWith(Constants.R_HEADS) ? ref.substring(Constants.R_HEADS.length()) : ref;
    }

    /** The image tag a Git tag gives: its name with {@code /} turned into {@code -}. */
    private static String dockerTag(String fileName, String gitTag) {
        String tag = gitTag.replace('/', '-');
        if (!TAG.matcher(tag).matches()) {
            throw new InvalidSettingsException("Git tag '" + printable(gitTag) + "' gives '" + printable(tag)
                    + "', not a valid Docker tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}): rename the tag or leave it out "
                    + "of 'buildTags' in " + fileName);
        }
        return tag;
    }

    /** Checks tag patterns: globs of at most {@value #MAX_PATTERN} characters with at most {@value #MAX_STARS} '*'. */
    static List<String> patterns(String where, List<String> patterns) {
        List<String> checked = new ArrayList<>();
        for (String pattern : patterns) {
            if (pattern == null || pattern.isBlank()) {
                throw new InvalidSettingsException(where + " has an empty pattern");
            }
            String rule = "a glob of at most " + MAX_PATTERN + " printable characters with at most " + MAX_STARS
                    + " '*'";
            if (pattern.length() > MAX_PATTERN || pattern.chars().filter(c -> c == '*').count() > MAX_STARS
                    || pattern.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidSettingsException(where + " pattern '" + printable(pattern) + "' is not " + rule);
            }
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            } catch (PatternSyntaxException e) {
                throw new InvalidSettingsException(where + " pattern '" + printable(pattern) + "' is not a glob: "
                        + e.getDescription(), e);
            }
            checked.add(pattern);
        }
        return checked;
    }

    /** Expands {@code {branch}}; the default {@code latest} applies to the latest branch only, a listed one always. */
    private LinkedHashSet<String> expandTags(String fileName, List<String> templates, String branch, boolean listed) {
        LinkedHashSet<String> tags = new LinkedHashSet<>();
        for (String template : templates) {
            if (template == null || template.isBlank()) {
                continue;
            }
            String tag = template.trim();
            if (tag.equals("latest") && !listed && !branch.equals(config.latestBranch())) {
                continue;
            }
            tag = tag.replace("{branch}", branch.replace('/', '-'));
            if (!TAG.matcher(tag).matches()) {
                throw new InvalidSettingsException(fileName + ": tag '" + printable(template) + "' gives '"
                        + printable(tag) + "', not a valid Docker tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
            }
            tags.add(tag);
        }
        return tags;
    }

    private static File parse(String fileName, String content) {
        JsonNode tree;
        try {
            tree = YAML.readTree(content);
        } catch (IOException | RuntimeException e) {
            throw new InvalidSettingsException(fileName + " is not valid YAML: " + firstLine(e.getMessage()), e);
        }
        if (tree != null && tree.isObject()) {
            tree.fields().forEachRemaining(field -> {
                if (field.getValue().size() > MAX_ENTRIES) {
                    throw new InvalidSettingsException(fileName + ": '" + printable(field.getKey()) + "' has "
                            + field.getValue().size() + " entries, more than " + MAX_ENTRIES);
                }
            });
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return new File();
        }
        if (!tree.isObject()) {
            throw new InvalidSettingsException(fileName + " must be a mapping of keys (" + ALLOWED_KEYS + "), not "
                    + tree.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        try {
            return YAML.treeToValue(tree, File.class);
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidSettingsException(fileName + ": unknown key '" + printable(e.getPropertyName())
                    + "' (allowed: " + ALLOWED_KEYS + ")", e);
        } catch (JsonMappingException e) {
            String where = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : "[" + r.getIndex() + "]").collect(Collectors.joining("."));
            throw new InvalidSettingsException(fileName + ": wrong type" + (where.isEmpty() ? "" : " at '"
                    + printable(where) + "'") + ": " + firstLine(e.getOriginalMessage()), e);
        } catch (IOException | RuntimeException e) {
            throw new InvalidSettingsException(fileName + " is not valid YAML: " + firstLine(e.getMessage()), e);
        }
    }

    private static String relativePath(String fileName, String key, String value) {
        if (value.isBlank()) {
            throw new InvalidSettingsException(fileName + ": '" + key + "' is empty");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidSettingsException(fileName + ": '" + key + "' '" + printable(value)
                    + "' has control characters");
        }
        Path path;
        try {
            path = Path.of(value).normalize();
        } catch (InvalidPathException e) {
            throw new InvalidSettingsException(fileName + ": '" + key + "' '" + printable(value) + "' is not a path",
                    e);
        }
        if (path.isAbsolute() || path.startsWith("..")) {
            throw new InvalidSettingsException(fileName + ": '" + key + "' " + value
                    + " must be a path inside the repository");
        }
        String normal = path.toString();
        return normal.isEmpty() ? "." : normal;
    }

    private static Duration duration(String fileName, String value) {
        String v = value.trim();
        Duration duration;
        try {
            if (v.matches("\\d{1,12}")) {
                duration = Duration.ofSeconds(Long.parseLong(v));
            } else if (v.matches("\\d{1,12}[smh]")) {
                duration = Duration.parse("PT" + v.toUpperCase(Locale.ROOT));
            } else {
                duration = Duration.parse(v);
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new InvalidSettingsException(fileName + ": 'timeout' " + printable(value)
                    + " is not a duration (e.g. 90s, 5m, 1h or PT10M)", e);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new InvalidSettingsException(fileName + ": 'timeout' " + printable(value) + " is not positive");
        }
        return duration;
    }

    /** {@code value} for a message: control characters escaped, at most 200 characters. */
    static String printable(String value) {
        StringBuilder text = new StringBuilder();
        value.codePoints().limit(200).forEach(c -> {
            if (Character.isISOControl(c)) {
                text.append(String.format("\\u%04x", c));
            } else {
                text.appendCodePoint(c);
            }
        });
        return value.codePointCount(0, value.length()) > 200 ? text + "…" : text.toString();
    }

    /** The first line of a parser's message, printable. */
    private static String firstLine(String message) {
        return message == null ? "" : printable(message.lines().findFirst().orElse(""));
    }
}
