package dev.quayside.configsyncer.mirror;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.client.GitWorkspace;
import dev.quayside.configsyncer.client.KvOp;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.events.ConfigSynced.FileProblem;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.lib.ObjectId;
import org.jboss.logging.Logger;

/**
 * What mirroring writes to Consul KV for a change of a config repository's tree, with git2consul's layout: the keys to
 * put and delete, the files they come from, and the files flagged (invalid JSON, not expandable) or skipped (an
 * illegal key). Built from the diff of two commits, or from every file of one (a full resync).
 */
final class KvChanges {

    private static final Logger LOG = Logger.getLogger(KvChanges.class);
    private static final JsonFactory JSON = new JsonFactory();

    final List<KvOp> deletes = new ArrayList<>();
    final Map<String, byte[]> puts = new LinkedHashMap<>();
    final List<String> files = new ArrayList<>();
    final List<FileProblem> invalid = new ArrayList<>();
    final List<FileProblem> skipped = new ArrayList<>();

    /** The writes that bring Consul from {@code from}'s tree to {@code head}'s. */
    static KvChanges diff(GitWorkspace ws, ConfigRepo repo, String branch, ObjectId from, ObjectId head,
            Properties common) throws GitException {
        KeyLayout layout = repo.layout();
        KvChanges changes = new KvChanges();
        List<DiffEntry> entries = ws.diff(from, head);
        try (GitWorkspace.Blobs blobs = ws.blobs()) {
            for (DiffEntry d : entries) {
                switch (d.getChangeType()) {
                    case ADD, MODIFY, COPY -> {
                        byte[] old = d.getChangeType() == DiffEntry.ChangeType.MODIFY
                                ? blobs.read(d.getOldId().toObjectId()) : null;
                        changes.put(layout, branch, d.getNewPath(), blobs.read(d.getNewId().toObjectId()), old, common);
                    }
                    case DELETE -> changes.delete(layout, branch, d.getOldPath());
                    case RENAME -> {
                        changes.delete(layout, branch, d.getOldPath());
                        changes.put(layout, branch, d.getNewPath(), blobs.read(d.getNewId().toObjectId()), null, common);
                    }
                    default -> {
                    }
                }
            }
        }
        return changes;
    }

    /** The writes of every file of {@code commit}: what a full resync puts. */
    static KvChanges files(GitWorkspace ws, ConfigRepo repo, String branch, ObjectId commit, Properties common)
            throws GitException {
        KvChanges changes = new KvChanges();
        Map<String, ObjectId> files = ws.files(commit, repo.mirror().sourceRoot());
        try (GitWorkspace.Blobs blobs = ws.blobs()) {
            for (Map.Entry<String, ObjectId> file : files.entrySet()) {
                changes.put(repo.layout(), branch, file.getKey(), blobs.read(file.getValue()), null, common);
            }
        }
        return changes;
    }

    /** The writes of {@code paths} as {@code commit} has them (a path it does not have is left out). */
    static KvChanges ofFiles(GitWorkspace ws, ConfigRepo repo, String branch, ObjectId commit, List<String> paths,
            Properties common) throws GitException {
        KvChanges changes = new KvChanges();
        for (String path : paths) {
            byte[] content = ws.readFile(commit, path);
            if (content != null) {
                changes.put(repo.layout(), branch, path, content, null, common);
            }
        }
        return changes;
    }

    /** Adds {@code other}'s writes of files this change does not write already. */
    void addAll(KvChanges other) {
        for (String file : other.files) {
            if (!files.contains(file)) {
                files.add(file);
            }
        }
        other.puts.forEach(puts::putIfAbsent);
        other.invalid.stream().filter(p -> !invalid.contains(p)).forEach(invalid::add);
        other.skipped.stream().filter(p -> !skipped.contains(p)).forEach(skipped::add);
    }

