package dev.quayside.imagebuilder.service;

import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.BuildStarted;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.Purl;
import dev.quayside.imagebuilder.client.BuildFailedException;
import dev.quayside.imagebuilder.client.DockerEngineClient;
import dev.quayside.imagebuilder.client.GitClient;
import dev.quayside.imagebuilder.client.InfrastructureException;
import dev.quayside.imagebuilder.client.RegistryClient;
import dev.quayside.imagebuilder.config.BuilderConfig;
import dev.quayside.imagebuilder.messaging.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Runs one build, in named steps, in two parts. The look-up, in the look-up lane: fetch the commit, read its settings,
 * skip when the registry already has the commit's image. The build, in a build slot and only when the image is
 * missing: check out a clean context, build, push every tag, confirm the manifest in the registry, announce.
 */
@ApplicationScoped
public class BuildRunner {

    private static final Logger LOG = Logger.getLogger(BuildRunner.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    /** What the look-up of a job whose image is missing hands on to the job's build slot. */
    record LookedUp(BuildLog log, Watchdog clock, StepTimes steps, RepositoryCatalog.Source source,
            BuildSettings settings, String commit, String shaTag) {
    }

    private final BuilderConfig config;
    private final GitClient git;
    private final RegistryClient registry;
    private final DockerEngineClient docker;
    private final EventPublisher publisher;
    private final RepositoryCatalog repositories;
    private final BuildSettingsLoader settingsLoader;
    private final ConcurrentMap<String, Object> announceLocks = new ConcurrentHashMap<>();
    private final BuildHistory history;
    private final MeterRegistry meters;
    private final Timer startOverhead;
    private final Timer publishOverhead;
    private final Timer skipLatency;
    private final Timer lookUpWait;
    private final Timer queueWait;
    private final Timer prepare;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "build-watchdog");
        t.setDaemon(true);
        return t;
    });

    BuildRunner(BuilderConfig config, GitClient git, RegistryClient registry, DockerEngineClient docker,
            EventPublisher publisher, BuildHistory history, RepositoryCatalog repositories, MeterRegistry meters) {
        this.config = config;
        this.git = git;
        this.registry = registry;
        this.docker = docker;
        this.publisher = publisher;
        this.repositories = repositories;
        this.settingsLoader = new BuildSettingsLoader(config, repositories);
        this.history = history;
        this.meters = meters;
        this.startOverhead = Timer.builder("quayside.image-builder.overhead.start")
                .description("event received until docker build starts").register(meters);
        this.publishOverhead = Timer.builder("quayside.image-builder.overhead.publish")
                .description("push done until ImageBuilt acknowledged by Kafka").register(meters);
        this.skipLatency = Timer.builder("quayside.image-builder.skip.latency")
                .description("event received until ImageBuilt acknowledged, image already in the registry")
                .register(meters);
        this.lookUpWait = Timer.builder("quayside.image-builder.lookup.wait")
                .description("event received until the look-up lane runs it").register(meters);
        this.queueWait = Timer.builder("quayside.image-builder.queue.wait")
                .description("look-up found the image missing until a build slot runs it").register(meters);
        this.prepare = Timer.builder("quayside.image-builder.prepare")
                .description("time in the lanes until docker build starts (fetch, settings, look-up, checkout)")
                .register(meters);
    }

    /**
     * Looks {@code job} up on the calling thread: fetches the commit from the repository's configured remote, reads its
     * settings (a tag push matching none of the settings' tag patterns ends here, unannounced) and asks the registry
     * for the commit's image. When the image is there (announced with its digest, unless a newer commit of the ref was
     * announced first) or the look-up fails, the job ends here and {@link BuildJob#done()} completes; when the image
     * is missing, returns true: the job needs a build slot, where {@link #build} goes on.
     */
    public boolean lookUp(BuildJob job) {
        BuildLog log = logFor(job);
        lookUpWait.record(System.nanoTime() - job.receivedNanos(), TimeUnit.NANOSECONDS);
        Watchdog clock = new Watchdog(job, config.timeout());
        try {
            CommitPushed push = job.trigger().data();
            log.accept("build " + job.buildId() + ": " + push.repository() + " " + push.ref() + " @ " + job.commit());
            StepTimes steps = new StepTimes();
            RepositoryCatalog.Source source = repositories.source(push.repository());
            git.ensureCommit(push.repository(), source.remote(), push.ref(), job.commit(), log);
            String commit = git.commitOf(push.repository(), job.commit());
            steps.mark("fetch");
            BuildSettings settings = settingsLoader.load(push.repository(), push.ref(), git.readFile(
                    push.repository(), commit, config.settingsFile(), BuildSettingsLoader.MAX_FILE_BYTES));
            if (job.isTag() && !job.queuedAnnounced()) {
                if (!BuildSettingsLoader.buildsTag(settings.buildTags(), push.refName())) {
                    LOG.infof("tag %s of %s matches no build-tags pattern %s: not built", push.refName(),
                            push.repository(), settings.buildTags());
                    meters.counter("quayside.image-builder.events.ignored", "reason", "tag-not-built").increment();
                    job.finish(null, "tag matches no build-tags pattern", null, Instant.now());
                    job.done().complete(BuildJob.Disposition.ACK);
                    return false;
                }
                announceQueued(job, log);
            }
            log.accept((settings.fromFile() ? "settings from " + config.settingsFile() : "no " + config.settingsFile()
                    + ": service defaults") + ": image " + settings.image() + ", dockerfile " + settings.dockerfile()
                    + " in " + settings.context() + ", timeout " + settings.timeout());
            clock.restrict(settings.timeout());
            steps.mark("settings");
            String shaTag = commit.substring(0, Math.min(config.shaTagLength(), commit.length()));

            Optional<String> existing = registry.digest(settings.image(), shaTag, log);
            steps.mark("registry look-up");
            if (existing.isEmpty()) {
                clock.pause();
                job.lookedUp(new LookedUp(log, clock, steps, source, settings, commit, shaTag));
                return true;
            }
            log.accept(registry.address() + "/" + settings.image() + ":" + shaTag + " is already in the registry as "
                    + existing.get() + ": no build");
            ImageBuilt built;
            synchronized (announcing(job)) {
                Optional<String> newer = newerAnnounced(job, commit);
                if (newer.isPresent()) {
                    superseded(job, log, newer.get(), clock, "");
                    return false;
                }
                if (job.isTag()) { // the image of the commit gets the tag's name, as a build would have given it
                    settings.extraTags().forEach(tag -> registry.tag(settings.image(), existing.get(), tag, log));
                }
                built = imageBuilt(push, commit, source, settings, shaTag, existing.get(), labels(push, commit, source,
                        shaTag), true);
                publish(job.trigger().next(built, config.source(), Instant.now(), push.repository(), push.ref(),
                        job.commit(), settings.image(), existing.get()));
                git.recordAnnounced(push.repository(), push.ref(), commit);
            }
            skipLatency.record(System.nanoTime() - job.receivedNanos(), TimeUnit.NANOSECONDS);
            finish(job, log, BuildOutcome.SKIPPED, "image already in the registry", built.artifactId(),
                    clock.elapsedNanos(), BuildJob.Disposition.ACK);
        } catch (RuntimeException e) {
            failed(job, log, e, clock);
        } finally {
            clock.cancel();
            Thread.interrupted(); // a late watchdog interrupt must not leak into the next job of this thread
        }
        return false;
    }

    /**
     * Builds {@code job} on the calling thread once {@link #lookUp} found its image missing: checks out a clean
     * context, builds, pushes the commit tag, then, unless a newer commit of the ref was announced meanwhile, pushes
     * the other tags, confirms the manifest in the registry and announces; completes {@link BuildJob#done()}.
     */
    public void build(BuildJob job) {
        LookedUp lookedUp = job.lookedUp();
        BuildLog log = lookedUp.log();
        Watchdog clock = lookedUp.clock();
        StepTimes steps = lookedUp.steps();
        BuildSettings settings = lookedUp.settings();
        String commit = lookedUp.commit();
        String shaTag = lookedUp.shaTag();
        queueWait.record(steps.mark("wait for a build slot"), TimeUnit.NANOSECONDS);
        clock.resume();
        Path workspace = null;
        try {
            CommitPushed push = job.trigger().data();
            Optional<String> announcedMeanwhile = newerAnnounced(job, commit);
            if (announcedMeanwhile.isPresent()) {
                superseded(job, log, announcedMeanwhile.get(), clock, "");
                return;
            }
            String repository = registry.address() + "/" + settings.image();
            Map<String, String> labels = labels(push, commit, lookedUp.source(), shaTag);
            workspace = Files.createDirectories(config.workDir().resolve("builds"))
                    .resolve(GitClient.safeName(job.buildId()) + "-" + System.nanoTime());
            git.checkout(push.repository(), commit, workspace, log);
            steps.mark("checkout");
            Path context = workspace.resolve(settings.context()).normalize();
            Path dockerfile = context.resolve(settings.dockerfile()).normalize();
            if (!Files.isDirectory(context)) {
                throw new BuildFailedException("build context '" + settings.context() + "' is not a folder at "
                        + commit);
            }
            if (!dockerfile.startsWith(context) || !Files.isRegularFile(dockerfile)) {
                throw new BuildFailedException("Dockerfile '" + settings.dockerfile() + "' not found in context '"
                        + settings.context() + "' at " + commit);
            }
            // the build tags the commit only: moving tags (main, latest) are shared by the builds of a ref, so they are
            // given and pushed under the ref's lock below, never by a build that may end after a newer one
            Set<String> tags = new LinkedHashSet<>();
            tags.add(repository + ":" + shaTag);

            String imageId = docker.build(new DockerEngineClient.BuildRequest(context, dockerfile, tags, labels,
                    settings.buildArgs(), settings.target()), log, job.abort(), () -> {
                        startOverhead.record(System.nanoTime() - job.receivedNanos(), TimeUnit.NANOSECONDS);
                        prepare.record(clock.elapsedNanos(), TimeUnit.NANOSECONDS);
                        log.accept("prepared in " + steps);
                        publish(job.trigger().next(new BuildStarted(job.buildId(), push.repository(),
                                push.repository(), job.commit(), push.refName()), config.source(), Instant.now(),
                                job.buildId()));
                    });
            log.accept("built " + imageId);

            String pushed = docker.push(repository, shaTag, log, job.abort());
            ImageBuilt built;
            long pushDone;
            synchronized (announcing(job)) {
                Optional<String> newer = newerAnnounced(job, commit);
                if (newer.isPresent()) {
                    superseded(job, log, newer.get(), clock, ", announced while this build ran: its image stays in "
                            + "the registry as " + repository + ":" + shaTag + ", unannounced and without "
                            + String.join(", ", settings.extraTags()));
                    if (config.removeAfterPush()) {
                        docker.removeTag(repository + ":" + shaTag, log);
                    }
                    return;
                }
                for (String extra : settings.extraTags()) {
                    docker.tag(imageId, repository, extra, log);
                    docker.push(repository, extra, log, job.abort());
                    tags.add(repository + ":" + extra);
                }
                clock.cancel(); // the image is built and pushed: what remains is announcing it
                pushDone = System.nanoTime();
                String digest = registry.digest(settings.image(), shaTag, log).orElseThrow(() ->
                        new InfrastructureException("registry " + registry.address() + " does not list "
                                + settings.image() + ":" + shaTag + " after the push"));
                if (!digest.equals(pushed)) {
                    log.accept("registry digest " + digest + " differs from the engine's " + pushed
                            + ": using the registry's");
                }
                log.accept("pushed " + repository + ":" + shaTag + "@" + digest);
                built = imageBuilt(push, commit, lookedUp.source(), settings, shaTag, digest, labels, false);
                publish(job.trigger().next(built, config.source(), Instant.now(), push.repository(), push.ref(),
                        job.commit(), settings.image(), digest));
                publishOverhead.record(System.nanoTime() - pushDone, TimeUnit.NANOSECONDS);
                git.recordAnnounced(push.repository(), push.ref(), commit);
                if (config.removeAfterPush()) {
                    tags.forEach(t -> docker.removeTag(t, log));
                }
            }
            finish(job, log, BuildOutcome.SUCCESS, null, built.artifactId(), clock.elapsedNanos(),
                    BuildJob.Disposition.ACK);
        } catch (RuntimeException | IOException e) {
            failed(job, log, e, clock);
        } finally {
            clock.cancel();
            Thread.interrupted(); // a late watchdog interrupt must not leak into the next job of this thread
            deleteQuietly(workspace);
        }
    }

    /**
     * The commit announced for the job's ref when it descends from {@code commit} (so this one is older), else empty.
     * A push that moved the ref back from the announced commit (its {@code before} is that commit or descends from
     * it: a deliberate rollback) is not older.
     */
    private Optional<String> newerAnnounced(BuildJob job, String commit) {
        CommitPushed push = job.trigger().data();
        Optional<String> announced = git.announced(push.repository(), push.ref());
        if (announced.isEmpty() || announced.get().equals(commit)
                || !git.isAncestor(push.repository(), commit, announced.get())) {
            return Optional.empty();
        }
        String before = push.before();
        if (before != null && !CommitPushed.ZERO_SHA.equals(before)
                && git.isAncestor(push.repository(), announced.get(), before)) {
            return Optional.empty();
        }
        return announced;
    }

    /** Ends {@code job} as superseded by the announced {@code newer} commit. */
    private void superseded(BuildJob job, BuildLog log, String newer, Watchdog clock, String detail) {
        clock.cancel();
        String reason = "superseded by " + newer + " on " + job.branch() + detail;
        log.accept("build " + job.buildId() + " " + reason);
        finish(job, log, BuildOutcome.SUPERSEDED, reason, null, clock.elapsedNanos(), BuildJob.Disposition.ACK);
    }

    /** The lock announcing an image for the job's repository and ref is done under (check, push tags, announce). */
    private Object announcing(BuildJob job) {
        return announceLocks.computeIfAbsent(job.repository() + "\u0000" + job.ref(), k -> new Object());
    }

    /** Sends the {@code BuildQueued} a tag push gets once its look-up decided to build it; streams its held log. */
    private void announceQueued(BuildJob job, BuildLog log) {
        publish(job.queuedEvent(config.source()));
        job.queuedAnnounced(true);
        log.release();
    }

    private void failed(BuildJob job, BuildLog log, Exception e, Watchdog clock) {
        clock.cancel();
        Thread.interrupted(); // the watchdog's interrupt has done its job; announcing must not be interrupted
        try {
            if (!job.queuedAnnounced()) { // a tag push that failed before its build was decided: announced all the same
                announceQueued(job, log);
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
        } catch (RuntimeException publishing) {
            LOG.errorf(publishing, "could not announce the end of build %s", job.buildId());
            job.done().complete(BuildJob.Disposition.deadLetter(publishing));
        }
    }

    /** Announces the end of a build that ran for {@code ranNanos} and completes the job. */
    void finish(BuildJob job, BuildLog log, BuildOutcome outcome, String reason, String artifactId, long ranNanos,
            BuildJob.Disposition disposition) {
        long durationMs = TimeUnit.NANOSECONDS.toMillis(ranNanos);
        reason = GitClient.redact(reason);
        BuildFinished finished = new BuildFinished(job.buildId(), job.repository(), job.repository(), job.commit(),
                job.branch(), outcome, durationMs, reason, log.tail(), artifactId);
        Instant now = Instant.now();
        publish(job.trigger().next(finished, config.source(), now, job.buildId(), outcome.wire()));
        job.finish(outcome, reason, artifactId, now);
        history.finished(job);
        meters.counter("quayside.image-builder.builds", "outcome", outcome.wire()).increment();
        meters.timer("quayside.image-builder.build.duration", "outcome", outcome.wire())
                .record(durationMs, TimeUnit.MILLISECONDS);
        LOG.infof("build %s of %s@%s: %s%s (%d ms)", job.buildId(), job.repository(), job.commit(), outcome.wire(),
                reason == null ? "" : " (" + reason + ")", durationMs);
        job.done().complete(disposition);
    }

    /** The log of {@code job}: the one its look-up began, else a new one. */
    BuildLog logFor(BuildJob job) {
        LookedUp lookedUp = job.lookedUp();
        return lookedUp != null ? lookedUp.log()
                : new BuildLog(job.buildId(), config.logTailLines(), line -> publisher.log(job.buildId(), line),
                        !job.queuedAnnounced());
    }

    private void publish(EventEnvelope<?> envelope) {
        publisher.send(envelope).await().atMost(PUBLISH_TIMEOUT);
    }

    /** {@code ImageBuilt} of {@code commit}, with the full ref (a branch and a tag of the same name differ). */
    private ImageBuilt imageBuilt(CommitPushed push, String commit, RepositoryCatalog.Source source,
            BuildSettings settings, String shaTag, String digest, Map<String, String> labels, boolean reused) {
        return new ImageBuilt(push.repository(), push.repository(), commit, push.ref(), registry.address(),
                settings.image(), shaTag, settings.extraTags(), digest,
                Purl.oci(registry.address(), settings.image(), digest, shaTag), labels, reused);
    }

    private static Map<String, String> labels(CommitPushed push, String commit, RepositoryCatalog.Source source,
            String shaTag) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("org.opencontainers.image.revision", commit);
        labels.put("org.opencontainers.image.source", source.remote().redacted());
        labels.put("org.opencontainers.image.created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        labels.put("org.opencontainers.image.version", shaTag);
        labels.put("org.opencontainers.image.ref.name", push.refName());
        return Map.copyOf(labels);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warnf("could not delete the build context %s: %s", dir, e.getMessage());
        }
    }

    /** How long each preparation step took, for the build log. */
    private static final class StepTimes {

        private final StringBuilder text = new StringBuilder();
        private long last = System.nanoTime();

        /** Ends {@code step}; returns how long it took, in nanoseconds. */
        long mark(String step) {
            long now = System.nanoTime();
            long took = now - last;
            text.append(text.length() == 0 ? "" : ", ").append(step).append(' ')
                    .append(TimeUnit.NANOSECONDS.toMillis(took)).append(" ms");
            last = now;
            return took;
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    /**
     * Stops a build at its timeout: the limit starts with the service's and may be shortened by the settings. The clock
     * runs while the job is in a lane (look-up, build slot), not while it waits for a build slot.
     */
    private final class Watchdog {

        private final BuildJob job;
        private volatile boolean fired;
        private volatile Duration limit;
        private long spentNanos;
        private long sinceNanos;
        private boolean running;
        private ScheduledFuture<?> task;

        Watchdog(BuildJob job, Duration limit) {
            this.job = job;
            this.limit = limit;
            resume();
        }

        /** Starts or continues the clock; a timeout interrupts the calling thread. */
        synchronized void resume() {
            job.abort().bind(Thread.currentThread());
            sinceNanos = System.nanoTime();
            running = true;
            schedule();
        }

        /** Stops the clock while the job waits for a build slot. */
        synchronized void pause() {
            task.cancel(false);
            spentNanos = elapsedNanos();
            running = false;
        }

        synchronized void restrict(Duration newLimit) {
            if (newLimit.compareTo(limit) < 0) {
                task.cancel(false);
                limit = newLimit;
                schedule();
            }
        }

        /** How long the job has been in a lane. */
        synchronized long elapsedNanos() {
            return spentNanos + (running ? System.nanoTime() - sinceNanos : 0);
        }

        private void schedule() {
            task = watchdog.schedule(() -> {
                fired = true;
                job.abort().abort();
            }, Math.max(0, limit.toNanos() - elapsedNanos()), TimeUnit.NANOSECONDS);
        }

        boolean fired() {
            return fired;
        }

        Duration limit() {
            return limit;
        }

        synchronized void cancel() {
            task.cancel(false);
        }
    }
}
