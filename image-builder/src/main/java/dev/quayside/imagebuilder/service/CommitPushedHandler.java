package dev.quayside.imagebuilder.service;

import dev.quayside.events.BuildOutcome;
import dev.quayside.events.BuildQueued;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.MalformedEventException;
import dev.quayside.imagebuilder.config.BuilderConfig;
import dev.quayside.imagebuilder.messaging.EventPublisher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Handles {@link CommitPushed}: ignores what is not a branch push of an app repository (saying why), queues a build
 * per commit (a redelivered event joins the queued or running build of its commit), and supersedes older queued
 * builds of the same branch.
 */
@ApplicationScoped
public class CommitPushedHandler {

    private static final Logger LOG = Logger.getLogger(CommitPushedHandler.class);
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

    /** What became of one event. */
    public record Accepted(Optional<String> buildId, Uni<Void> queued, CompletableFuture<BuildJob.Disposition> done) {
    }

    private final BuilderConfig config;
    private final EventPublisher publisher;
    private final BuildRunner runner;
    private final MeterRegistry meters;
    private final BuildScheduler scheduler;
    private final ExecutorService workers;
    private final java.util.Map<String, io.opentelemetry.context.Context> traceContexts =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final ExecutorService announcer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "build-superseded");
        t.setDaemon(true);
        return t;
    });

    CommitPushedHandler(BuilderConfig config, EventPublisher publisher, BuildRunner runner, MeterRegistry meters) {
        this.config = config;
        this.publisher = publisher;
        this.runner = runner;
        this.meters = meters;
        int concurrency = config.concurrency() > 0 ? config.concurrency() : Runtime.getRuntime().availableProcessors();
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "image-build-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // a build runs on a worker thread, later: it continues the trace of the event that queued it
        this.scheduler = new BuildScheduler(concurrency, workers, job -> {
            io.opentelemetry.context.Context trace = traceContexts.remove(job.buildId());
            try (io.opentelemetry.context.Scope scope = trace != null ? trace.makeCurrent()
                    : io.opentelemetry.context.Scope.noop()) {
                runner.run(job);
            }
        }, this::superseded);
        Gauge.builder("quayside.image-builder.queue.size", scheduler, BuildScheduler::queued)
                .description("builds waiting for a slot").register(meters);
        Gauge.builder("quayside.image-builder.running", scheduler, BuildScheduler::running)
                .description("builds running").register(meters);
    }

    /**
     * Accepts one event. {@code queued} completes once {@code BuildQueued} is on Kafka (immediately for ignored
     * events); {@code done} when the event may be acknowledged or must be dead-lettered.
     *
     * @throws MalformedEventException when the event cannot describe a build (bad commit id, no clone URL)
     */
    public Accepted handle(EventEnvelope<CommitPushed> event, long receivedNanos) {
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
        if (push.cloneUrl() == null || push.cloneUrl().isBlank()) {
            throw new MalformedEventException("commit-pushed event " + event.id() + " has no cloneUrl");
        }
        String buildId = buildId(push);
        BuildJob job = new BuildJob(buildId, event, receivedNanos, Instant.now());
        Optional<BuildJob> running = scheduler.active(buildId);
        if (running.isPresent()) {
            LOG.infof("event %s joins build %s already %s", event.id(), buildId, running.get().state());
            return new Accepted(Optional.of(buildId), Uni.createFrom().voidItem(), running.get().done());
        }
        traceContexts.put(buildId, io.opentelemetry.context.Context.current());
        Uni<Void> queued = publisher.send(event.next(new BuildQueued(buildId, push.repository(), push.repository(),
                push.after(), push.refName()), config.source(), job.queuedAt(), buildId));
        Uni<Void> submitted = queued.invoke(() -> {
            BuildJob accepted = scheduler.submit(job);
            if (accepted != job) {
                accepted.done().whenComplete((d, e) -> job.done().complete(d));
            }
        });
        return new Accepted(Optional.of(buildId), submitted, job.done());
    }

    /** Why {@code push} is not built, or null when it is. */
    static String ignoreReason(CommitPushed push) {
        if (!"app".equals(push.repositoryKind())) {
            return "not-an-app-repository";
        }
        if (!push.isBranch()) {
            return "not-a-branch";
        }
        if (push.after() == null || CommitPushed.ZERO_SHA.equals(push.after())
                || push.change() == CommitPushed.RefChange.BRANCH_DELETED) {
            return "branch-deleted";
        }
        return null;
    }

    /**
     * A readable, deterministic build id: {@code <repository>-<12 hex of the commit>-<6 hex of repository+branch>}, so
     * a redelivered event maps to the same build and the same commit on two branches to two builds.
     */
    static String buildId(CommitPushed push) {
        String branchHash = UUID.nameUUIDFromBytes((push.repository() + "\u0000" + push.refName())
                .getBytes(StandardCharsets.UTF_8)).toString().replace("-", "").substring(0, 6);
        String name = push.repository().replaceAll("[^A-Za-z0-9._-]", "-");
        return name + "-" + push.after().substring(0, 12) + "-" + branchHash;
    }

    /** Queued or running builds. */
    public List<BuildJob> activeJobs() {
        return scheduler.activeJobs();
    }

    public Optional<BuildJob> active(String buildId) {
        return scheduler.active(buildId);
    }

    private void superseded(BuildJob older, BuildJob newer) {
        traceContexts.remove(older.buildId());
        announcer.execute(() -> {
            BuildLog log = runner.logFor(older);
            String reason = "superseded by " + newer.commit() + " on " + newer.branch();
            log.accept("build " + older.buildId() + " " + reason + " before it started");
            try {
                runner.finish(older, log, BuildOutcome.SUPERSEDED, reason, null, older.receivedNanos(),
                        BuildJob.Disposition.ACK);
            } catch (RuntimeException e) {
                LOG.errorf(e, "could not announce that build %s was superseded", older.buildId());
                older.done().complete(BuildJob.Disposition.deadLetter(e));
            }
        });
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
        announcer.shutdownNow();
    }

    /** The number of builds allowed at once. */
    public int concurrency() {
        return scheduler.concurrency();
    }
}
