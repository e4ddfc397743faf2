package dev.quayside.configsyncer.mirror;

import dev.quayside.configsyncer.writeback.WriteBackService;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.ConfigSynced.FileProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How one sync is announced: once per app whose definitions ({@code marathon/<environment>/.../<app>.json},
 * {@code chronos/...}) it changed — that app's definition keys and files in every environment and target, and its
 * suspension keys {@code <suspended-prefix>/<app>/<environment>} — keyed by the app, so that different apps land on
 * different partitions of {@code quayside.config-synced} (and marathon-applier instances) while one app's syncs stay
 * in order. Everything else the sync wrote (files that are no definition, such as {@code quayside.yml}) is announced
 * once more without an app, keyed by the branch; so is a sync that changed no app's definition, and a FAILED sync.
 * Every key, file and flagged file of the sync is in exactly one announcement. Deterministic: the same sync always
 * gives the same announcements, in the same order (apps by name, the rest last).
 */
final class AppAnnouncements {

    private final KeyLayout layout;
    private final String sourceRoot;
    private final String suspendedPrefix;

    AppAnnouncements(KeyLayout layout, String suspendedPrefix) {
        this.layout = layout;
        String root = layout.options().sourceRoot();
        this.sourceRoot = root == null || root.isEmpty() ? null : root.endsWith("/") ? root : root + "/";
        this.suspendedPrefix = suspendedPrefix == null || suspendedPrefix.isEmpty() ? null
                : suspendedPrefix.endsWith("/") ? suspendedPrefix : suspendedPrefix + "/";
    }

    /** What one announcement lists. */
    private static final class Part {
        final List<String> put = new ArrayList<>();
        final List<String> deleted = new ArrayList<>();
        final List<String> files = new ArrayList<>();
        final List<FileProblem> invalid = new ArrayList<>();
        final List<FileProblem> skipped = new ArrayList<>();

        boolean isEmpty() {
            return put.isEmpty() && deleted.isEmpty() && files.isEmpty() && invalid.isEmpty() && skipped.isEmpty();
        }
    }

    /** The announcements of {@code sync}: see the class comment. */
    List<ConfigSynced> of(ConfigSynced sync) {
        if (sync.outcome() == ConfigSynced.Outcome.FAILED || sync.app() != null) {
            return List.of(sync);
        }
        Map<String, Part> apps = new TreeMap<>();
        Part rest = new Part();
        // each definition file's key (and, expanded, the keys below it) belong to its app
        Map<String, String> appOfFileKey = new LinkedHashMap<>();
        for (String file : list(sync.filesChanged())) {
            Optional<String> app = appOf(file);
            if (app.isPresent()) {
                apps.computeIfAbsent(app.get(), a -> new Part()).files.add(file);
                layout.fileKey(sync.branch(), file).ifPresent(key -> appOfFileKey.put(key, app.get()));
            } else {
                rest.files.add(file);
            }
        }
        for (String key : list(sync.keysPut())) {
            part(key, appOfFileKey, apps, rest).put.add(key);
        }
        for (String key : list(sync.keysDeleted())) {
            part(key, appOfFileKey, apps, rest).deleted.add(key);
        }
        for (FileProblem problem : list(sync.invalidFiles())) {
            appOf(problem.path()).map(apps::get).orElse(rest).invalid.add(problem);
        }
        for (FileProblem problem : list(sync.skipped())) {
            appOf(problem.path()).map(apps::get).orElse(rest).skipped.add(problem);
        }
        if (apps.isEmpty()) {
            return List.of(sync);
        }
        List<ConfigSynced> announcements = new ArrayList<>();
        apps.forEach((app, p) -> announcements.add(sync.forApp(app, p.put, p.deleted, p.files, p.invalid, p.skipped)));
        if (!rest.isEmpty()) {
            announcements.add(sync.forApp(null, rest.put, rest.deleted, rest.files, rest.invalid, rest.skipped));
        }
        return announcements;
    }

    /** The part {@code key} belongs to: its definition's app, the app of a suspension key, else the rest. */
    private Part part(String key, Map<String, String> appOfFileKey, Map<String, Part> apps, Part rest) {
        String k = key.endsWith("/") ? key.substring(0, key.length() - 1) : key; // a tree: the key it is below
        String app = appOfFileKey.get(k);
        if (app == null) {
            for (int slash = k.lastIndexOf('/'); app == null && slash > 0; slash = k.lastIndexOf('/', slash - 1)) {
                app = appOfFileKey.get(k.substring(0, slash)); // a key expanded from a definition, or its tree
            }
        }
        if (app == null && suspendedPrefix != null && key.startsWith(suspendedPrefix)) {
            String below = key.substring(suspendedPrefix.length());
            int slash = below.indexOf('/');
            app = slash > 0 ? below.substring(0, slash) : null;
        }
        Part part = app == null ? null : apps.get(app);
        return part == null ? rest : part; // a suspension of an app whose definitions did not change: the rest
    }

    /** The app whose definition {@code path} (a repository path) is, if it is one. */
    private Optional<String> appOf(String path) {
        String relative = path;
        if (sourceRoot != null) {
            if (!path.startsWith(sourceRoot)) {
                return Optional.empty();
            }
            relative = path.substring(sourceRoot.length());
        }
        return WriteBackService.DEFINITION.matcher(relative).matches() ? Optional.of(WriteBackService.app(relative))
                : Optional.empty();
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
