package dev.quayside.notifier.config;

import dev.quayside.kit.retry.RetryPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything the notifier reads from configuration ({@code quayside.notifier.*}). */
@ConfigMapping(prefix = "quayside.notifier")
public interface NotifierConfig {

    /** A YAML file of routing rules (see docs/notifier.md). When set, it replaces {@link #rules()} and the defaults. */
    Optional<Path> rulesFile();

    /** Routing rules from configuration, by name; used when no rules file is given. Empty: the default rules. */
    Map<String, RuleConfig> rules();

    /** The channel the default rules (build failures, deployment failures, rollbacks, stage failures) notify. */
    @WithDefault("team")
    String defaultChannel();

    /** The channels notifications can go to, by name. */
    Map<String, ChannelConfig> channels();

    /** A folder whose {@code <template>.txt} files override the built-in templates of the same name. */
    Optional<Path> templatesDir();

    /** App name to team label, for rules that match on {@code teams} (an image's {@code team} label also counts). */
    Map<String, String> teams();

    /** Folding of bursts and flapping failures. */
    Digest digest();

    /** Retries of a failing channel. */
    Retry retry();

    /** The durable record of what was sent (idempotency across restarts). */
    SentLog sentLog();

    /**
     * Notify events from this time on (ISO-8601, e.g. {@code 2026-12-01T00:00:00Z}); older ones are acknowledged without
     * notifying. Empty (the default): the baseline the sent log recorded at the notifier's very first start. Set it to
     * replay history on purpose (an earlier time) or to skip a backlog (a later one); it is not written to the log.
     */
    Optional<Instant> baseline();

    /** Link templates; placeholders {@code {repositoryUrl} {repository} {commit} {app} {environment} {image} ...}. */
    Links links();

    /** One destination. */
    interface ChannelConfig {

        /** slack, mattermost, teams, google-chat, webhook (generic, HMAC-signed), email or commit-status. */
        ChannelType type();

        /**
         * The incoming-webhook URL (all types but email). It usually embeds a secret: it is never logged. For
         * {@code commit-status}, the Git host's API base: {@code https://api.github.com} (GitHub Enterprise
         * {@code https://<host>/api/v3}), {@code https://gitlab.example.com}, {@code https://gitea.example.com},
         * {@code https://api.bitbucket.org}, {@code https://bitbucket.example.com}; the host's path follows it.
         */
        Optional<URI> url();

        /** commit-status: which Git host's API {@code url} is: github, gitlab, gitea (Forgejo too), bitbucket-cloud, bitbucket-server. */
        Optional<GitHost> host();

        /**
         * commit-status: the API token (GitHub {@code Authorization: Bearer}, GitLab {@code PRIVATE-TOKEN}, Gitea
         * {@code Authorization: token}, Bitbucket bearer, or basic with {@code username}). A secret, never logged;
         * {@code ${file::/run/secrets/token}} reads it from a file.
         */
        Optional<String> token();

        /** commit-status, Bitbucket Cloud: a user name (or e-mail) to send with the token as basic auth (an app password or API token); without it the token is a bearer token. */
        Optional<String> username();

        /**
         * commit-status: the repository on the host, a template: {@code {path}} (the path of the chain's clone URL
         * without {@code .git}, e.g. {@code team/shop}; GitLab subgroups included), {@code {repository}} (the name
         * Quayside watches it under), {@code {app}}. For Bitbucket Cloud it is {@code <workspace>/<repo_slug>}; Bitbucket
         * Server's build status needs none.
         */
        @WithDefault("{path}")
        String repository();

        /**
         * commit-status: the prefix of each status's context (GitLab {@code name}, Bitbucket {@code key}): the build's
         * status is {@code <context>/build}, an environment's {@code <context>/deploy/<environment>}.
         */
        @WithDefault("quayside")
        String context();

        /**
         * commit-status: the status's link ({@code target_url}, Bitbucket {@code url}), a template with {@code {chainId}
         * {commit} {repository} {app} {environment}}, e.g. the board's {@code https://board.example/api/chains/{chainId}}.
         * Required for Bitbucket (its {@code url} is mandatory); no link otherwise.
         */
        Optional<String> targetUrl();

