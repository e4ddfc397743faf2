package dev.quayside.imagebuilder.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How commits are built; per-repository settings in {@code .quayside.yml} override the defaults here. */
@ConfigMapping(prefix = "quayside.builder")
public interface BuilderConfig {

    /** Where the per-repository Git caches and the build contexts live. */
    @WithDefault("${java.io.tmpdir}/quayside-image-builder")
    Path workDir();

    /** Builds running at once; 0 means one per CPU. */
    @WithDefault("0")
    int concurrency();

    /**
     * Commits looked up at once (fetch, settings, registry look-up of the commit tag), before and apart from the build
     * slots: a commit whose image already exists is answered without waiting for a build slot; only a missing image
     * takes one. At least 1.
     */
    @WithDefault("8")
    int lookupConcurrency();

    /** Longest a build may run (fetch, build, push) before it ends as {@code timed-out}. */
    @WithDefault("15m")
    Duration timeout();

    /** Characters of the commit id in the image's commit tag. */
    @WithDefault("12")
    int shaTagLength();

    /** Name of the per-repository settings file at the root of the commit. */
    @WithDefault(".quayside.yml")
    String settingsFile();

    /** When true, a commit without the settings file fails its build; when false the defaults apply. */
    @WithDefault("false")
    boolean requireSettingsFile();

    /** Dockerfile path inside the build context when the settings file names none. */
    @WithDefault("Dockerfile")
    String dockerfile();

    /** Build context (a folder of the repository) when the settings file names none. */
    @WithDefault(".")
    String context();

    /** Prefix of image names made from the repository name, e.g. {@code team/}; empty by default. */
    Optional<String> imagePrefix();

    /**
     * Tags pushed besides the commit tag, when the settings file names none. {@code {branch}} stands for the branch
     * name (with {@code /} turned into {@code -}); {@code latest} is only pushed for {@link #latestBranch()}.
     */
    @WithDefault("{branch},latest")
    List<String> extraTags();

    /** The only branch whose builds are tagged {@code latest}. */
    @WithDefault("main")
    String latestBranch();

    /** Build arguments every build gets (the settings file can add and override). */
    Map<String, String> buildArgs();

    /** Lines of the build log carried by {@code BuildFinished}. */
    @WithDefault("50")
    int logTailLines();

    /** Remove the locally tagged images once pushed (the registry keeps them; saves the engine's disk). */
    @WithDefault("false")
    boolean removeAfterPush();

    /** CloudEvents source of the events this service emits. */
    @WithDefault("/quayside/image-builder")
    String source();

    /** Back-off for engine, registry and Git remote outages. */
    Retry retry();

    /** Retries with exponential back-off; after them the build ends as {@code failure} with the reason. */
    interface Retry {

        /** Attempts after the first one. */
        @WithDefault("6")
        int maxRetries();

        /** Delay before the first retry; doubled each time up to {@link #maxDelay()}. */
        @WithDefault("1s")
        Duration initialDelay();

        /** Longest delay between two attempts. */
        @WithDefault("30s")
        Duration maxDelay();

        /** Longest time spent retrying one step. */
        @WithDefault("3m")
        Duration maxDuration();
    }
}
