package dev.quayside.imagebuilder.service;

import dev.quayside.events.BuildOutcome;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.MalformedEventException;
import dev.quayside.imagebuilder.client.AnnouncedPushes;
import dev.quayside.imagebuilder.config.BuilderConfig;
import dev.quayside.kit.messaging.AsyncEventHandler;
import dev.quayside.kit.messaging.Delivery;
import dev.quayside.kit.messaging.EventNotPublishedException;
import dev.quayside.kit.messaging.EventPublisher;
import dev.quayside.kit.messaging.Outcome;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;
import org.jboss.logging.Logger;

/**
 * Handles {@link CommitPushed}: ignores what is not a branch or tag push of an app repository (saying why), queues a
 * build per commit and ref (a redelivered event joins the queued or running build of its commit), and supersedes
 * older queued builds of the same ref. A build is looked up first in the look-up lane (an image that already exists
 * never waits for a build slot), and takes a build slot only when its image is missing.
 *
 * <p>As the kit's {@link AsyncEventHandler}, a push's stage completes when its build has ended and been announced:
 * with nothing more to publish (acknowledged), with a terminal outcome (a build that ended on an infrastructure failure,
 * announced as {@code failure}: dead-lettered), or failing with {@link EventNotPublishedException} when Kafka did not
 * take one of its events — not a build failure: the consumer shell handles the push again.
 */
@ApplicationScoped
public class CommitPushedHandler implements AsyncEventHandler<CommitPushed> {

    private static final Logger LOG = Logger.getLogger(CommitPushedHandler.class);
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

    /** What became of one event. */
    record Accepted(Optional<String> buildId, Uni<Void> queued, CompletableFuture<BuildJob.Disposition> done) {
    }

