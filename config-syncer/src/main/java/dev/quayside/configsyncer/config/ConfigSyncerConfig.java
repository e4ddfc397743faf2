package dev.quayside.configsyncer.config;

import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.kit.retry.RetryPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** config-syncer's settings: {@code quayside.config-syncer.*}. */
@ConfigMapping(prefix = "quayside.config-syncer")
public interface ConfigSyncerConfig {

    /** The config repositories, by name (the name is the {@code repo} part of Consul keys and of events). */
    Map<String, Repository> repositories();

    /** Where the bare working copies of the config repositories live. */
    @WithDefault("${java.io.tmpdir}/quayside-config-syncer")
    String workDir();

    /** Consul KV prefix of the image keys {@code <prefix>/<app>/<environment>}. */
    @WithDefault("quayside/images")
    String imagesPrefix();

    /**
     * Consul KV prefix of the suspension keys {@code <prefix>/<app>/<environment>} (value: the config commit that
     * suspended it), written by the mirror of each repository's write-back branch from its {@code quayside.yml}
     * ({@code environments.<env>.suspended}) and its {@code .quayside/suspended/<env>/<app>.yml} files (the
     * suspensions made through the API); marathon-applier reads them.
     */
    @WithDefault("quayside/suspended")
    String suspendedPrefix();

    /**
     * Consul KV prefix of the pending promotions {@code <prefix>/<repository>/<app>/<environment>}: a promotion that
     * waits at a gate of {@code quayside.yml} ({@code approval: required}, {@code soak: <duration>}) until it is
     * approved and has soaked, rejected, superseded or failed.
     */
    @WithDefault("quayside/promotions")
    String promotionsPrefix();

    /** How often the pending promotions are checked for gates that are now met (soak time over, approved). */
    @WithDefault("5s")
    String promotionCheckInterval();

    /** Push attempts of one write-back; a non-fast-forward rejection fetches, re-applies and pushes again. */
    @WithDefault("10")
    int pushAttempts();

    /** First pause before a write-back is re-applied on a branch that moved (growing, with jitter). */
    @WithDefault("PT0.05S")
    Duration retryDelay();

    /**
     * How Git and Consul failures are retried, per mirror run and per write-back: exponential back-off with jitter for
     * up to {@code max-duration} (5 minutes by default), so an outage of a minute loses nothing.
     */
    RetryPolicy retry();

    /**
     * Deprecated: attempts of one mirror run (before 0.2 the only bound, three attempts 50 ms apart). When set it still
     * bounds the retries ({@code retry.max-retries} = attempts - 1); prefer {@code retry.*}.
     */
    Optional<Integer> syncAttempts();

    /** Mirror the branch right after a write-back's push instead of waiting for the push event. */
    @WithDefault("true")
    boolean mirrorAfterWriteBack();

    /**
     * How often the mirror's backstop runs: a sync written into Consul but never announced is announced, and a branch
     * whose head Consul's ref does not have is mirrored (a failed sync, a lost push event). It also runs once when the
     * service starts. {@code off} turns the periodic pass off.
     */
    @WithDefault("3m")
    String reconcileInterval();

    /**
     * Consul KV prefix of the pinned-source records {@code <prefix>/<app>/<environment>}: which source commit (and
     * ref, repository and image) was last pinned for the app in the environment, written with the image keys. A build
     * is pinned only when its commit descends from the recorded one.
     */
    @WithDefault("quayside/image-sources")
    String imageSourcesPrefix();

    /**
     * Consul KV prefix of the held builds {@code <prefix>/<app>/<environment>}: the newest build an environment
     * followed while the app was suspended there (a {@code PinnedSource} record), pinned when it is resumed through the
     * API, then deleted.
     */
    @WithDefault("quayside/held-builds")
    String heldBuildsPrefix();

    /**
     * The application (source) repositories, keyed by the name {@code ImageBuilt} carries: where config-syncer fetches
     * them from to decide which of two builds is newer (ancestry). A repository neither here nor covered by
     * {@link #sourceUrlTemplate()} cannot be ordered: its build is refused once another commit is pinned.
     */
    Map<String, Source> sources();

    /**
     * Clone URL of a source repository that {@link #sources()} does not list, e.g.
     * {@code https://git.example.com/acme/{repository}.git}; {@code {repository}} must then be 1 to 100 characters of
     * {@code [A-Za-z0-9._-]}, starting with a letter or digit, without {@code ..}. Never the URL an event carries.
     */
    Optional<String> sourceUrlTemplate();