        /** HMAC-SHA256 key of the generic webhook (header {@code X-Quayside-Signature-256}). */
        Optional<String> secret();

        /** E-mail recipients. */
        Optional<List<String>> to();

        /** Prefix of e-mail subjects. */
        @WithDefault("[quayside]")
        String subjectPrefix();

        /**
         * Whether this channel's failed-build notifications show the build's log tail ({@code BuildFinished.logTail},
         * the template value {@code detail} of {@code build-finished}). Off by default: a log tail may quote build
         * arguments, paths or output the pusher controls, and chat rooms are read more widely than the board.
         */
        @WithDefault("false")
        boolean includeLogTail();
    }

    /** A routing rule from configuration: every list is optional; an empty list matches anything. */
    interface RuleConfig {

        /** Event type keys, e.g. {@code build-finished}, {@code deployment-failed}. */
        Optional<List<String>> types();

        /** Outcomes, e.g. {@code failure}, {@code success}, {@code rolled-back}. */
        Optional<List<String>> outcomes();

        Optional<List<String>> apps();

        Optional<List<String>> environments();

        Optional<List<String>> repositories();

        Optional<List<String>> teams();

        /** Channel names to notify. */
        List<String> channels();

        /** Template name; default: the event type key. */
        Optional<String> template();
    }

    interface Digest {

        /** Similar events within this window after a notification are folded into one digest. 0 turns folding off. */
        @WithDefault("60s")
        Duration window();

        /** A repeating failure of the same app is reminded at most this often (with the count). 0 turns it off. */
        @WithDefault("15m")
        Duration remindEvery();
    }

    /**
     * How one delivery to a channel is retried: the kit's {@link RetryPolicy} (exponential back-off with jitter within a
     * total budget) with the notifier's own defaults, so that a channel that stays down ends in the dead-letter topic
     * well within {@code throttled.unprocessed-record-max-age.ms} (120 s): the first retry after 500 ms, doubling up
     * to 8 s, ±20 % jitter, at most 4 retries and never an attempt later than 90 s after the first. Only 5xx, 429, 408
     * and I/O errors are retried.
     */
    interface Retry extends RetryPolicy {

        /** Retries after the first attempt, before the notification goes to the dead-letter topic. */
        @Override
        @WithDefault("4")
        int maxRetries();

        /** Longest wait between two attempts. */
        @Override
        @WithDefault("8s")
        Duration maxDelay();

        /** No attempt starts later than this after the first one. */
        @Override
        @WithDefault("90s")
        Duration maxDuration();

        /** Connect and read timeout of one webhook request. */
        @WithDefault("10s")
        Duration requestTimeout();

        /** Deprecated (before 0.2): the same as {@code initial-delay}, which it overrides when set. */
        Optional<Duration> initialBackoff();

        /** Deprecated (before 0.2): the same as {@code max-delay}, which it overrides when set. */
        Optional<Duration> maxBackoff();

        /** The policy to retry with: these settings, the deprecated keys applied. */
        default RetryPolicy policy() {
            return RetryPolicy.of(initialBackoff().orElse(initialDelay()), factor(), maxBackoff().orElse(maxDelay()),
                    maxDuration(), maxRetries(), jitter());
        }
    }

    interface SentLog {

        /** Compacted topic holding one record per (event id, channel) handled. */
        @WithDefault("quayside.notifier.sent")
        String topic();

        /** How long a record is kept (redeliveries older than this may notify again). */
        @WithDefault("168h")
        Duration retention();

        /** How long startup waits for the log to be read back. */
        @WithDefault("60s")
        Duration loadTimeout();
    }

    interface Links {

        /** Link to a commit. */
        @WithDefault("{repositoryUrl}/commit/{commit}")
        String commit();

        /** Link to an image, e.g. a registry UI; none by default. */
        Optional<String> image();

        /** Link to a deployment, e.g. {@code https://marathon.example/ui/#/apps/{targetId}}; none by default. */
        Optional<String> deployment();

        /** Web URL of a repository by name, when its clone URL does not give it. */
        Map<String, String> repositories();
    }
}
