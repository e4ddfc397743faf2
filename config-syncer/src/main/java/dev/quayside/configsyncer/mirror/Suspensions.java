package dev.quayside.configsyncer.mirror;

import dev.quayside.configsyncer.client.ConsulClient;
import dev.quayside.configsyncer.client.ConsulException;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.client.GitWorkspace;
import dev.quayside.configsyncer.client.KvOp;
import dev.quayside.configsyncer.policy.Policies;
import dev.quayside.configsyncer.policy.PolicyFiles;
import dev.quayside.configsyncer.writeback.WriteBackService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import org.eclipse.jgit.lib.ObjectId;
import org.jboss.logging.Logger;

/**
 * The mirror's part of suspension: brings the keys {@code <prefix>/<app>/<environment>} in line with the
 * {@code environments.<env>.suspended} lists of the mirrored commit's {@code quayside.yml} and its
 * {@code .quayside/suspended/} files ({@link PolicyFiles}). A newly suspended pair gets
 * its key (value: the commit that suspended it); a pair no longer listed (resumed) loses it, and its definitions in
 * that environment are named so that the sync lists them and marathon-applier applies what Git holds now. The
 * operations commit in the sync's guarded last transaction, so Consul never holds a definition and a suspension that
 * disagree with one commit.
 */
final class Suspensions {

    private static final Logger LOG = Logger.getLogger(Suspensions.class);

    /**
     * What one sync changes.
     *
     * @param ops     the key puts and deletes
     * @param resumed the definitions of the resumed pairs (repository paths), to be listed as changed
     */
    record Plan(List<KvOp> ops, List<String> resumed) {
        static final Plan NONE = new Plan(List.of(), List.of());
    }

    private Suspensions() {
    }

    /**
     * Compares the suspensions {@code head}'s {@code quayside.yml} declares with the keys under {@code prefix}. A file
     * that does not parse changes nothing (its refusal is the write-back's to report).
     */
    static Plan plan(GitWorkspace ws, ConsulClient consul, String prefix, ObjectId head)
            throws GitException, ConsulException {
        Policies policies;
        try {
            policies = PolicyFiles.at(ws, head);
        } catch (IllegalArgumentException e) {
            LOG.warnf("%s at %s: suspensions left as Consul has them", e.getMessage(), head.name());
            return Plan.NONE;
        }
        Set<String> wanted = new TreeSet<>();
        for (Map.Entry<String, Set<String>> env : policies.suspensions().entrySet()) {
            for (String app : env.getValue()) {
                String key = prefix + "/" + app + "/" + env.getKey();
                String illegal = env.getKey().contains("/") ? "an environment name with '/'"
                        : KeyLayout.illegalKeyReason(key);
                if (illegal != null) {
                    LOG.warnf("%s: %s is suspended in '%s', which cannot be a Consul key (%s): ignored", Policies.FILE,
                            app, Policies.printable(env.getKey()), illegal);
                    continue;
                }
                wanted.add(key);
            }
        }
        List<KvOp> ops = new ArrayList<>();
        Set<String> resumedPairs = new TreeSet<>();
        Set<String> held = consul.values(prefix + "/").keySet();
        for (String key : held) {
            String[] pair = key.substring(prefix.length() + 1).split("/", -1);
            if (pair.length == 2 && !wanted.contains(key)) {
                ops.add(KvOp.delete(key));
                resumedPairs.add(pair[1] + "/" + pair[0]);
            }
        }
        for (String key : wanted) {
            if (!held.contains(key)) {
                ops.add(KvOp.set(key, head.name()));
            }
        }
        return new Plan(ops, resumedPairs.isEmpty() ? List.of() : definitions(ws, head, resumedPairs));
    }

    /**
     * The definitions of the pairs {@code from}'s {@code quayside.yml} suspends and {@code to}'s does not (resumed
     * between them), as {@code to} has them: what a sync of {@code from..to} listed for a resume, for rebuilding its
     * event.
     */
    static List<String> resumedBetween(GitWorkspace ws, ObjectId from, ObjectId to) throws GitException {
        Set<String> before = pairs(ws, from);
        before.removeAll(pairs(ws, to));
        return before.isEmpty() ? List.of() : definitions(ws, to, before);
    }

    /** The pairs ({@code <environment>/<app>}) {@code commit}'s {@code quayside.yml} suspends (none when unreadable). */
    private static Set<String> pairs(GitWorkspace ws, ObjectId commit) throws GitException {
        Set<String> pairs = new TreeSet<>();
        try {
            PolicyFiles.at(ws, commit).suspensions()
                    .forEach((env, apps) -> apps.forEach(app -> pairs.add(env + "/" + app)));
        } catch (IllegalArgumentException e) {
            LOG.debugf("%s at %s: %s", Policies.FILE, commit.name(), e.getMessage());
        }
        return pairs;
    }

    /** The Marathon and Chronos definitions of {@code pairs} ({@code <environment>/<app>}) at {@code head}. */
    private static List<String> definitions(GitWorkspace ws, ObjectId head, Set<String> pairs) throws GitException {
        List<String> paths = new ArrayList<>();
        for (String path : ws.files(head, null).keySet()) {
            Matcher m = WriteBackService.DEFINITION.matcher(path);
            if (m.matches() && pairs.contains(m.group(2) + "/" + WriteBackService.app(path))) {
                paths.add(path);
            }
        }
        return paths;
    }
}
