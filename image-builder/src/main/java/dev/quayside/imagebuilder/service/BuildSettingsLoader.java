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
import java.util.stream.Collectors;

/**
 * Reads a repository's {@code .quayside.yml} and merges it over the service defaults. Every problem is an
 * {@link InvalidSettingsException} whose message names the file, the key and what is allowed.
 *
 * <pre>
 * image: team/sample-app        # image name in the registry (default: [image-prefix]repository name)
 * context: .                    # build context folder (default: quayside.builder.context)
 * dockerfile: Dockerfile        # relative to the context (default: quayside.builder.dockerfile)
 * target: runtime               # multi-stage target (default: none)
 * buildArgs: {VERSION: "1"}     # added to quayside.builder.build-args
 * tags: ["{branch}", latest]    # tags besides the commit tag (default: quayside.builder.extra-tags)
 * timeout: 5m                   # build timeout, at most quayside.builder.timeout
 * </pre>
 */
public final class BuildSettingsLoader {

    /** Docker's rules for a repository path and a tag. */
    static final Pattern IMAGE_NAME = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    static final String ALLOWED_KEYS = "image, context, dockerfile, target, buildArgs, tags, timeout";

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
        public String timeout;
    }

    private final BuilderConfig config;

    public BuildSettingsLoader(BuilderConfig config) {
        this.config = config;
    }

    /**
     * @param repository the repository name (the default image name)
     * @param branch     the pushed branch ({@code {branch}} in tags)
     * @param content    the settings file's text at the commit, or empty when the commit has none
     */
    public BuildSettings load(String repository, String branch, Optional<String> content) {
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
        } else {
            file = parse(fileName, content.get());
        }
        String image = file.image != null ? check(fileName, "image", file.image, IMAGE_NAME,
                "lower-case path segments of [a-z0-9] joined by '.', '_', '__' or '-', separated by '/'")
                : defaultImage(repository);
        String context = relativePath(fileName, "context", file.context != null ? file.context : config.context());
        String dockerfile = relativePath(fileName, "dockerfile",
                file.dockerfile != null ? file.dockerfile : config.dockerfile());
        if (file.target != null && file.target.isBlank()) {
            throw new InvalidSettingsException(fileName + ": 'target' is empty (leave it out to build the last stage)");
        }
        Map<String, String> buildArgs = new LinkedHashMap<>(config.buildArgs());
        if (file.buildArgs != null) {
            file.buildArgs.forEach((k, v) -> {
                if (k == null || k.isBlank()) {
                    throw new InvalidSettingsException(fileName + ": 'buildArgs' has an empty name");
                }
                buildArgs.put(k, v == null ? "" : v);
            });
        }
        List<String> tagTemplates = file.tags != null ? file.tags : config.extraTags();
        List<String> tags = new ArrayList<>(expandTags(fileName, tagTemplates, branch, file.tags != null));
        Duration timeout = config.timeout();
        if (file.timeout != null) {
            Duration wanted = duration(fileName, file.timeout);
            if (wanted.compareTo(timeout) > 0) {
                throw new InvalidSettingsException(fileName + ": 'timeout' " + file.timeout
                        + " is longer than the service's limit " + timeout + " (quayside.builder.timeout)");
            }
            timeout = wanted;
        }
        return new BuildSettings(image, context, dockerfile, file.target, Map.copyOf(buildArgs), List.copyOf(tags),
                timeout, content.isPresent());
    }

    /** The default image name: {@code [image-prefix]} + the repository name, lower-cased and cleaned. */
    String defaultImage(String repository) {
        String base = repository.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._/-]", "-")
                .replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        String name = config.imagePrefix().orElse("") + base;
        if (!IMAGE_NAME.matcher(name).matches()) {
            throw new InvalidSettingsException("repository name '" + repository + "' gives no valid image name ('"
                    + name + "'): set 'image' in " + config.settingsFile());
        }
        return name;
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
                throw new InvalidSettingsException(fileName + ": tag '" + template + "' gives '" + tag
                        + "', not a valid Docker tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
            }
            tags.add(tag);
        }
        return tags;
    }

    private static File parse(String fileName, String content) {
        JsonNode tree;
        try {
            tree = YAML.readTree(content);
        } catch (IOException e) {
            throw new InvalidSettingsException(fileName + " is not valid YAML: " + firstLine(e.getMessage()), e);
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
            throw new InvalidSettingsException(fileName + ": unknown key '" + e.getPropertyName() + "' (allowed: "
                    + ALLOWED_KEYS + ")", e);
        } catch (JsonMappingException e) {
            String where = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : "[" + r.getIndex() + "]").collect(Collectors.joining("."));
            throw new InvalidSettingsException(fileName + ": wrong type" + (where.isEmpty() ? "" : " at '" + where + "'")
                    + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidSettingsException(fileName + " is not valid YAML: " + firstLine(e.getMessage()), e);
        }
    }

    private static String check(String fileName, String key, String value, Pattern pattern, String rule) {
        if (!pattern.matcher(value).matches()) {
            throw new InvalidSettingsException(fileName + ": '" + key + "' value '" + value + "' is invalid: " + rule);
        }
        return value;
    }

    private static String relativePath(String fileName, String key, String value) {
        if (value.isBlank()) {
            throw new InvalidSettingsException(fileName + ": '" + key + "' is empty");
        }
        Path path = Path.of(value).normalize();
        if (path.isAbsolute() || path.startsWith("..")) {
            throw new InvalidSettingsException(fileName + ": '" + key + "' " + value
                    + " must be a path inside the repository");
        }
        String normal = path.toString();
        return normal.isEmpty() ? "." : normal;
    }

    private static Duration duration(String fileName, String value) {
        String v = value.trim();
        try {
            if (v.matches("\\d+")) {
                return Duration.ofSeconds(Long.parseLong(v));
            }
            if (v.matches("\\d+[smh]")) {
                return Duration.parse("PT" + v.toUpperCase(Locale.ROOT));
            }
            return Duration.parse(v);
        } catch (DateTimeParseException e) {
            throw new InvalidSettingsException(fileName + ": 'timeout' " + value
                    + " is not a duration (e.g. 90s, 5m, 1h or PT10M)", e);
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
