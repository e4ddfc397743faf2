package dev.quayside.board.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The board's configuration: how it reads the topics, what it keeps in memory, where it links and calls. */
@ConfigMapping(prefix = "quayside.board")
public interface BoardConfig {

    /**
     * The board's Kafka consumer group. The board never commits offsets: every start reads every topic from its
     * beginning and rebuilds the view. Give each replica its own group, or each sees only its share of the partitions.
     */
    @WithDefault("quayside-board")
    String groupId();

    /** What the view keeps in memory; the oldest entries go first. */
    Limits limits();

    /** Build logs from {@code quayside.build-logs}: bounded per build and overall. */
    Logs logs();

    /** Marathon, asked for each app's instances (healthy and wanted). */
    Marathon marathon();

    /** git-watcher, called by the "sync now" action. */
    GitWatcher gitWatcher();

    /**
     * config-syncer, asked for the promotions waiting at a gate and the apps suspended, and told a person's decision on
     * a promotion, or to suspend, resume or roll back an app in an environment.
     */
    ConfigSyncer configSyncer();

    /** Link templates for the page and the API. */
    Links links();

    /** Per environment: its own Marathon. */
    Map<String, Environment> environments();

    /** Counts of what the view keeps. */
    interface Limits {

        /** Chains (one per push) kept, newest first; an older chain's events still count for the apps' state. */
        @WithDefault("500")
        int chains();

        /** Raw events kept for {@code /api/events} (each with its JSON, about 1-3 KB). */
        @WithDefault("2000")
        int events();

        /** Recent failures kept. */
        @WithDefault("200")
        int failures();

        /** Deployments kept per app and environment for {@code history}. */
        @WithDefault("50")
        int historyPerApp();

        /** Event ids remembered to drop redelivered duplicates. */
        @WithDefault("50000")
        int seenIds();
    }

    /** Build log bounds (characters of text; a line also counts its line break). */
    interface Logs {

        /** At most this much of one build's log is kept: its latest part, with a count of the lines dropped before. */
        @WithDefault("1048576")
        int maxCharsPerBuild();

        /** At most this much log over all builds: the builds whose log changed least recently are dropped first. */
        @WithDefault("16777216")
        int maxCharsTotal();

        /** At most this many builds' logs. */
        @WithDefault("200")
        int maxBuilds();
    }

    /** Marathon polling for instances. */
    interface Marathon {

        /** Marathon of environments that do not name their own. */
        @WithDefault("http://127.0.0.1:8080")
        String url();

        /** How often the instances of the apps on the board are read (a duration such as {@code 5s}); {@code off} turns it off. */
        @WithDefault("5s")
        String pollInterval();

        /** Bearer token (DC/OS style) sent to Marathon. */
        Optional<String> token();

        /** HTTP basic auth as {@code user:password}. */
        Optional<String> basicAuth();
    }

    /** Per-environment settings. */
    interface Environment {

        /** This environment's Marathon base URL. */
        Optional<String> marathonUrl();
    }

    /** git-watcher's address. */
    interface GitWatcher {

        /** git-watcher's base URL. */
        @WithDefault("http://127.0.0.1:8081")
        String url();

        /** How long a sync may take (git-watcher fetches the remote before it answers). */
        @WithDefault("60s")
        Duration timeout();
    }

    /** config-syncer's address. */
    interface ConfigSyncer {

        /** config-syncer's base URL. */
        @WithDefault("http://127.0.0.1:8083")
        String url();

        /** How long a decision may take (an approval whose gates are all met writes and pushes the commit first). */
        @WithDefault("60s")
        Duration timeout();
    }

    /**
     * Link templates. Placeholders: {@code {repo}}, {@code {commit}}, {@code {web}} (the repository's web address derived
     * from an http(s) clone URL, without {@code .git}), {@code {registry}}, {@code {name}}, {@code {digest}},
     * {@code {tag}}, {@code {marathon}} (the environment's Marathon URL), {@code {appId}}. A link whose placeholders
     * have no value is left out.
     */
    interface Links {

        /** A commit of an app or config repository. */
        @WithDefault("{web}/commit/{commit}")
        String commit();

        /** An image in the registry. */
        @WithDefault("http://{registry}/v2/{name}/manifests/{digest}")
        String image();

        /** A Marathon app. */
        @WithDefault("{marathon}/v2/apps{appId}")
        String marathonApp();
    }
}
