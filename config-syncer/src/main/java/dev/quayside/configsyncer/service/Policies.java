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
 * which release tags (a semver range), and which source repositories may update which app. An environment not named
 * in the file, or a repository without the file, follows {@code main} only; an app not named may be updated by the
 * source repository named like the app or like its image.
 *
 * <pre>
 * environments:
 *   dev:     { branches: [main, "feature/*"] }
 *   staging: { branches: [main] }
 *   prod:    { branches: [], tags: "&gt;=1.0.0 &lt;2.0.0" }
 * apps:
 *   web-cleanup: { sources: [web] }
 * </pre>
 */
final class Policies {

    static final String FILE = "quayside.yml";
    static final List<String> DEFAULT_BRANCHES = List.of("main");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One environment's policy. */
    record Policy(List<String> branches, SemverRange tags) {

        /**
         * Whether a build of {@code sourceRef} is followed: {@code refs/heads/<name>} against the branch patterns,
         * {@code refs/tags/<name>} against the tag range, a bare name as a branch (image-builder before 0.2 announced
         * branch pushes only, by their short name), any other ref ({@code refs/pull/...}) never.
         */
        boolean accepts(String sourceRef) {
            String ref = sourceRef == null ? "" : sourceRef;
            if (ref.startsWith("refs/tags/")) {
                return tags != null && tags.matches(ref.substring("refs/tags/".length()));
            }
            String branch = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length())
                    : ref.startsWith("refs/") ? null : ref;
            if (branch == null || branch.isEmpty()) {
                return false;
            }
            for (String pattern : branches) {
                if (glob(pattern, branch)) {
                    return true;
                }
            }
            return false;
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
    /** Per app (a definition's file name without {@code .json}): the source repositories that may update it. */
    private final Map<String, List<String>> owners;

    private Policies(Map<String, Policy> environments, Map<String, List<String>> owners) {
        this.environments = environments;
        this.owners = owners;
    }

    static Policies defaults() {
        return new Policies(Map.of(), Map.of());
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
            return new Policies(environments, Map.of());
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
        return new Policies(environments, owners(root.path("apps")));
    }

    private static Map<String, List<String>> owners(JsonNode apps) {
        Map<String, List<String>> owners = new LinkedHashMap<>();
        if (apps.isMissingNode() || apps.isNull()) {
            return owners;
        }
        if (!apps.isObject()) {
            throw new IllegalArgumentException(FILE + ": 'apps' must be a map of app name to its settings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = apps.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> app = it.next();
            JsonNode sources = app.getValue().path("sources");
            List<String> names = new ArrayList<>();
            if (sources.isTextual()) {
                names.add(sources.asText());
            } else if (sources.isArray()) {
                for (JsonNode n : sources) {
                    if (!n.isTextual() || n.asText().isBlank()) {
                        throw new IllegalArgumentException(FILE + ": apps." + app.getKey()
                                + ".sources must be a list of source repository names");
                    }
                    names.add(n.asText());
                }
            } else {
                throw new IllegalArgumentException(FILE + ": apps." + app.getKey()
                        + ".sources must be a list of source repository names");
            }
            owners.put(app.getKey(), List.copyOf(names));
        }
        return owners;
    }

    /**
     * Whether source repository {@code repository} may update {@code app} (a definition's file name without
     * {@code .json}) to an image named {@code imageName} (the image's path in its registry): the repositories
     * {@code apps.<app>.sources} lists, or — for an app the file does not list — the repository named like the app or
     * like the last segment of the image name (image-builder's default image namespace, {@code <registry>/<repo>}).
     */
    boolean mayUpdate(String app, String repository, String imageName) {
        List<String> listed = owners.get(app);
        if (listed != null) {
            return listed.contains(repository);
        }
        String image = imageName == null ? "" : imageName.substring(imageName.lastIndexOf('/') + 1);
        return app.equals(repository) || image.equals(repository);
    }

    /** How {@link #mayUpdate} decided for {@code app}, for a refusal's reason. */
    String ownersOf(String app) {
        List<String> listed = owners.get(app);
        return listed != null ? FILE + " apps." + app + ".sources lists " + listed
                : "by default the source repository named like the app or its image";
    }

    /** {@code ref} as a full ref name: a bare name is a branch ({@code refs/heads/<name>}). */
    static String fullRef(String ref) {
        return ref == null || ref.startsWith("refs/") ? String.valueOf(ref) : "refs/heads/" + ref;
    }

    Policy policy(String environment) {
        return environments.getOrDefault(environment, DEFAULT);
    }

    /** True when {@code environment} follows builds of {@code sourceRef} (a branch or tag name, or a full ref). */
    boolean accepts(String environment, String sourceRef) {
        return policy(environment).accepts(sourceRef);
    }
}