    /** Adds the writes for one added or modified file ({@code old} is its previous content when modified). */
    private void put(KeyLayout layout, String branch, String path, byte[] content, byte[] old, Properties common) {
        Optional<String> fileKey = layout.fileKey(branch, path);
        if (fileKey.isEmpty()) {
            return;
        }
        String illegal = KeyLayout.illegalKeyReason(fileKey.get());
        if (illegal != null) {
            skipped.add(new FileProblem(path, illegal));
            return;
        }
        files.add(path);
        if (path.toLowerCase().endsWith(".json")) {
            String problem = jsonProblem(content);
            if (problem != null) {
                invalid.add(new FileProblem(path, "not valid JSON, mirrored as text: " + problem));
            }
        }
        MirrorOptions options = layout.options();
        if (!options.expandKeys() || !KvExpander.expandable(path)) {
            puts.put(fileKey.get(), content);
            return;
        }
        Map<String, String> leaves = expandOrWhole(fileKey.get(), path, content, common, true);
        if (old != null) {
            Map<String, String> previous = expandOrWhole(fileKey.get(), path, old, common, false);
            for (String key : previous.keySet()) {
                if (!leaves.containsKey(key)) {
                    deletes.add(KvOp.delete(key));
                }
            }
            if (options.expandKeysDiff()) {
                leaves.entrySet().removeIf(e -> e.getValue().equals(previous.get(e.getKey())));
            }
        }
        for (Map.Entry<String, String> leaf : leaves.entrySet()) {
            String reason = KeyLayout.illegalKeyReason(leaf.getKey());
            if (reason != null) {
                skipped.add(new FileProblem(path, reason + ": " + leaf.getKey()));
            } else {
                puts.put(leaf.getKey(), leaf.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private Map<String, String> expandOrWhole(String fileKey, String path, byte[] content, Properties common,
            boolean report) {
        try {
            return new LinkedHashMap<>(KvExpander.expand(fileKey, path, content, common));
        } catch (IllegalArgumentException e) {
            if (report && !path.toLowerCase().endsWith(".json")) {
                invalid.add(new FileProblem(path, "not expanded, stored whole: " + e.getMessage()));
            }
            Map<String, String> whole = new LinkedHashMap<>();
            whole.put(fileKey, new String(content, StandardCharsets.UTF_8));
            return whole;
        }
    }

    private void delete(KeyLayout layout, String branch, String path) {
        Optional<String> fileKey = layout.fileKey(branch, path);
        if (fileKey.isEmpty() || KeyLayout.illegalKeyReason(fileKey.get()) != null) {
            return;
        }
        files.add(path);
        deletes.add(KvOp.delete(fileKey.get()));
        if (layout.options().expandKeys() && KvExpander.expandable(path)) {
            deletes.add(KvOp.deleteTree(fileKey.get() + "/"));
        }
    }

    /** The repository's common properties file as of {@code head} (for key expansion), or null when none is set. */
    static Properties commonProperties(GitWorkspace ws, ConfigRepo repo, ObjectId head) throws GitException {
        String path = repo.mirror().commonProperties();
        if (path == null || path.isBlank()) {
            return null;
        }
        byte[] content = ws.readFile(head, path);
        Properties p = new Properties();
        if (content != null) {
            try {
                p.load(new StringReader(new String(content, StandardCharsets.UTF_8)));
            } catch (IOException | IllegalArgumentException e) {
                LOG.warnf("common properties %s unreadable: %s", path, e.getMessage());
            }
        }
        return p;
    }

    /** Why {@code content} is not one valid JSON document, or null when it is. */
    static String jsonProblem(byte[] content) {
        try (JsonParser parser = JSON.createParser(content)) {
            if (parser.nextToken() == null) {
                return "empty file";
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                return "more than one JSON value";
            }
            return null;
        } catch (IOException e) {
            String m = e.getMessage();
            return m == null ? e.toString() : m.lines().findFirst().orElse(m);
        }
    }

    /** True when no delete touches a key (or tree) that a put writes, so the order of batches does not matter. */
    boolean independent() {
        Set<String> deleted = new HashSet<>();
        for (KvOp op : deletes) {
            if (op.verb() == KvOp.Verb.DELETE_TREE) {
                return false;
            }
            deleted.add(op.key());
        }
        return puts.keySet().stream().noneMatch(deleted::contains);
    }
}
