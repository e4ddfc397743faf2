package dev.quayside.notifier.service;

import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildQueued;
import dev.quayside.events.BuildStarted;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.ContainerStarted;
import dev.quayside.events.ContainerStopped;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventType;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.PipelineEvent;
import dev.quayside.events.RoutesUpdated;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceRemoved;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.events.ServiceUpgraded;
import dev.quayside.events.TagUpdated;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What routing rules and templates see of one event, whatever its type.
 *
 * @param typeKey   the event type as rules name it: {@code build-finished}, {@code service-rolled-back}, ...
 * @param outcome   normalised outcome: {@code success}, {@code failure}, {@code timed-out}, {@code rolled-back}, ...
 * @param reason    why it failed, or null
 * @param detail    extra lines (log tail, changed files), or empty
 */
public record EventFacts(String eventId, String chainId, EventType type, String typeKey, String outcome, String app,
        String environment, String repository, String commit, String branch, String image, String targetId,
        String deploymentId, Long durationMs, String reason, List<String> detail, Instant timestamp,
        String subject) {

    /** Outcomes that are bad news: they get reminders instead of digests, and the "failure" look. */
    static final Set<String> FAILURES = Set.of("failure", "timed-out", "rolled-back", "invalid", "reload-failed");

    public boolean isFailure() {
        return FAILURES.contains(outcome);
    }

    /** The key rules use for an event type, e.g. {@code SERVICE_ROLLED_BACK} is {@code service-rolled-back}. */
    public static String typeKey(EventType type) {
        return type.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * These facts without the build's log tail (a {@code build-finished} event's {@code detail}), for a channel that
     * has not opted in ({@code include-log-tail}); other events' details (changed files, commits) stay.
     */
    public EventFacts withoutLogTail() {
        if (type != EventType.BUILD_FINISHED || detail.isEmpty()) {
            return this;
        }
        return new EventFacts(eventId, chainId, type, typeKey, outcome, app, environment, repository, commit, branch,
                image, targetId, deploymentId, durationMs, reason, List.of(), timestamp, subject);
    }

    public String shortCommit() {
        return commit == null ? null : commit.substring(0, Math.min(7, commit.length()));
    }

    /** Extracts the facts of any Quayside event. */
    public static EventFacts of(EventEnvelope<?> envelope) {
        Builder b = new Builder(envelope);
        PipelineEvent data = envelope.data();
        if (data instanceof CommitPushed e) {
            b.outcome = lower(e.change().name());
            b.repository = e.repository();
            b.commit = e.after();
            b.branch = e.refName();
            b.detail = e.commits() == null ? List.of()
                    : e.commits().stream().map(c -> abbreviate(c.id()) + " " + firstLine(c.message())).toList();
        } else if (data instanceof BuildQueued e) {
            b.build(e.app(), e.repository(), e.commit(), e.branch(), "queued");
        } else if (data instanceof BuildStarted e) {
            b.build(e.app(), e.repository(), e.commit(), e.branch(), "started");
        } else if (data instanceof BuildFinished e) {
            b.build(e.app(), e.repository(), e.commit(), e.branch(), e.outcome().wire());
            b.durationMs = e.durationMs();
            b.reason = e.reason();
            b.image = e.artifactId();
            b.detail = e.logTail() == null ? List.of() : e.logTail();
        } else if (data instanceof ImageBuilt e) {
            b.build(e.app(), e.repository(), e.commit(), e.branch(), e.reused() ? "reused" : "success");
            b.image = e.registry() + "/" + e.name() + ":" + e.tag();
        } else if (data instanceof TagUpdated e) {
            b.app = e.app();
            b.outcome = e.outcome() == TagUpdated.Outcome.FAILED ? "failure" : lower(e.outcome().name());
            b.repository = e.configRepository();
            b.commit = e.commitWritten();
            b.branch = e.branch();
            b.image = e.newImage();
            b.reason = e.reason();
            if (e.changes() != null && !e.changes().isEmpty()) {
                b.environment = e.changes().get(0).environment();
                b.detail = e.changes().stream().map(c -> c.path() + ": " + c.oldImage() + " → " + c.newImage())
                        .toList();
            }
        } else if (data instanceof ConfigSynced e) {
            b.outcome = e.outcome() == ConfigSynced.Outcome.FAILED ? "failure" : "synced";
            b.app = e.app(); // one app's announcement of the sync; null for the rest of it
            b.repository = e.configRepository();
            b.commit = e.toCommit();
            b.branch = e.branch();
            b.reason = e.reason();
            b.detail = e.filesChanged() == null ? List.of() : e.filesChanged();
        } else if (data instanceof ServiceDeployed e) {
            b.deployment(e.deployment(), "success");
        } else if (data instanceof ServiceUpgraded e) {
            b.deployment(e.deployment(), e.unchanged() ? "unchanged" : "success");
        } else if (data instanceof ServiceRemoved e) {
            b.deployment(e.deployment(), "success");
        } else if (data instanceof ServiceRolledBack e) {
            b.deployment(e.deployment(), "rolled-back");
            b.reason = e.reason();
        } else if (data instanceof DeploymentFailed e) {
            b.deployment(e.deployment(), "failure");
            b.reason = lower(e.reason().name()) + (e.message() == null ? "" : ": " + e.message());
            if (e.file() != null) {
                b.detail = List.of(e.file() + (e.path() == null ? "" : " at " + e.path()));
            }
        } else if (data instanceof ContainerStarted e) {
            b.app = e.container().serviceName();
            b.outcome = "started";
            b.image = e.container().image();
            b.targetId = e.container().serviceId();
        } else if (data instanceof ContainerStopped e) {
            b.app = e.container().serviceName();
            b.outcome = e.exitCode() == null || e.exitCode() == 0 ? "stopped" : "failure";
            b.image = e.container().image();
            b.targetId = e.container().serviceId();
            b.reason = e.exitCode() == null || e.exitCode() == 0 ? null : "exit code " + e.exitCode();
        } else if (data instanceof RoutesUpdated e) {
            b.app = e.instance();
            b.outcome = lower(e.outcome().name());
            b.reason = e.message();
            b.detail = e.routes() == null ? List.of()
                    : e.routes().stream().map(r -> r.service() + " → " + r.backends()).toList();
        }
        return b.build();
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String abbreviate(String sha) {
        return sha == null ? "" : sha.substring(0, Math.min(7, sha.length()));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static final class Builder {
        final EventEnvelope<?> envelope;
        String outcome = "";
        String app;
        String environment;
        String repository;
        String commit;
        String branch;
        String image;
        String targetId;
        String deploymentId;
        Long durationMs;
        String reason;
        List<String> detail = List.of();

        Builder(EventEnvelope<?> envelope) {
            this.envelope = envelope;
        }

        void build(String app, String repository, String commit, String branch, String outcome) {
            this.app = app;
            this.repository = repository;
            this.commit = commit;
            this.branch = branch;
            this.outcome = outcome;
        }

        void deployment(Deployment d, String outcome) {
            this.outcome = outcome;
            app = d.app();
            environment = d.environment();
            image = d.image();
            targetId = d.targetId();
            deploymentId = d.deploymentId();
            durationMs = d.durationMs();
        }

        EventFacts build() {
            EventType type = envelope.type();
            return new EventFacts(envelope.id(), envelope.chainId(), type, typeKey(type), outcome, app, environment,
                    repository, commit, branch, image, targetId, deploymentId, durationMs, reason, detail,
                    envelope.context().timestamp(), envelope.subject().id());
        }
    }
}
