package dev.quayside.gitwatcher.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** git-watcher's typed configuration: the watched repositories, their secrets, polling and de-duplication. */
@ConfigMapping(prefix = "quayside.git-watcher")
public interface GitWatcherConfig {

    /** CloudEvents/CDEvents {@code source} of the events this service publishes. */
    @WithDefault("/quayside/git-watcher")
    String source();

    /** Webhook secret (HMAC key or GitLab token) for repositories that have none of their own. */
    Optional<String> defaultSecret();

    /** A file holding {@link #defaultSecret()} (e.g. a mounted secret; one trailing line break is ignored). */
    Optional<Path> defaultSecretFile();

    /**
     * How often repositories without their own {@code poll-interval} are polled: polling is the backstop for webhooks
     * that get lost. An idle repository costs one {@code ls-remote} per poll. {@code 0s} turns it off.
     */
    @WithDefault("1m")
    Duration pollInterval();

    /** The allow-list: only these repositories produce events, keyed by the name used in events. */
    Map<String, Repository> repositories();

    /** Where polled repositories are fetched to (one bare cache per repository). */
    @WithDefault("${java.io.tmpdir}/quayside-git-watcher")
    Path workDir();

    /** At most this many commits are listed in one event (the newest ones); the rest are counted out. */
    @WithDefault("200")
    int maxCommits();

    /** How often the scheduler checks which repositories are due for a poll (each has its own interval). */
    @WithDefault("1s")
    java.time.Duration pollTick();

    /**
     * How long, at most, the webhook path is exercised on synthetic pushes at start before the service reports ready
     * (0s: not at all); see the Performance section of docs/git-watcher.md.
     */
    @WithDefault("600ms")
    Duration warmUp();

    /** Durable de-duplication through Kafka. */
    Dedup dedup();

    /** Each caller's budget of refused webhooks. */
    RefusedWebhooks refusedWebhooks();

    /**
     * {@code quayside.git-watcher.refused-webhooks.*}: a caller (its address: the peer's, or the forwarded one when
     * {@code quarkus.http.proxy.*} trusts a proxy) whose webhooks keep being refused — a wrong signature, an unknown
     * repository, a malformed request — is answered 429 before its requests are read, until the period ends. Webhooks
     * that are accepted are never limited: a Git host's volume is its users' pushes.
     */
    interface RefusedWebhooks {

        /** Refused webhook requests one caller may send per {@link #period()}. */
        @WithDefault("60")
        int perCaller();

        /** How often the budgets are refilled. */
        @WithDefault("1m")
        Duration period();

        /** Callers remembered at once (the least recently seen forgotten). */
        @WithDefault("10000")
        int remembered();
    }

    /** One watched repository. */
    interface Repository {

        /** The URL git-watcher fetches from: the only Git URL it ever uses for this repository. */
        String cloneUrl();

        /** {@code app} (built into an image) or {@code config} (the deployment-config repository). */
        @WithDefault("app")
        Kind kind();

        /** Branches to watch: names or globs ({@code *} within a path segment, {@code **} across segments). */
        @WithDefault("**")
        List<String> branches();

        /** Whether tag pushes and tag deletions produce events. */
        @WithDefault("true")
        boolean tags();

        /** Whether branch deletions produce events. */
        @WithDefault("true")
        boolean branchDeletions();

        /**
         * Other names hosts give this repository in payloads ({@code owner/name}, GitLab's {@code path_with_namespace},
         * Bitbucket Server's {@code PROJECT/slug}); matched without regard to case. The clone URLs in a payload are
         * also matched against {@link #cloneUrl()} (host and path, without scheme, user, port or {@code .git}).
         */
        Optional<List<String>> aliases();

        /** Webhook secret of this repository; {@link GitWatcherConfig#defaultSecret()} when absent. */
        Optional<String> secret();

        /** A file holding {@link #secret()} (one trailing line break is ignored). */
        Optional<Path> secretFile();

        /**
         * Poll the remote at this interval (e.g. {@code 30s}); {@code 0s}: never; absent:
         * {@link GitWatcherConfig#pollInterval()}.
         */
        Optional<Duration> pollInterval();

        /** Credentials for ls-remote and fetch. */
        Credentials credentials();
    }

    /** Repository kinds. */
    enum Kind {
        APP, CONFIG;

        /** The value used in events: {@code app} or {@code config}. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Credentials for a remote: a token or user/password over HTTPS, or an SSH key. */
    interface Credentials {

        /** User name for HTTPS basic authentication (with {@link #password()}), or with a token. */
        Optional<String> username();

        /** Password for HTTPS basic authentication. */
        Optional<String> password();

        /** A file holding {@link #password()}. */
        Optional<Path> passwordFile();

        /** Access token for HTTPS (sent as the password; user {@link #username()} or {@code x-access-token}). */
        Optional<String> token();

        /** A file holding {@link #token()}. */
        Optional<Path> tokenFile();

        /** Private key file for SSH remotes. */
        Optional<Path> sshKey();

        /** known_hosts file for SSH remotes; {@code ~/.ssh/known_hosts} when absent. */
        Optional<Path> knownHosts();
    }

    /** De-duplication state kept in a compacted Kafka topic (see docs/adr/0002-git-watcher-dedup.md). */
    interface Dedup {

        /** The compacted topic holding claims, emitted markers, delivery ids and last seen heads. */
        @WithDefault("quayside.git-watcher.deliveries")
        String topic();

        /** Partitions of the topic when git-watcher creates it. */
        @WithDefault("1")
        int partitions();

        /** Replication factor of the topic when git-watcher creates it. */
        @WithDefault("1")
        short replicationFactor();

        /**
         * How long a claim by an instance that has not yet emitted blocks the others; after it, another instance may
         * take the push over (the first one is presumed dead).
         */
        @WithDefault("30s")
        Duration claimLease();

        /** How long a request waits for its own claim to come back from Kafka before it gives up with 503. */
        @WithDefault("5s")
        Duration timeout();

        /**
         * How long a handled webhook delivery id is remembered (a redelivery within it is answered "duplicate" at
         * once); then its record is tombstoned in the topic. GitHub lets a delivery be redelivered for 3 days.
         */
        @WithDefault("3d")
        Duration deliveryRetention();

        /**
         * How long an emitted push is remembered (a report of it within this time emits nothing); then its record is
         * tombstoned. As long as {@code quayside.commit-pushed} keeps its events by default.
         */
        @WithDefault("30d")
        Duration pushRetention();
    }
}
