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

    /** Lines of the build log carried by {@code BuildFinished}. */
    @WithDefault("50")
    int logTailLines();

    /** Remove the locally tagged images once pushed (the registry keeps them; saves the engine's disk). */
    @WithDefault("false")
    boolean removeAfterPush();

    /** CloudEvents source of the events this service emits. */
    @WithDefault("/quayside/image-builder")
    String source();

    /**
     * The repositories image-builder builds, keyed by the name {@code CommitPushed} events carry: the clone URL and
     * everything else that belongs to one repository. A repository that is neither here nor covered by
     * {@link #cloneUrlTemplate()} is never fetched: its pushes end as a failure.
     */
    Map<String, Repository> repositories();

    /**
     * Clone URL of a repository that {@link #repositories()} does not list (or lists without a URL), e.g.
     * {@code https://git.example.com/acme/{repository}.git}: {@code {repository}} stands for the repository name,
     * which must then be 1 to 100 characters of {@code [A-Za-z0-9._-]}, starting with a letter or digit, without
     * {@code ..}. Unset: only the listed repositories are built.
     */
    Optional<String> cloneUrlTemplate();

    /**
     * Whether {@code file://} URLs and plain paths may be fetched. Only for local runs and tests: in production a
     * repository comes from a Git server, and a local path would let configuration read the build host's files.
     */
    @WithDefault("false")
    boolean allowLocalRemotes();

    /** Private key for {@code ssh://} (and {@code user@host:path}) remotes without a key of their own. */
    Optional<Path> sshKey();

    /** known_hosts for SSH remotes without one of their own; {@code ~/.ssh/known_hosts} when unset. */
    Optional<Path> knownHosts();

    /**
     * Tag patterns whose pushes ({@code refs/tags/...}) are built, when the settings file names none (its
     * {@code buildTags} replaces this list): globs, {@code *} within a {@code /}-separated segment, {@code **} across
     * them, {@code ?} one character, {@code {a,b}} alternatives. None by default: tag pushes are not built.
     */
    Optional<List<String>> buildTags();

    /** One repository image-builder builds. */
    interface Repository {

        /**
         * The URL to fetch from: {@code https://}, {@code http://}, {@code ssh://}, {@code git://} or
         * {@code user@host:path}; {@code file://} and plain paths only with {@link BuilderConfig#allowLocalRemotes()}.
         * Credentials in it never leave image-builder (they are cut from logs, labels and events). Unset: the
         * {@link BuilderConfig#cloneUrlTemplate() template}'s URL.
         */
        Optional<String> url();

        /**
         * The image names this repository owns: this name and every name below it ({@code <namespace>/...}). Its
         * settings file may only name an image in there. Default: {@code [image-prefix]} + the repository name,
         * lower-cased.
         */
        Optional<String> imageNamespace();

        /** Build arguments of this repository's builds (its settings file can add and override). */
        Map<String, String> buildArgs();

        /** Private key for an SSH URL; {@link BuilderConfig#sshKey()} when unset. */
        Optional<Path> sshKey();

        /** known_hosts for an SSH URL; {@link BuilderConfig#knownHosts()} when unset. */
        Optional<Path> knownHosts();
    }

    /**
     * The longest wait for Kafka's acknowledgement of one event image-builder announces. Longer than the producer's
     * own {@code delivery.timeout.ms} (2 min by default), so that a send still in flight (the broker briefly down) is
     * never given up while the producer may still deliver it. An event not acknowledged in time is not a build
     * failure: the record is handled again later (see {@code docs/image-builder.md}). The kit's publisher applies it:
     * {@code application.properties} sets {@code quayside.messaging.ack-timeout} from it.
     */
    @WithDefault("3m")
    Duration publishTimeout();

    /** The shared, durable memory of the pushes whose outcome was announced. */
    Announced announced();

    /**
     * Which pushes ({@code CommitPushed} event ids) had their outcome announced, kept in a compacted Kafka topic every
     * instance reads: a redelivered push (after a restart or a rebalance) is acknowledged without building it again.
     */
    interface Announced {

        /** The compacted topic. */
        @WithDefault("quayside.image-builder.announced")
        String topic();

        /** Partitions when image-builder creates the topic. */
        @WithDefault("6")
        int partitions();

        /** Replication factor when image-builder creates the topic ({@code -1}: the broker's default). */
        @WithDefault("-1")
        short replicationFactor();

        /** The longest wait for Kafka of one write. */
        @WithDefault("5s")
        Duration timeout();

        /**
         * How long a push is remembered: as long as {@code quayside.commit-pushed} keeps its records (30 days), so
         * every record that can still be delivered again is recognised.
         */
        @WithDefault("720h")
        Duration retention();
    }

    /**
     * Back-off for engine, registry and Git remote outages, and for handling a push again whose events Kafka did not
     * take.
     */
    Retry retry();

    /**
     * Retries with exponential back-off and jitter (the kit's {@link dev.quayside.kit.retry.Retrier}); after them the
     * build ends as {@code failure} with the reason.
     */
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

        /** Each delay is moved at random by up to this fraction of itself, either way (0.2 = ±20 %); 0 turns it off. */
        @WithDefault("0.2")
        double jitter();
    }
}
