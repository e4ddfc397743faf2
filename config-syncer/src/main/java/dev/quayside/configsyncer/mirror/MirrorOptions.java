package dev.quayside.configsyncer.mirror;

/**
 * git2consul's per-repository options, with the same names and defaults (see {@code docs/config-syncer.md}).
 *
 * @param mountpoint          key prefix without leading or trailing {@code /}; empty for none
 * @param includeBranchName   put the branch name in every key
 * @param ignoreRepoName      leave the repository name out of every key
 * @param sourceRoot          only mirror files below this directory, keys relative to it; null for the whole repo
 * @param expandKeys          expand JSON, YAML and properties files into one key per leaf
 * @param expandKeysDiff      with expandKeys: write only the leaves whose value changed
 * @param ignoreFileExtension drop the file extension from keys
 * @param commonProperties    a properties file whose values {@code ${var}} in expanded properties files may use
 */
public record MirrorOptions(String mountpoint, boolean includeBranchName, boolean ignoreRepoName, String sourceRoot,
        boolean expandKeys, boolean expandKeysDiff, boolean ignoreFileExtension, String commonProperties) {

    public MirrorOptions {
        mountpoint = mountpoint == null ? "" : mountpoint.replaceAll("^/+|/+$", "");
        sourceRoot = sourceRoot == null || sourceRoot.isBlank() ? null : sourceRoot.replaceAll("^/+|/+$", "");
    }

    /** git2consul's defaults with Quayside's mountpoint {@code quayside/config}. */
    public static MirrorOptions defaults() {
        return new MirrorOptions("quayside/config", true, false, null, false, false, false, null);
    }
}
