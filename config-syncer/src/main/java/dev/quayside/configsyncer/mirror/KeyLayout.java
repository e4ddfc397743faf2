package dev.quayside.configsyncer.mirror;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * git2consul's key layout for one repository: {@code [mountpoint/][repo/][branch/]<path relative to source_root>},
 * the last-synced-commit key {@code [mountpoint/][repo/]<branch>.ref}, and which keys Consul cannot take.
 */
public final class KeyLayout {

    /** Consul's documented ceiling for a key is far larger, but keys this long are always a mistake in a config repo. */
    public static final int MAX_KEY_BYTES = 512;

    private final String repo;
    private final MirrorOptions options;

    public KeyLayout(String repo, MirrorOptions options) {
        this.repo = repo;
        this.options = options;
    }

    MirrorOptions options() {
        return options;
    }

    /** The prefix every key of {@code branch} starts with, ending in {@code /}, or "" when every option is off. */
    String branchPrefix(String branch) {
        return join(options.mountpoint(), options.ignoreRepoName() ? null : repo,
                options.includeBranchName() ? branch : null);
    }

    /** Where the last synced commit of {@code branch} is stored. */
    String refKey(String branch) {
        return join(options.mountpoint(), options.ignoreRepoName() ? null : repo, null) + branch + ".ref";
    }

    /**
     * Where the record of {@code branch}'s last sync is kept (which commit, whether it was announced), beside the ref
     * key and outside the branch's tree: {@code [mountpoint/][repo/]<branch>.sync}.
     */
    String syncKey(String branch) {
        return join(options.mountpoint(), options.ignoreRepoName() ? null : repo, null) + branch + ".sync";
    }

    /**
     * Where the chains whose definitions were announced for {@code branch} are listed ({@link AnnouncedChains}):
     * {@code [mountpoint/][repo/]<branch>.chains}, outside the branch's tree.
     */
    String announcedChainsKey(String branch) {
        return join(options.mountpoint(), options.ignoreRepoName() ? null : repo, null) + branch + ".chains";
    }

    /** The keys the mirror keeps for {@code branch} beside its tree: its ref, sync record and announced chains. */
    List<String> bookkeepingKeys(String branch) {
        return List.of(refKey(branch), syncKey(branch), announcedChainsKey(branch));
    }

    /** The key of a repository file, or empty when the file is outside {@code source_root}. */
    Optional<String> fileKey(String branch, String path) {
        String relative = path;
        String root = options.sourceRoot();
        if (root != null && !root.isEmpty()) {
            String prefix = root.endsWith("/") ? root : root + "/";
            if (!path.startsWith(prefix)) {
                return Optional.empty();
            }
            relative = path.substring(prefix.length());
        }
        if (options.ignoreFileExtension()) {
            int slash = relative.lastIndexOf('/');
            int dot = relative.lastIndexOf('.');
            if (dot > slash + 1) {
                relative = relative.substring(0, dot);
            }
        }
        return Optional.of(branchPrefix(branch) + relative);
    }

    /** Why Consul (or a reader of it) cannot take {@code key}, or null when it is fine. */
    public static String illegalKeyReason(String key) {
        if (key.isEmpty()) {
            return "empty key";
        }
        if (key.startsWith("/")) {
            return "key starts with '/'";
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            return "key longer than " + MAX_KEY_BYTES + " bytes";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return String.format("control character U+%04X in key", (int) c);
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < key.length()
                    && Character.isLowSurrogate(key.charAt(i + 1)))) {
                return "key is not valid UTF-8";
            }
        }
        for (String segment : key.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return "key has a '" + segment + "' segment";
            }
        }
        if (key.contains("//")) {
            return "key has an empty segment";
        }
        return null;
    }

    private static String join(String mountpoint, String repo, String branch) {
        StringBuilder b = new StringBuilder();
        for (String part : new String[] {mountpoint, repo, branch}) {
            if (part != null && !part.isEmpty()) {
                b.append(part).append('/');
            }
        }
        return b.toString();
    }
}
