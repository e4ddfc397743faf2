package dev.quayside.configsyncer.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.client.GitWorkspace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Where a config repository says how it is deployed: {@code quayside.yml} ({@link Policies}) and, beside it, one file
 * per suspension made through config-syncer's API, {@code .quayside/suspended/<environment>/<app>.yml} (who, why,
 * since when). Those files are written and deleted as commits, so that a person's {@code quayside.yml} is never
 * rewritten (its comments and layout stay as they are); deleting one by hand resumes the app as
 * {@code quayside resume} does. Everything that acts on suspensions reads them here.
 */
public final class PolicyFiles {

    /** The folder of the suspensions made through the API. */
    public static final String SUSPENDED_DIR = ".quayside/suspended/";
    private static final Pattern SUSPENSION_FILE = Pattern.compile(Pattern.quote(SUSPENDED_DIR)
            + "([^/]+)/([^/]+)\\.yml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    /**
     * A suspension made through the API, as its file says.
     *
     * @param path   the file
     * @param by     who asked, or null
     * @param reason why, or null
     * @param since  when, or null
     */
    public record Suspension(String environment, String app, String path, String by, String reason, Instant since) {
    }

    private PolicyFiles() {
    }

    /**
     * The policies at {@code commit}: its {@code quayside.yml} (the defaults without one) with the suspensions of its
     * {@code .quayside/suspended/} files added.
     *
     * @throws IllegalArgumentException when {@code quayside.yml} is refused ({@link Policies#parse})
     */
    public static Policies at(GitWorkspace ws, ObjectId commit) throws GitException {
        Map<String, Set<String>> extra = new TreeMap<>();
        for (Suspension s : suspensionFiles(ws, commit, false)) {
            extra.computeIfAbsent(s.environment(), e -> new TreeSet<>()).add(s.app());
        }
        return declared(ws, commit).withSuspended(extra);
    }

    /** {@code commit}'s {@code quayside.yml} alone (the defaults without one); refused as {@link Policies#parse}. */
    public static Policies declared(GitWorkspace ws, ObjectId commit) throws GitException {
        byte[] file = ws.readFile(commit, Policies.FILE);
        return file == null ? Policies.defaults() : Policies.parse(file);
    }

    /** The suspensions {@code commit}'s {@code .quayside/suspended/} files make, with what they say about themselves. */
    public static List<Suspension> suspensions(GitWorkspace ws, ObjectId commit) throws GitException {
        return suspensionFiles(ws, commit, true);
    }

    private static List<Suspension> suspensionFiles(GitWorkspace ws, ObjectId commit, boolean read)
            throws GitException {
        List<Suspension> found = new ArrayList<>();
        for (Map.Entry<String, ObjectId> file : ws.files(commit, SUSPENDED_DIR.substring(0, SUSPENDED_DIR.length() - 1))
                .entrySet()) {
            Matcher m = SUSPENSION_FILE.matcher(file.getKey());
            if (!m.matches()) {
                continue; // not <environment>/<app>.yml: not a suspension
            }
            JsonNode content = read ? content(ws.read(file.getValue())) : null;
            found.add(new Suspension(m.group(1), m.group(2), file.getKey(), text(content, "by"),
                    text(content, "reason"), instant(text(content, "since"))));
        }
        return found;
    }

    /** Where the API's suspension of {@code app} in {@code environment} is kept. */
    public static String suspensionFile(String environment, String app) {
        return SUSPENDED_DIR + environment + "/" + app + ".yml";
    }

    /** The content of a suspension file: a comment saying how to resume, then app, environment, by, reason, since. */
    public static byte[] suspensionContent(String environment, String app, String by, String reason, Instant since) {
        ObjectNode node = YAML.createObjectNode();
        node.put("app", app);
        node.put("environment", environment);
        if (by != null && !by.isBlank()) {
            node.put("by", by);
        }
        if (reason != null && !reason.isBlank()) {
            node.put("reason", reason);
        }
        node.put("since", since.toString());
        try {
            return ("# Automation of " + app + " in " + environment + " is suspended: Quayside neither updates nor"
                    + " applies\n# its definition there. Delete this file (or run: quayside resume " + app + " --env "
                    + environment + ") to resume.\n" + YAML.writeValueAsString(node)).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write YAML", e);
        }
    }

    /** The file's YAML map, or null when it is not one (the file still suspends: only its details are lost). */
    private static JsonNode content(byte[] bytes) {
        try {
            JsonNode node = YAML.readTree(bytes);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? Policies.printable(value.asText()) : null;
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