    private final BuilderConfig config;
    private final EventPublisher publisher;
    private final BuildRunner runner;
    private final MeterRegistry meters;
    private final AnnouncedPushes announced;
    private final BuildScheduler scheduler;
    private final ExecutorService lookUpWorkers;
    private final ExecutorService buildWorkers;
    private final ExecutorService announcer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "build-announcer");
        t.setDaemon(true);
        return t;
    });

    CommitPushedHandler(BuilderConfig config, EventPublisher publisher, BuildRunner runner, MeterRegistry meters,
            AnnouncedPushes announced) {
        this.config = config;
        this.announced = announced;
        this.publisher = publisher;
        this.runner = runner;
        this.meters = meters;
        int concurrency = config.concurrency() > 0 ? config.concurrency() : Runtime.getRuntime().availableProcessors();
        // below 1, the scheduler refuses the setting, saying which lane
        this.lookUpWorkers = Executors.newFixedThreadPool(Math.max(1, config.lookupConcurrency()),
                daemons("image-lookup-"));
        this.buildWorkers = Executors.newFixedThreadPool(concurrency, daemons("image-build-"));
        this.scheduler = new BuildScheduler(config.lookupConcurrency(), lookUpWorkers,
                job -> traced(job, () -> runner.lookUp(job)), concurrency, buildWorkers,
                job -> traced(job, () -> {
                    runner.build(job);
                    return null;
                }), this::superseded);
        Gauge.builder("quayside.image-builder.queue.size", scheduler, BuildScheduler::queued)
                .description("builds waiting for a slot").register(meters);
        Gauge.builder("quayside.image-builder.running", scheduler, BuildScheduler::running)
                .description("builds running").register(meters);
        Gauge.builder("quayside.image-builder.lookup.queue.size", scheduler, BuildScheduler::lookUpsQueued)
                .description("builds waiting for the look-up lane").register(meters);
        Gauge.builder("quayside.image-builder.lookup.running", scheduler, BuildScheduler::lookUpsRunning)
                .description("builds being looked up").register(meters);
    }

    /** A job runs on a worker thread, later: it continues the trace of the event that queued it. */
    private static <T> T traced(BuildJob job, Supplier<T> work) {
        try (Scope scope = job.trace().makeCurrent()) {
            return work.get();
        }
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger threads = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public Class<CommitPushed> eventType() {
        return CommitPushed.class;
    }

    /**
     * Queues the build of {@code event} and returns once its {@code BuildQueued} is on Kafka (so builds are queued in
     * record order); no push is handled before the memory of announced pushes ({@link AnnouncedPushes}) is read.
     */
    @Override
    public CompletionStage<Outcome> handle(EventEnvelope<CommitPushed> event, Delivery delivery) {
        if (!announced.isCaughtUp()) {
            LOG.infof("%s waits until %s is read", delivery.position(), announced.topic());
            announced.whenCaughtUp().toCompletableFuture().join();
        }
        Accepted accepted = handle(event, System.nanoTime());
        try {
            accepted.queued().await().indefinitely(); // bounded by the publisher's ack timeout
        } catch (EventNotPublishedException e) {
            LOG.errorf("could not announce that the build of %s is queued: %s", delivery.position(), e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
        return accepted.done().thenCompose(CommitPushedHandler::outcome);
    }

    /** How the record of a build that ended with {@code disposition} is settled. */
    private static CompletionStage<Outcome> outcome(BuildJob.Disposition disposition) {
        if (disposition.redeliver()) {
            return CompletableFuture.failedFuture(disposition.cause());
        }
        return CompletableFuture.completedFuture(disposition.deadLetter()
                ? Outcome.terminal(Outcome.reason(disposition.cause())) : Outcome.nothing());
    }

    /**
     * Accepts one event. {@code queued} completes once {@code BuildQueued} is on Kafka (immediately for ignored
     * events); {@code done} when the event may be acknowledged, must be dead-lettered or handled again. A push whose
     * outcome was announced already (by this or another instance: a redelivery) is acknowledged without building.
     *
     * @throws MalformedEventException when the event cannot describe a build (bad commit id or ref name)
     */
    Accepted handle(EventEnvelope<CommitPushed> event, long receivedNanos) {
        CommitPushed push = event.data();
        String ignored = ignoreReason(push);
        if (ignored != null) {
            LOG.debugf("ignoring %s: %s", event.id(), ignored);
            meters.counter("quayside.image-builder.events.ignored", "reason", ignored).increment();
            return new Accepted(Optional.empty(), Uni.createFrom().voidItem(),
                    CompletableFuture.completedFuture(BuildJob.Disposition.ACK));
        }
        if (!SHA.matcher(push.after()).matches()) {
            throw new MalformedEventException("commit id '" + push.after() + "' is not a 40-character hex SHA-1");
        }
        if (!Repository.isValidRefName(push.ref())) {
            throw new MalformedEventException("ref '" + push.ref() + "' of commit-pushed event " + event.id()
                    + " is not a valid Git ref name");
        }
        String buildId = buildId(push);
        Optional<String> outcome = announced.announced(event.id());
        Optional<AnnouncedPushes.Pending> pending = outcome.flatMap(AnnouncedPushes::pending);
        if (pending.isPresent() && scheduler.active(buildId).isEmpty()) {
            LOG.infof("event %s (%s %s @ %s) delivered again while its image's announcement was pending: announced "
                    + "again as it was", event.id(), push.repository(), push.ref(), push.after());
            meters.counter("quayside.image-builder.events.reannounced").increment();
            BuildJob job = new BuildJob(buildId, event, receivedNanos, Instant.now());
            job.queuedAnnounced(true);
            announcer.execute(() -> traced(job, () -> {
                runner.reannounce(job, pending.get());
                return null;
            }));
            return new Accepted(Optional.of(buildId), Uni.createFrom().voidItem(), job.done());
        }
        if (outcome.isPresent() && pending.isEmpty()) {
            LOG.infof("event %s (%s %s @ %s) delivered again: its outcome was announced already (%s); acknowledged "
                    + "without building", event.id(), push.repository(), push.ref(), push.after(), outcome.get());
            meters.counter("quayside.image-builder.events.ignored", "reason", "already-announced").increment();
            return new Accepted(Optional.of(buildId), Uni.createFrom().voidItem(),
                    CompletableFuture.completedFuture(BuildJob.Disposition.ACK));
        }
        BuildJob job = new BuildJob(buildId, event, receivedNanos, Instant.now());
        Optional<BuildJob> running = scheduler.active(buildId);
        if (running.isPresent()) {
            LOG.infof("event %s joins build %s already %s", event.id(), buildId, running.get().state());
            return new Accepted(Optional.of(buildId), Uni.createFrom().voidItem(), running.get().done());
        }
        // a tag push is announced once its look-up found that its settings build it
        job.queuedAnnounced(!job.isTag());
        Uni<Void> queued = job.isTag() ? Uni.createFrom().voidItem()
                : publisher.send(job.queuedEvent(config.source()), Optional.empty());
        Uni<Void> submitted = queued.invoke(() -> {
            BuildJob accepted = scheduler.submit(job);
            if (accepted != job) {
                accepted.done().whenComplete((d, e) -> job.done().complete(d));
            }
        });
        return new Accepted(Optional.of(buildId), submitted, job.done());
    }

    /** Why {@code push} is not built, or null when it is (a tag push: when its settings' tag patterns match it). */
    static String ignoreReason(CommitPushed push) {
        if (!"app".equals(push.repositoryKind())) {
            return "not-an-app-repository";
        }
        boolean deleted = push.after() == null || CommitPushed.ZERO_SHA.equals(push.after());
        if (push.ref() != null && push.ref().startsWith(Constants.R_TAGS)) {
            return deleted || push.change() == CommitPushed.RefChange.TAG_DELETED ? "tag-deleted" : null;
        }
        if (push.ref() == null || !push.isBranch()) {
            return "not-a-branch-or-tag";
        }
        if (deleted || push.change() == CommitPushed.RefChange.BRANCH_DELETED) {
            return "branch-deleted";
        }
        return null;
    }

    /**
     * A readable, deterministic build id: {@code <repository>-<12 hex of the commit>-<6 hex of repository+ref>}, so a
     * redelivered event maps to the same build and the same commit on two branches (or a branch and a tag of the same
     * name) to two builds. A branch is hashed by its short name, as before tags were built.
     */
    static String buildId(CommitPushed push) {
        String ref = push.isBranch() ? push.refName() : push.ref();
        String refHash = UUID.nameUUIDFromBytes((push.repository() + "\u0000" + ref)
                .getBytes(StandardCharsets.UTF_8)).toString().replace("-", "").substring(0, 6);
        String name = push.repository().replaceAll("[^A-Za-z0-9._-]", "-");
        return name + "-" + push.after().substring(0, 12) + "-" + refHash;
    }

    /** Queued or running builds. */
    public List<BuildJob> activeJobs() {
        return scheduler.activeJobs();
    }

    public Optional<BuildJob> active(String buildId) {
        return scheduler.active(buildId);
    }

    private void superseded(BuildJob older, BuildJob newer) {
        if (!older.queuedAnnounced()) { // a tag push not yet looked up: nobody heard of it, nobody hears its end
            older.finish(BuildOutcome.SUPERSEDED, "superseded by " + newer.commit(), null, Instant.now());
            older.done().complete(BuildJob.Disposition.ACK);
            return;
        }
        announcer.execute(() -> {
            BuildLog log = runner.logFor(older);
            String reason = "superseded by " + newer.commit() + " on " + newer.branch();
            log.accept("build " + older.buildId() + " " + reason + " before it was built");
            try {
                runner.finish(older, log, BuildOutcome.SUPERSEDED, reason, null,
                        System.nanoTime() - older.receivedNanos(), BuildJob.Disposition.ACK);
            } catch (EventNotPublishedException e) {
                runner.notPublished(older, log, e);
            } catch (RuntimeException e) {
                LOG.errorf(e, "could not announce that build %s was superseded", older.buildId());
                older.done().complete(BuildJob.Disposition.deadLetter(e));
            }
        });
    }

    @PreDestroy
    void stop() {
        lookUpWorkers.shutdownNow();
        buildWorkers.shutdownNow();
        announcer.shutdownNow();
    }

    /** The number of builds allowed at once. */
    public int concurrency() {
        return scheduler.concurrency();
    }
}
