package dev.quayside.imagebuilder.service;

import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.BuildStarted;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.Purl;
import dev.quayside.imagebuilder.client.AnnouncedPushes;
import dev.quayside.imagebuilder.client.BuildFailedException;
import dev.quayside.imagebuilder.client.GitClient;
import dev.quayside.imagebuilder.client.InfrastructureException;
import dev.quayside.imagebuilder.config.BuilderConfig;
import dev.quayside.imagebuilder.messaging.BuildLogStream;
import dev.quayside.kit.messaging.EventNotPublishedException;
import dev.quayside.kit.messaging.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Tells the world how a build goes: publishes its {@code BuildQueued}, {@code BuildStarted}, {@code ImageBuilt} and
 * {@code BuildFinished} (each waiting for the broker's ack), streams its log, and on the end of a build records it in
 * the history and the build metrics and completes the job.
 */
final class BuildAnnouncer {

    private static final Logger LOG = Logger.getLogger(BuildRunner.class);

    private final BuilderConfig config;
    private final EventPublisher publisher;
    private final BuildLogStream logs;
    private final BuildHistory history;
    private final MeterRegistry meters;
    private final AnnouncedPushes announced;

    BuildAnnouncer(BuilderConfig config, EventPublisher publisher, BuildLogStream logs, BuildHistory history,
            MeterRegistry meters, AnnouncedPushes announced) {
        this.config = config;
        this.publisher = publisher;
        this.logs = logs;
        this.history = history;
        this.meters = meters;
        this.announced = announced;
    }

    /** The log of {@code job}: the one its look-up began, else a new one. */
    BuildLog logFor(BuildJob job) {
        BuildRunner.LookedUp lookedUp = job.lookedUp();
        return lookedUp != null ? lookedUp.log()
                : new BuildLog(job.buildId(), config.logTailLines(), line -> logs.log(job.buildId(), line),
                        !job.queuedAnnounced());
    }

    /** Sends the {@code BuildQueued} a tag push gets once its look-up decided to build it; streams its held log. */
    void queued(BuildJob job, BuildLog log) {
        publish(job.queuedEvent(config.source()));
        job.queuedAnnounced(true);
        log.release();
    }

    /** Sends the {@code BuildStarted} of {@code job}, as docker starts building it. */
    void started(BuildJob job) {
        CommitPushed push = job.trigger().data();
        publish(job.trigger().next(new BuildStarted(job.buildId(), push.repository(), push.repository(),
                job.commit(), push.refName()), config.source(), Instant.now(), job.buildId()));
    }

    /**
     * Sends the {@code ImageBuilt} of {@code job}, keyed by its repository and ref, once the announcement and the
     * build's end ({@code outcome}) are recorded as pending ({@link AnnouncedPushes#recordPending}): should the instance
     * stop before the end is published, the redelivered push announces both again ({@link #reannounce}).
     *
     * @throws EventNotPublishedException when the pending announcement cannot be recorded (nothing was published)
     */
    void imageBuilt(BuildJob job, ImageBuilt built, BuildOutcome outcome) {
        CommitPushed push = job.trigger().data();
        EventEnvelope<ImageBuilt> event = job.trigger().next(built, config.source(), Instant.now(), push.repository(),
                push.ref(), job.commit(), built.name(), built.digest());
        try {
            announced.recordPending(job.trigger().id(), outcome, event);
        } catch (RuntimeException e) {
            throw new EventNotPublishedException(event, "its announcement could not be recorded first in "
                    + announced.topic() + " (" + e.getMessage() + ")", e);
        }
        publish(event);
    }

    /**
     * Announces again what an instance stopped while announcing ({@code pending}, recorded before it published the
     * {@code ImageBuilt}): the same {@code ImageBuilt} (its id, time and chain) and the build's end with the outcome
     * decided then, whose id is the same as the first one's would be. Nothing is decided again: by now a newer commit
     * of the ref may have been announced, and deciding again would end the chain a second time as superseded.
     */
    void reannounce(BuildJob job, AnnouncedPushes.Pending pending) {
        BuildLog log = logFor(job);
        try {
            log.accept("build " + job.buildId() + ": its image was being announced when the instance announcing it "
                    + "stopped; announced again as it was (" + pending.outcome().wire() + ")");
            publish(pending.imageBuilt());
            finish(job, log, pending.outcome(), pending.outcome() == BuildOutcome.SKIPPED
                    ? "image already in the registry" : null, pending.imageBuilt().data().artifactId(), 0,
                    BuildJob.Disposition.ACK);
        } catch (EventNotPublishedException e) {
            notPublished(job, log, e);
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not announce build %s again", job.buildId());
            job.done().complete(BuildJob.Disposition.deadLetter(e));
        }
    }

    /** Ends {@code job} as superseded by the announced {@code newer} commit. */
    void superseded(BuildJob job, BuildLog log, String newer, Watchdog clock, String detail) {
        clock.cancel();
        String reason = "superseded by " + newer + " on " + job.branch() + detail;
        log.accept("build " + job.buildId() + " " + reason);
        finish(job, log, BuildOutcome.SUPERSEDED, reason, null, clock.elapsedNanos(), BuildJob.Disposition.ACK);
    }

    /**
     * Ends {@code job} after {@code e}: timed out when the watchdog fired, failed for a build error, failed and
     * dead-lettered for an infrastructure or unexpected error. A tag push not yet announced as queued is announced
     * first. When the end cannot be announced the job is dead-lettered.
     */
    void failed(BuildJob job, BuildLog log, Exception e, Watchdog clock) {
        clock.cancel();
        Thread.interrupted(); // the watchdog's interrupt has done its job; announcing must not be interrupted
        if (e instanceof EventNotPublishedException notPublished) {
            notPublished(job, log, notPublished);
            return;
        }
        try {
            if (!job.queuedAnnounced()) { // a tag push that failed before its build was decided: announced all the same
                queued(job, log);
            }
            if (clock.fired()) {
                String reason = "build exceeded its timeout of " + clock.limit() + " and was stopped";
                log.accept(reason);
                finish(job, log, BuildOutcome.TIMED_OUT, reason, null, clock.elapsedNanos(), BuildJob.Disposition.ACK);
            } else if (e instanceof BuildFailedException) {
                log.accept("build failed: " + e.getMessage());
                finish(job, log, BuildOutcome.FAILURE, e.getMessage(), null, clock.elapsedNanos(),
                        BuildJob.Disposition.ACK);
            } else {
                String reason = GitClient.redact(e instanceof InfrastructureException ? e.getMessage()
                        : "unexpected error: " + e);
                LOG.errorf("build %s failed: %s", job.buildId(), reason);
                log.accept("build failed: " + reason);
                finish(job, log, BuildOutcome.FAILURE, reason, null, clock.elapsedNanos(),
                        BuildJob.Disposition.deadLetter(e));
            }
        } catch (EventNotPublishedException publishing) {
            notPublished(job, log, publishing);
        } catch (RuntimeException publishing) {
            LOG.errorf(publishing, "could not announce the end of build %s", job.buildId());
            job.done().complete(BuildJob.Disposition.deadLetter(publishing));
        }
    }

    /**
     * Ends {@code job} without announcing anything more when one of its events was not acknowledged by Kafka: not a
     * build failure (the event may well be on Kafka); its push is handled again later, and recognised if its outcome
     * turns out to have been announced.
     */
    void notPublished(BuildJob job, BuildLog log, EventNotPublishedException e) {
        LOG.warnf("build %s: %s; not announced as a failure, its push is handled again", job.buildId(),
                e.getMessage());
        log.accept("could not announce: " + e.getMessage() + "; the push is handled again");
        meters.counter("quayside.image-builder.events.not-published").increment();
        job.done().complete(BuildJob.Disposition.redeliver(e));
    }

    /** Announces the end of a build that ran for {@code ranNanos} and completes the job. */
    void finish(BuildJob job, BuildLog log, BuildOutcome outcome, String reason, String artifactId, long ranNanos,
            BuildJob.Disposition disposition) {
        long durationMs = TimeUnit.NANOSECONDS.toMillis(ranNanos);
        reason = GitClient.redact(reason);
        BuildFinished finished = new BuildFinished(job.buildId(), job.repository(), job.repository(), job.commit(),
                job.branch(), outcome, durationMs, reason, log.tail(), artifactId);
        Instant now = Instant.now();
        EventEnvelope<BuildFinished> event = job.trigger().next(finished, config.source(), now, job.buildId(),
                outcome.wire());
        publish(event);
        remember(job, event.type() + " " + event.id() + " " + outcome.wire());
        job.finish(outcome, reason, artifactId, now);
        history.finished(job);
        meters.counter("quayside.image-builder.builds", "outcome", outcome.wire()).increment();
        meters.timer("quayside.image-builder.build.duration", "outcome", outcome.wire())
                .record(durationMs, TimeUnit.MILLISECONDS);
        LOG.infof("build %s of %s@%s: %s%s (%d ms)", job.buildId(), job.repository(), job.commit(), outcome.wire(),
                reason == null ? "" : " (" + reason + ")", durationMs);
        job.done().complete(disposition);
    }

    /**
     * Publishes {@code envelope} and waits for the broker's ack, at most {@code quayside.messaging.ack-timeout} (set
     * from {@code quayside.builder.publish-timeout}); the job's trace is the current OpenTelemetry context.
     */
    private void publish(EventEnvelope<?> envelope) {
        publisher.publish(List.of(envelope));
    }

    /**
     * Records, for every instance, that {@code outcome} was announced for the push that asked for {@code job}, so a
     * redelivery of it is acknowledged without building. Kafka just took the outcome event: should it not take this
     * record, the push is still acknowledged (its offset committed soon after), and only a redelivery before that
     * commit would build it again (or, when its image was announced, announce it again: the record stays pending).
     */
    private void remember(BuildJob job, String outcome) {
        try {
            announced.record(job.trigger().id(), outcome);
        } catch (RuntimeException e) {
            LOG.warnf("build %s: could not record in %s that %s was announced: %s", job.buildId(), announced.topic(),
                    outcome, e.getMessage());
        }
    }

    /** {@code ImageBuilt} of {@code commit}, with the full ref (a branch and a tag of the same name differ). */
    static ImageBuilt imageBuilt(CommitPushed push, String commit, String registry, BuildSettings settings,
            String shaTag, String digest, Map<String, String> labels, boolean reused) {
        return new ImageBuilt(push.repository(), push.repository(), commit, push.ref(), registry,
                settings.image(), shaTag, settings.extraTags(), digest,
                Purl.oci(registry, settings.image(), digest, shaTag), labels, reused);
    }

    /** The OCI labels an image of {@code commit} carries. */
    static Map<String, String> labels(CommitPushed push, String commit, RepositoryCatalog.Source source,
            String shaTag) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("org.opencontainers.image.revision", commit);
        labels.put("org.opencontainers.image.source", source.remote().redacted());
        labels.put("org.opencontainers.image.created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        labels.put("org.opencontainers.image.version", shaTag);
        labels.put("org.opencontainers.image.ref.name", push.refName());
        return Map.copyOf(labels);
    }
}
