package dev.quayside.configsyncer.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config repository's {@code quayside.yml}: which environments follow which source branches (glob patterns) and
 * which release tags (a semver range). An environment not named in the file, or a repository without the file,
 * follows {@code main} only.
 *
 * <pre>
 * environments:
 *   dev:     { branches: [main, "feature/*"] }
 *   staging: { branches: [main] }
 *   prod:    { branches: [], tags: "&gt;=1.0.0 &lt;2.0.0" }
 * </pre>
 */
final class Policies {

    static final String FILE = "quayside.yml";
    static final List<String> DEFAULT_BRANCHES = List.of("main");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One environment's policy. */
    record Policy(List<String> branches, SemverRange tags) {

        boolean accepts(String sourceRef) {
            String ref = sourceRef == null ? "" : sourceRef;
            boolean isTag = ref.startsWith("refs/tags/");
            String name = ref.replaceFirst("^refs/(heads|tags)/", "");
            if (!isTag) {
                for (String pattern : branches) {
                    if (glob(pattern, name)) {
                        return true;
                    }
                }
            }
            return tags != null && !ref.startsWith("refs/heads/") && tags.matches(name);
        }

        private static boolean glob(String pattern, String name) {
            if (pattern.equals(name)) {
                return true;
            }
            if (name.isEmpty() || !(pattern.contains("*") || pattern.contains("?") || pattern.contains("["))) {
                return false;
            }
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            return matcher.matches(Path.of(name));
        }
    }

    private static final Policy DEFAULT = new Policy(DEFAULT_BRANCHES, null);

    private final Map<String, Policy> environments;

    private Policies(Map<String, Policy> environments) {
        this.environments = environments;
    }

    static Policies defaults() {
        return new Policies(Map.of());
    }

    /** Parses {@code quayside.yml}; a file that cannot be read is an {@link IllegalArgumentException} saying why. */
    static Policies parse(byte[] yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException(FILE + " is not valid YAML: " + e.getMessage(), e);
        }
        Map<String, Policy> environments = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new Policies(environments);
        }
        JsonNode envs = root.path("environments");
        if (!envs.isMissingNode() && !envs.isObject()) {
            throw new IllegalArgumentException(FILE + ": 'environments' must be a map of environment name to policy");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = envs.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> env = it.next();
            JsonNode node = env.getValue();
            List<String> branches = new ArrayList<>();
            JsonNode b = node.path("branches");
            if (b.isMissingNode() || b.isNull()) {
                branches.addAll(DEFAULT_BRANCHES);
            } else if (b.isTextual()) {
                branches.add(b.asText());
            } else if (b.isArray()) {
                b.forEach(n -> branches.add(n.asText()));
            } else {
                throw new IllegalArgumentException(FILE + ": environments." + env.getKey() + ".branches must be a list");
            }
            SemverRange tags = null;
            if (node.hasNonNull("tags")) {
                try {
                    tags = SemverRange.parse(node.get("tags").asText());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(FILE + ": environments." + env.getKey() + ".tags: " + e.getMessage());
                }
            }
            environments.put(env.getKey(), new Policy(List.copyOf(branches), tags));
        }
        return new Policies(environments);
    }

    Policy policy(String environment) {
        return environments.getOrDefault(environment, DEFAULT);
    }

    /** True when {@code environment} follows builds of {@code sourceRef} (a branch or tag name, or a full ref). */
    boolean accepts(String environment, String sourceRef) {
        return policy(environment).accepts(sourceRef);
    }
}
