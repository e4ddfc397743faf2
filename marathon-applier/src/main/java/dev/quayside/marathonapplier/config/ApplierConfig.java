package dev.quayside.marathonapplier.config;

import dev.quayside.kit.retry.RetryPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** marathon-applier's configuration: where each environment's definitions are applied, and how. */
@ConfigMapping(prefix = "quayside.marathon-applier")
public interface ApplierConfig {

    /** The Marathon and Chronos used by environments that do not name their own. */
    Endpoints defaults();

    /** Per environment (the folder under {@code marathon/} and {@code chronos/} in the config repo). */
    Map<String, Environment> environments();

    /** How long a Marathon deployment may take before it counts as failed. */
    @WithDefault("120s")
    Duration deploymentDeadline();

    /** How often a running deployment is polled ({@code /v2/deployments}, the app's tasks). */
    @WithDefault("250ms")
    Duration pollInterval();

    /**
     * How many apps (definitions) are applied at once, over all syncs in flight: the worker pool. Each one being
     * followed polls Marathon every {@link #pollInterval()}.
     */
    @WithDefault("64")
    int parallelism();

    /**
     * How many {@code ConfigSynced} records may be in flight (received, not yet acknowledged) at once; the next one
     * waits for a slot. Bounds what a backlog holds in memory.
     */
    @WithDefault("64")
    int maxInFlight();

    /** How often what runs is compared with Consul KV (drift detection); {@code off} turns it off. */
    @WithDefault("60s")
    String driftInterval();

    /**
     * How long a definition may sit in KV, different from what runs and brought by no sync, before a drift pass applies
     * it as a lost sync (a {@code ConfigSynced} that never came, or came as failed). Within it, the sync is taken to be
     * on its way (config-syncer writes KV, then announces it) and nothing is reported.
     */
    @WithDefault("60s")
    java.time.Duration lostSyncGrace();

    /**
     * The durable record, per definition key, of the definition last handled and whether it was rolled back, kept in a
     * compacted Kafka topic that every instance reads back (self-heal never re-applies a rolled-back definition, also
     * after a restart or on another instance).
     */
    Ledger ledger();

    /** Where config-syncer mirrors the config repo in Consul KV: definitions are read below it. */
    @WithDefault("quayside/config")
    String kvPrefix();

    /**
     * Where config-syncer records suspended automation, one key {@code <prefix>/<app>/<environment>} per app and
     * environment that the config repo's {@code quayside.yml} suspends: such a definition is neither applied nor
     * removed nor self-healed, and its drift is reported as suspended.
     */
    @WithDefault("quayside/suspended")
    String suspendedPrefix();

    /**
     * How one call to Marathon, Chronos or Consul that got no answer or a 5xx is retried (a 4xx never is): the kit's
     * {@link RetryPolicy}, by default from 500 ms doubling to 30 s with ±20 % jitter for up to 5 minutes. When the
     * retries are used up the definition is reported as failed ({@code DeploymentFailed} reason {@code ERROR}, its
     * message saying how many attempts were made) and the sync is dead-lettered.
     */
    RetryPolicy retry();

    /** Where the handled and rolled-back definitions are recorded. */
    interface Ledger {

        /** The compacted topic: one record per definition key. */
        @WithDefault("quayside.marathon-applier.definitions")
        String topic();

        /** Partitions of the topic when marathon-applier creates it. */
        @WithDefault("1")
        int partitions();

        /** Replication factor of the topic when marathon-applier creates it. */
        @WithDefault("1")
        short replicationFactor();

        /** How long recording an outcome waits for Kafka before it gives up (and logs that it could not). */
        @WithDefault("5s")
        Duration timeout();
    }

    /** Per-environment settings; every field falls back to {@link #defaults()} or a safe default. */
    interface Environment {

        /** Marathon and Chronos of this environment; unset fields use the defaults. */
        @WithParentName
        Endpoints endpoints();

        /** Roll back automatically to the previous version when a deployment fails. */
        @WithDefault("false")
        boolean rollback();

        /** Delete apps and jobs whose definition was removed from the config repo. */
        @WithDefault("false")
        boolean prune();

        /** Re-apply the desired definition when drift is detected, instead of only reporting it. */
        @WithDefault("false")
        boolean selfHeal();

        /** Use {@code ?force=true} when an app is locked by a deployment (never by default: changes queue). */
        @WithDefault("false")
        boolean force();
    }

    /** Marathon and Chronos endpoints. */
    interface Endpoints {

        /** Marathon base URL, e.g. {@code http://127.0.0.1:8080}. */
        Optional<String> marathonUrl();

        /** Chronos base URL, e.g. {@code http://127.0.0.1:4400}. */
        Optional<String> chronosUrl();

        /** Chronos API base path: {@code /v1/scheduler} (3.x) or {@code /scheduler} (2.x). */
        Optional<String> chronosBasePath();

        /** HTTP basic auth as {@code user:password} for Marathon and Chronos. */
        Optional<String> basicAuth();

        /** Bearer token (DC/OS style) for Marathon and Chronos. */
        Optional<String> token();
    }
}
