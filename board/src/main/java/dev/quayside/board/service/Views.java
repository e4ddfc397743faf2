package dev.quayside.board.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the API and the page show: immutable snapshots of the view, made under its lock. */
public final class Views {

    private Views() {
    }

    /**
     * One push and everything it caused.
     *
     * @param kind         {@code app} (built into an image) or {@code config} (the deployment-config repository)
     * @param status       {@code running}, or a final {@code live}, {@code failed}, {@code suspended} (the app is
     *                     suspended in an environment the chain changed), {@code superseded}, {@code unchanged},
     *                     {@code synced}, {@code deleted}
     * @param statusReason why it failed or ended that way, or null
     * @param writeBackOf  for a config-repo push that is config-syncer's own write-back (or promotion commit), the chain
     *                     that wrote it
     * @param promotedFrom for a promotion's own chain, the chain whose deployment it promoted
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Chain(String id, String kind, String repository, String ref, String commit, String message,
            String author, Instant pushedAt, String status, String statusReason, Instant finishedAt, Long durationMs,
            List<String> apps, String buildId, List<Stage> stages, Map<String, String> links, Instant updatedAt,
            String writeBackOf, String promotedFrom) {

        public boolean finished() {
            return !ChainStatus.RUNNING.wire().equals(status);
        }
    }

    /**
     * One bar of a chain's timeline.
     *
     * @param key   stable within the chain: {@code push}, {@code build}, {@code image}, {@code config}, {@code sync},
     *              {@code deploy:<environment>/<app>}
     * @param state {@code pending} (not begun), {@code running}, {@code succeeded}, {@code failed}, {@code skipped}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stage(String key, String name, String state, Instant startedAt, Instant endedAt, Long durationMs,
            String summary, String app, String environment, Map<String, String> links) {
    }

    /** Every app and environment on the board. */
    public record Apps(List<String> environments, List<AppRow> apps) {
    }

    /** One app across its environments. */
    public record AppRow(String app, Map<String, AppCell> environments) {
    }

    /**
     * What runs of one app in one environment.
     *
     * @param status   {@code running}, {@code deploying} (a chain is on its way), {@code failed} (the last deployment
     *                 failed; the previous version may still run), {@code suspended} (the last change was not applied:
     *                 the app is suspended here; what ran before still runs), {@code removed}
     * @param healthy  Marathon's healthy tasks, or null when unknown
     * @param wanted   Marathon's wanted instances, or null when unknown
     * @param since    when this image started running here
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AppCell(String app, String environment, String target, String targetId, String status,
            String image, String digest, String commit, String repository, String version, Instant since,
            Integer healthy, Integer wanted, String instancesError, Instant instancesCheckedAt, Change lastChange,
            Failure lastFailure, String deployingChain, Map<String, String> links) {
    }

    /** The event that last changed an app in an environment. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Change(String type, Instant at, String chainId, String summary) {
    }

    /** A deployment of an app in an environment, for {@code history}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HistoryEntry(Instant at, String app, String environment, String type, String image, String digest,
            String commit, String version, String chainId, Long durationMs, String reason) {
    }

    /** Something that went wrong, and why. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Failure(Instant at, String type, String stage, String chainId, String repository, String commit,
            String app, String environment, String reason) {
    }

    /**
     * One event as it was published, with a one-line summary.
     *
     * @param name    the short name of its type, e.g. {@code build-finished}
     * @param cdevent the CDEvent JSON exactly as it was on the topic
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Event(String id, String name, String type, String topic, String key, Instant time, String chainId,
            String subject, String summary, @JsonRawValue String cdevent) {
    }

    /**
     * A build's log as kept: its latest {@code lines}, the first of which is line number {@code firstLine} (1-based;
     * {@code firstLine - 1} lines were dropped to stay within the caps).
     */
    public record BuildLog(String buildId, long firstLine, List<String> lines, boolean finished, long dropped) {
    }

    /** One log line with its 1-based number in the build's log. */
    public record LogLine(String buildId, long number, String line) {
    }

    /** How far the board has read. */
    public record Status(boolean caughtUp, long records, long events, long malformed, long duplicates, int chains,
            int apps, int builds, long logChars) {
    }
}
