package dev.quayside.configsyncer.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * The config repository's {@code quayside.yml}: which environments follow which source branches (glob patterns) and
 * which release tags (a semver range), which apps are suspended there (neither updated nor applied nor self-healed),
 * which environment's successful deployments are promoted into which ({@code promote-from}: such an environment follows
 * no branch unless it lists {@code branches} or {@code tags}), and which source repositories may update which app. An
 * environment not named in the file, or a repository without the file, follows {@code main} only and suspends nothing;
 * an app not named may be updated by the source repository named like the app or like its image.
 *
 * <pre>
 * environments:
 *   dev:     { branches: [main, "feature/*"] }
 *   staging: { promote-from: dev }
 *   prod:    { branches: [], tags: "&gt;=1.0.0 &lt;2.0.0", suspended: [web] }
 *   live:    { promote-from: staging, approval: required, soak: 10m }
 * apps:
 *   web-cleanup: { sources: [web] }
 * </pre>
 */
public final class Policies {

    public static final String FILE = "quayside.yml";
    static final List<String> DEFAULT_BRANCHES = List.of("main");
    /** What an environment and an app may say; anything else is refused. */
    private static final List<String> ENVIRONMENT_KEYS = List.of("branches", "tags", "suspended", "promote-from",
            "approval", "soak", "windows");
    /** What a deployment window may say. */
    private static final List<String> WINDOW_KEYS = List.of("schedule", "duration", "time-zone");
    /**
     * A duration ({@code soak}, a window's {@code duration}): a whole number and a unit (seconds, minutes, hours, days),
     * such as {@code 90s} or {@code 10m}.
     */
    private static final java.util.regex.Pattern DURATION = java.util.regex.Pattern.compile("([0-9]{1,9})([smhd])");
    /** The longest soak time taken: longer is a typo more often than a wish. */
    private static final java.time.Duration MAX_SOAK = java.time.Duration.ofDays(30);
    private static final List<String> APP_KEYS = List.of("sources");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * One environment's policy.
     *
     * @param suspended   the apps (definition file names without {@code .json}) whose automation is suspended here
     * @param promoteFrom the environment whose successful deployments are promoted here, or null
     * @param gate        what a promotion into this environment waits for ({@link Gate#NONE} without one)
     */
    public record Policy(List<String> branches, SemverRange tags, Set<String> suspended, String promoteFrom,
            Gate gate) {

        /**
         * Whether a build of {@code sourceRef} is followed: {@code refs/heads/<name>} against the branch patterns,
         * {@code refs/tags/<name>} against the tag range, a bare name as a branch (image-builder before 0.2 announced
         * branch pushes only, by their short name), any other ref ({@code refs/pull/...}) never.
         */
        public boolean accepts(String sourceRef) {
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
            try {
                return matcher.matches(Path.of(name));
            } catch (InvalidPathException e) {
                return false; // a NUL in the name: no branch is called that
            }
        }
    }

    /**
     * The gates in front of a promotion into an environment ({@code approval}, {@code soak}, {@code windows}; only
     * with {@code promote-from}).
     *
     * @param approvalRequired an operator must approve the promotion ({@code approval: required})
     * @param soak             how long the image must have run in the previous environment first, or null for none
     * @param windows          when the promotion may be written (one of them open), or none: any time
     */
    public record Gate(boolean approvalRequired, java.time.Duration soak, List<DeploymentWindow> windows) {
        public static final Gate NONE = new Gate(false, null);

        public Gate {
            windows = windows == null ? List.of() : List.copyOf(windows);
        }

        /** Gates without deployment windows. */
        public Gate(boolean approvalRequired, java.time.Duration soak) {
            this(approvalRequired, soak, List.of());
        }

        /** Whether a promotion into the environment waits for anything. */
        public boolean gated() {
            return approvalRequired || soak != null || !windows.isEmpty();
        }
    }

    private static final Policy DEFAULT = new Policy(DEFAULT_BRANCHES, null, Set.of(), null, Gate.NONE);

    private final Map<String, Policy> environments;
    /** Per app (a definition's file name without {@code .json}): the source repositories that may update it. */
    private final Map<String, List<String>> owners;

    private Policies(Map<String, Policy> environments, Map<String, List<String>> owners) {
        this.environments = environments;
        this.owners = owners;
    }

    public static Policies defaults() {
        return new Policies(Map.of(), Map.of());
    }

    /**
     * Parses {@code quayside.yml}; a file that cannot be read, or that says something in the wrong shape (a list where
     * a range belongs, a glob that does not compile, ...), is an {@link IllegalArgumentException} whose message is one
     * short printable line starting with {@code quayside.yml}.
     */
    public static Policies parse(byte[] yaml) {
        JsonNode root;
        try {
            Optional<String> alias = YamlAliases.first(yaml);
            if (alias.isPresent()) {
                throw refused("YAML aliases (" + alias.get() + ") are not supported: write the value out");
            }
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException(FILE + " is not valid YAML: " + reason(e), e);
        }
        Map<String, Policy> environments = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new Policies(environments, Map.of());
        }
        if (!root.isObject()) {
            throw refused("the top level must be a map with 'environments' and 'apps'");
        }
        JsonNode envs = root.path("environments");
        if (!envs.isMissingNode() && !envs.isNull() && !envs.isObject()) {
            throw refused("'environments' must be a map of environment name to policy");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = envs.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> env = it.next();
            JsonNode node = env.getValue();
            String where = "environments." + env.getKey();
            if (!node.isObject() && !node.isNull()) {
                throw refused(where + " must be a map with 'branches', 'tags', 'suspended', 'promote-from',"
                        + " 'approval' and 'soak'");
            }
            onlyKeys(node, where, ENVIRONMENT_KEYS, "an environment");
            String promoteFrom = promoteFrom(node, where);
            List<String> branches = new ArrayList<>();
            JsonNode b = node.path("branches");
            if (b.isMissingNode() || b.isNull()) {
                if (promoteFrom == null) {
                    branches.addAll(DEFAULT_BRANCHES); // a promoted environment follows no branch unless it lists some
                }
            } else if (b.isTextual()) {
                branches.add(b.asText());
            } else if (b.isArray()) {
                for (JsonNode n : b) {
                    if (!n.isValueNode() || n.isNull()) {
                        throw refused(where + ".branches must be a list of branch names or glob patterns");
                    }
                    branches.add(n.asText());
                }
            } else {
                throw refused(where + ".branches must be a list");
            }
            for (String pattern : branches) {
                try {
                    FileSystems.getDefault().getPathMatcher("glob:" + pattern);
                } catch (RuntimeException e) {
                    throw refused(where + ".branches: '" + pattern + "' is not a glob pattern: " + e.getMessage());
                }
            }
            SemverRange tags = null;
            JsonNode t = node.path("tags");
            if (!t.isMissingNode() && !t.isNull()) {
                if (!t.isValueNode()) {
                    throw refused(where + ".tags must be one version range, such as \">=1.0.0 <2.0.0\"");
                }
                try {
                    tags = SemverRange.parse(t.asText());
                } catch (IllegalArgumentException e) {
                    throw refused(where + ".tags: " + e.getMessage());
                }
            }
            environments.put(env.getKey(), new Policy(List.copyOf(branches), tags, suspended(node, where),
                    promoteFrom, gate(node, where, promoteFrom)));
        }
        checkChain(environments);
        return new Policies(environments, owners(root.path("apps")));
    }

    /** {@code <where>.promote-from}: one environment name, or none. */
    private static String promoteFrom(JsonNode environment, String where) {
        JsonNode from = environment.path("promote-from");
        if (from.isMissingNode() || from.isNull()) {
            return null;
        }
        String name = from.isTextual() ? from.asText() : "";
        if (name.isBlank() || !name.strip().equals(name)) {
            throw refused(where + ".promote-from must be one environment name, not "
                    + (from.isTextual() ? "'" + name + "'" : from.getNodeType().name().toLowerCase()));
        }
        return name;
    }

    /**
     * {@code <where>.approval} ({@code required} or {@code none}) and {@code <where>.soak} (a duration such as
     * {@code 90s}, {@code 10m}, {@code 2h}): gates in front of a promotion, so only with {@code promote-from}.
     */
    private static Gate gate(JsonNode environment, String where, String promoteFrom) {
        JsonNode approval = environment.path("approval");
        JsonNode soak = environment.path("soak");
        JsonNode windows = environment.path("windows");
        boolean hasApproval = !approval.isMissingNode() && !approval.isNull();
        boolean hasSoak = !soak.isMissingNode() && !soak.isNull();
        boolean hasWindows = !windows.isMissingNode() && !windows.isNull();
        if ((hasApproval || hasSoak || hasWindows) && promoteFrom == null) {
            throw refused(where + "." + (hasApproval ? "approval" : hasSoak ? "soak" : "windows")
                    + " gates a promotion: it needs " + where + ".promote-from");
        }
        boolean required = false;
        if (hasApproval) {
            String value = approval.isTextual() ? approval.asText() : null;
            if (!"required".equals(value) && !"none".equals(value)) {
                throw refused(where + ".approval must be 'required' or 'none', not " + shown(approval));
            }
            required = value.equals("required");
        }
        java.time.Duration duration = null;
        if (hasSoak) {
            duration = duration(soak, where + ".soak");
            if (duration.isZero() || duration.compareTo(MAX_SOAK) > 0) {
                throw refused(where + ".soak must be more than 0s and at most 30d, not '" + soak.asText() + "'");
            }
        }
        return new Gate(required, duration, hasWindows ? windows(windows, where + ".windows") : List.of());
    }

    /** A duration such as {@code 90s}, {@code 10m}, {@code 2h} or {@code 1d} at {@code where}. */
    private static java.time.Duration duration(JsonNode value, String where) {
        java.util.regex.Matcher m = value.isTextual() ? DURATION.matcher(value.asText()) : null;
        if (m == null || !m.matches()) {
            throw refused(where + " must be a duration such as 90s, 10m, 2h or 1d, not " + shown(value));
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> java.time.Duration.ofSeconds(amount);
            case "m" -> java.time.Duration.ofMinutes(amount);
            case "h" -> java.time.Duration.ofHours(amount);
            default -> java.time.Duration.ofDays(amount);
        };
    }

    /**
     * {@code <where>}: a list of deployment windows, each {@code {schedule: "<cron>", duration: <duration>,
     * time-zone: <zone>}} (time zone UTC when left out).
     */
    private static List<DeploymentWindow> windows(JsonNode list, String where) {
        if (!list.isArray() || list.isEmpty()) {
            throw refused(where + " must be a list of windows such as {schedule: \"0 9 * * 1-5\", duration: 8h,"
                    + " time-zone: Europe/Berlin}");
        }
        List<DeploymentWindow> windows = new ArrayList<>();
        int i = 0;
        for (JsonNode window : list) {
            String at = where + "[" + i++ + "]";
            if (!window.isObject()) {
                throw refused(at + " must be a map with 'schedule', 'duration' and 'time-zone'");
            }
            onlyKeys(window, at, WINDOW_KEYS, "a window");
            JsonNode schedule = window.path("schedule");
            if (!schedule.isTextual()) {
                throw refused(at + ".schedule must be a cron expression such as \"0 9 * * 1-5\", not "
                        + shown(schedule));
            }
            JsonNode zone = window.path("time-zone");
            if (!zone.isMissingNode() && !zone.isTextual()) {
                throw refused(at + ".time-zone must be a time zone such as Europe/Berlin, not " + shown(zone));
            }
            java.time.Duration open = duration(window.path("duration"), at + ".duration");
            try {
                windows.add(DeploymentWindow.of(schedule.asText(), open, zone.isTextual() ? zone.asText() : "UTC"));
            } catch (IllegalArgumentException e) {
                throw refused(at + ": " + e.getMessage());
            }
        }
        return List.copyOf(windows);
    }

    private static String shown(JsonNode value) {
        return value.isTextual() ? "'" + value.asText() + "'" : value.getNodeType().name().toLowerCase();
    }

    /**
     * Every {@code promote-from} names another environment of the file, and following them never comes back to where
     * it started: {@code dev <- staging <- dev} is refused.
     */
    private static void checkChain(Map<String, Policy> environments) {
        environments.forEach((env, policy) -> {
            String from = policy.promoteFrom();
            if (from == null) {
                return;
            }
            String where = "environments." + env + ".promote-from";
            if (from.equals(env)) {
                throw refused(where + ": an environment cannot promote from itself");
            }
            if (!environments.containsKey(from)) {
                throw refused(where + ": '" + from + "' is not an environment of " + FILE
                        + " (name it under 'environments')");
            }
        });
        for (String start : environments.keySet()) {
            List<String> path = new ArrayList<>(List.of(start));
            for (String at = environments.get(start).promoteFrom(); at != null;
                    at = environments.get(at).promoteFrom()) {
                path.add(at);
                if (at.equals(start)) {
                    throw refused("environments: promotion cycle " + String.join(" <- ", path));
                }
                if (path.size() > environments.size() + 1) {
                    break; // a cycle that does not pass through start: found when starting from one of its members
                }
            }
        }
    }

    /** {@code <where>.suspended}: a list of app names (a definition's file name without {@code .json}), or none. */
    private static Set<String> suspended(JsonNode environment, String where) {
        JsonNode list = environment.path("suspended");
        if (list.isMissingNode() || list.isNull()) {
            return Set.of();
        }
        String shape = where + ".suspended must be a list of app names (definition file names without .json)";
        if (!list.isArray()) {
            throw refused(shape);
        }
        Set<String> apps = new TreeSet<>();
        for (JsonNode n : list) {
            String app = n.isTextual() ? n.asText() : "";
            if (app.isBlank() || !app.strip().equals(app) || app.contains("/") || app.equals(".") || app.equals("..")
                    || app.endsWith(".json")) {
                throw refused(shape + ", not " + (n.isTextual() ? "'" + app + "'" : n.getNodeType().name().toLowerCase()));
            }
            apps.add(app);
        }
        return Collections.unmodifiableSet(apps);
    }

    private static Map<String, List<String>> owners(JsonNode apps) {
        Map<String, List<String>> owners = new LinkedHashMap<>();
        if (apps.isMissingNode() || apps.isNull()) {
            return owners;
        }
        if (!apps.isObject()) {
            throw refused("'apps' must be a map of app name to its settings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = apps.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> app = it.next();
            onlyKeys(app.getValue(), "apps." + app.getKey(), APP_KEYS, "an app");
            JsonNode sources = app.getValue().path("sources");
            List<String> names = new ArrayList<>();
            for (JsonNode n : sources.isArray() ? sources : List.of(sources)) {
                if (!n.isTextual() || n.asText().isBlank()) {
                    throw refused("apps." + app.getKey() + ".sources must be a list of source repository names");
                }
                names.add(n.asText());
            }
            owners.put(app.getKey(), List.copyOf(names));
        }
        return owners;
    }

    /**
     * Refuses a key {@code node} does not know: a misspelled one ({@code promote_from}, {@code tag}) would otherwise
     * be ignored and its environment fall back to the defaults, following {@code main}.
     */
    private static void onlyKeys(JsonNode node, String where, List<String> known, String what) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!known.contains(name)) {
                throw refused(where + ": unknown key '" + printable(name) + "' (" + what + " takes "
                        + String.join(", ", known) + ")");
            }
        }
    }

    /** A refusal of the file: one printable line, whatever the file's keys and values hold. */
    private static IllegalArgumentException refused(String why) {
        return new IllegalArgumentException(FILE + ": " + printable(why));
    }

    /** The parser's complaint without the echo of the document: its first line and where it is. */
    private static String reason(IOException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String text;
        if (cause instanceof MarkedYAMLException marked && marked.getProblem() != null) {
            Mark mark = marked.getProblemMark();
            text = marked.getProblem()
                    + (mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1));
        } else if (e instanceof JsonProcessingException json) {
            JsonLocation at = json.getLocation();
            text = json.getOriginalMessage()
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr());
        } else {
            text = e.getMessage();
        }
        return printable(text == null ? e.getClass().getSimpleName() : text.lines().findFirst().orElse(""));
    }

    /** {@code value} with control characters escaped, cut at 200 characters. */
    public static String printable(String value) {
        StringBuilder text = new StringBuilder();
        value.codePoints().limit(200).forEach(c -> {
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                text.append(String.format("\\u%04x", c));
            } else {
                text.appendCodePoint(c);
            }
        });
        return value.codePointCount(0, value.length()) > 200 ? text + "…" : text.toString();
    }

    /**
     * Whether source repository {@code repository} may update {@code app} (a definition's file name without
     * {@code .json}) to an image named {@code imageName} (the image's path in its registry): the repositories
     * {@code apps.<app>.sources} lists, or — for an app the file does not list — the repository named like the app or
     * like the last segment of the image name (image-builder's default image namespace, {@code <registry>/<repo>}).
     */
    public boolean mayUpdate(String app, String repository, String imageName) {
        List<String> listed = owners.get(app);
        if (listed != null) {
            return listed.contains(repository);
        }
        String image = imageName == null ? "" : imageName.substring(imageName.lastIndexOf('/') + 1);
        return app.equals(repository) || image.equals(repository);
    }

    /** How {@link #mayUpdate} decided for {@code app}, for a refusal's reason. */
    public String ownersOf(String app) {
        List<String> listed = owners.get(app);
        return listed != null ? FILE + " apps." + app + ".sources lists " + listed
                : "by default the source repository named like the app or its image";
    }

    /** {@code ref} as a full ref name: a bare name is a branch ({@code refs/heads/<name>}). */
    public static String fullRef(String ref) {
        return ref == null || ref.startsWith("refs/") ? String.valueOf(ref) : "refs/heads/" + ref;
    }

    public Policy policy(String environment) {
        return environments.getOrDefault(environment, DEFAULT);
    }

    /** True when automation of {@code app} is suspended in {@code environment} ({@code environments.<env>.suspended}). */
    public boolean suspended(String app, String environment) {
        return policy(environment).suspended().contains(app);
    }

    /**
     * These policies with {@code extra} (environment → apps) suspended as well: the suspensions made through
     * config-syncer's API, kept beside {@code quayside.yml} ({@link PolicyFiles}). An environment the file does not
     * name gets the default policy with those apps suspended.
     */
    public Policies withSuspended(Map<String, Set<String>> extra) {
        if (extra.isEmpty()) {
            return this;
        }
        Map<String, Policy> merged = new LinkedHashMap<>(environments);
        extra.forEach((env, apps) -> {
            Policy p = policy(env);
            Set<String> suspended = new TreeSet<>(p.suspended());
            suspended.addAll(apps);
            merged.put(env, new Policy(p.branches(), p.tags(), Collections.unmodifiableSet(suspended), p.promoteFrom(),
                    p.gate()));
        });
        return new Policies(merged, owners);
    }

    /** Per environment named in the file, the apps suspended there (environments without any are left out). */
    public Map<String, Set<String>> suspensions() {
        Map<String, Set<String>> suspended = new TreeMap<>();
        environments.forEach((env, policy) -> {
            if (!policy.suspended().isEmpty()) {
                suspended.put(env, policy.suspended());
            }
        });
        return suspended;
    }

    /** The environment whose successful deployments are promoted into {@code environment} ({@code promote-from}). */
    public Optional<String> promoteFrom(String environment) {
        return Optional.ofNullable(policy(environment).promoteFrom());
    }

    /** The gates in front of a promotion into {@code environment} ({@code approval}, {@code soak}). */
    public Gate gate(String environment) {
        return policy(environment).gate();
    }

    /** The environments that say {@code promote-from: <environment>}, in the file's order. */
    public List<String> promotedFrom(String environment) {
        List<String> targets = new ArrayList<>();
        environments.forEach((env, policy) -> {
            if (environment.equals(policy.promoteFrom())) {
                targets.add(env);
            }
        });
        return targets;
    }

    /** True when {@code environment} follows builds of {@code sourceRef} (a branch or tag name, or a full ref). */
    public boolean accepts(String environment, String sourceRef) {
        return policy(environment).accepts(sourceRef);
    }
}