    /** Whether {@code file://} URLs and plain paths may be fetched as source repositories (local runs and tests). */
    @WithDefault("false")
    boolean allowLocalSources();

    /**
     * Private key (OpenSSH format) for {@code ssh://} and {@code user@host:path} remotes, config and source
     * repositories, that name none of their own; the identities in {@code ~/.ssh} when unset.
     */
    Optional<Path> sshKey();

    /**
     * known_hosts file for SSH remotes that name none of their own; {@code ~/.ssh/known_hosts} when unset. A server
     * whose host key is not in it is refused, never added.
     */
    Optional<Path> knownHosts();

    /** One source repository. */
    interface Source {
        /** The URL to fetch from ({@code https://}, {@code ssh://}; {@code file://} only with allow-local-sources). */
        String url();

        /** HTTP credentials (token as password); none for public repositories and SSH. */
        Optional<String> username();

        Optional<String> password();

        /** Private key for an SSH URL; {@link ConfigSyncerConfig#sshKey()} when unset. */
        Optional<Path> sshKey();

        /** known_hosts for an SSH URL; {@link ConfigSyncerConfig#knownHosts()} when unset. */
        Optional<Path> knownHosts();
    }

    /** Consul transaction limits. */
    Txn txn();

    /** Consul transaction limits: keep within the server's ({@code txn_max_req_len}, 64/128 operations). */
    interface Txn {
        /** Operations per transaction: 64 for Consul before 1.14, 128 after. */
        @WithDefault("64")
        int maxOperations();

        /** Request body bytes per transaction (Consul's default {@code txn_max_req_len} is 512 KB). */
        @WithDefault("524288")
        int maxBytes();

        /** Largest value Consul accepts ({@code kv_max_value_size}); a file over it fails its sync. */
        @WithDefault("524288")
        int maxValueBytes();
    }

    /** One config repository. */
    interface Repository {
        /** Clone URL (file://, https://, ssh://). */
        String cloneUrl();

        /** The branch write-backs commit to (and the first branch mirrored). */
        @WithDefault("main")
        String branch();

        /** Branches mirrored into Consul; defaults to {@link #branch()} alone. */
        Optional<List<String>> branches();

        /** Author and committer of write-back commits. */
        @WithDefault("Quayside")
        String authorName();

        @WithDefault("quayside@localhost")
        String authorEmail();

        /** Push credentials (HTTP basic / token); none for file:// and ssh://. */
        Optional<String> username();

        Optional<String> password();

        /** Private key for an SSH clone URL; {@link ConfigSyncerConfig#sshKey()} when unset. */
        Optional<Path> sshKey();

        /** known_hosts for an SSH clone URL; {@link ConfigSyncerConfig#knownHosts()} when unset. */
        Optional<Path> knownHosts();

        /**
         * The write-back commit message; placeholders {@code {app}}, {@code {image}}, {@code {environments}},
         * {@code {files}}, {@code {sourceRepository}}, {@code {sourceCommit}}, {@code {eventId}}. The trailers
         * {@code Quayside-Source} and {@code Quayside-Event} are added when the template does not write them: the
         * ordering of builds reads the first.
         */
        @WithDefault(ConfigRepo.DEFAULT_MESSAGE)
        String messageTemplate();

        /** git2consul's options for the mirror. */
        Git2Consul git2consul();
    }

    /** git2consul's per-repository options, same names (kebab-case) and defaults; see {@code docs/config-syncer.md}. */
    interface Git2Consul {
        /** Key prefix (no leading or trailing '/'); empty for none. */
        @WithDefault("quayside/config")
        String mountpoint();

        @WithDefault("true")
        boolean includeBranchName();

        @WithDefault("false")
        boolean ignoreRepoName();

        /** Only mirror files below this directory; keys are relative to it. */
        Optional<String> sourceRoot();

        @WithDefault("false")
        boolean expandKeys();

        @WithDefault("false")
        boolean expandKeysDiff();

        @WithDefault("false")
        boolean ignoreFileExtension();

        /** A properties file in the repository whose values expanded properties files can use as {@code ${var}}. */
        @WithName("common-properties")
        Optional<String> commonProperties();
    }
}
