package dev.quayside.imagebuilder.service;

import dev.quayside.events.BuildOutcome;
import dev.quayside.events.BuildQueued;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.imagebuilder.client.Abort;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** One commit to build, from queued to finished. */
public final class BuildJob {

    /** Where a job is. */
    public enum State {
        QUEUED, RUNNING, FINISHED
    }

    /**
     * What to do with the event(s) that asked for this build once it ends: acknowledge them, dead-letter them
     * (terminal infrastructure failure) after the failure was announced, or handle them again later ({@code redeliver}:
     * an event announcing the build could not be published, so nothing is known to have been announced for sure).
     */
    public record Disposition(boolean deadLetter, boolean redeliver, Throwable cause) {

        static final Disposition ACK = new Disposition(false, false, null);

        static Disposition deadLetter(Throwable cause) {
            return new Disposition(true, false, cause);
        }

        static Disposition redeliver(Throwable cause) {
            return new Disposition(false, true, cause);
        }
    }

    private final String buildId;
    private final EventEnvelope<CommitPushed> trigger;
    private final long receivedNanos;
    private final Instant queuedAt;
    private final CompletableFuture<Disposition> done = new CompletableFuture<>();
    private final Abort abort = new Abort();
    private final Context trace = Context.current();
    private volatile State state = State.QUEUED;
    private volatile BuildOutcome outcome;
    private volatile String reason;
    private volatile String artifactId;
    private volatile Instant finishedAt;
    private volatile BuildRunner.LookedUp lookedUp;
    private volatile boolean queuedAnnounced;

    BuildJob(String buildId, EventEnvelope<CommitPushed> trigger, long receivedNanos, Instant queuedAt) {
        this.buildId = buildId;
        this.trigger = trigger;
        this.receivedNanos = receivedNanos;
        this.queuedAt = queuedAt;
    }

    public String buildId() {
        return buildId;
    }

    public EventEnvelope<CommitPushed> trigger() {
        return trigger;
    }

    public String repository() {
        return trigger.data().repository();
    }

    /** The short name of the pushed branch or tag. */
    public String branch() {
        return trigger.data().refName();
    }

    /** The full ref: {@code refs/heads/...} or {@code refs/tags/...}. */
    public String ref() {
        return trigger.data().ref();
    }

    /** True for a tag push: whether it is built is known only once its settings are read. */
    public boolean isTag() {
        return trigger.data().ref().startsWith("refs/tags/");
    }

    /**
     * True once {@code BuildQueued} is out: at once for a branch push, after the look-up found the tag to be built
     * for a tag push.
     */
    boolean queuedAnnounced() {
        return queuedAnnounced;
    }

    void queuedAnnounced(boolean announced) {
        this.queuedAnnounced = announced;
    }

    /** The {@code BuildQueued} event of this job. */
    EventEnvelope<BuildQueued> queuedEvent(String source) {
        CommitPushed push = trigger.data();
        return trigger.next(new BuildQueued(buildId, push.repository(), push.repository(), push.after(),
                push.refName()), source, queuedAt, buildId);
    }

    public String commit() {
        return trigger.data().after();
    }

    /** {@link System#nanoTime()} when the triggering event was received. */
    long receivedNanos() {
        return receivedNanos;
    }

    public Instant queuedAt() {
        return queuedAt;
    }

    public State state() {
        return state;
    }

    void state(State state) {
        this.state = state;
    }

    public BuildOutcome outcome() {
        return outcome;
    }

    public String reason() {
        return reason;
    }

    public String artifactId() {
        return artifactId;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    Abort abort() {
        return abort;
    }

    /** The trace of the event that queued this job: its lanes run it later, on worker threads. */
    Context trace() {
        return trace;
    }

    /** What the look-up found out for the build slot; null until then and once finished. */
    BuildRunner.LookedUp lookedUp() {
        return lookedUp;
    }

    void lookedUp(BuildRunner.LookedUp lookedUp) {
        this.lookedUp = lookedUp;
    }

    void finish(BuildOutcome outcome, String reason, String artifactId, Instant at) {
        this.outcome = outcome;
        this.reason = reason;
        this.artifactId = artifactId;
        this.finishedAt = at;
        this.lookedUp = null;
        this.state = State.FINISHED;
    }

    /** Completes when the build has ended and its events are published. */
    public CompletableFuture<Disposition> done() {
        return done;
    }
}
