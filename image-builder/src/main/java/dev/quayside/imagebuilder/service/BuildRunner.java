package dev.quayside.imagebuilder.service;

import dev.quayside.events.BuildOutcome;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.ImageBuilt;
import dev.quayside.imagebuilder.client.AnnouncedPushes;
import dev.quayside.imagebuilder.client.DockerEngineClient;
import dev.quayside.imagebuilder.client.GitClient;
import dev.quayside.imagebuilder.client.InfrastructureException;
import dev.quayside.imagebuilder.client.RegistryClient;
import dev.quayside.imagebuilder.config.BuilderConfig;
import dev.quayside.imagebuilder.messaging.BuildLogStream;
import dev.quayside.kit.messaging.EventNotPublishedException;
import dev.quayside.kit.messaging.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs one build, in named steps, in two parts. The look-up, in the look-up lane: fetch the commit, read its settings,
 * skip when the registry already has the commit's image. The build, in a build slot and only when the image is
 * missing: check out a clean context, build, push every tag, confirm the manifest in the registry, announce.
 * <p>
 * This class runs the steps and decides between them; {@link BuildAnnouncer} publishes what happens and ends the job,
 * {@link RefAnnouncements} keeps the images of a ref announced in commit order, {@link BuildWorkspace} holds the
 * checkout and {@link Watchdog} the timeout.
 */
@ApplicationScoped
public class BuildRunner {

    private static final Logger LOG = Logger.getLogger(BuildRunner.class);

    /** What the look-up of a job whose image is missing hands on to the job's build slot. */
    record LookedUp(BuildLog log, Watchdog clock, StepTimes steps, RepositoryCatalog.Source source,
            BuildSettings settings, String commit, String shaTag) {
    }

    private final BuilderConfig config;
    private final GitClient git;
    private final RegistryClient registry;
    private final DockerEngineClient docker;
    private final RepositoryCatalog repositories;
    private final BuildSettingsLoader settingsLoader;
    private final BuildAnnouncer announcer;
    private final RefAnnouncements announcements;
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
            EventPublisher publisher, BuildLogStream logs, BuildHistory history, RepositoryCatalog repositories,
            MeterRegistry meters, AnnouncedPushes announced) {
        this.config = config;
        this.git = git;
        this.registry = registry;
        this.docker = docker;
        this.repositories = repositories;
        this.settingsLoader = new BuildSettingsLoader(config, repositories);
        this.announcer = new BuildAnnouncer(config, publisher, logs, history, meters, announced);
        this.announcements = new RefAnnouncements(git);
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
        Watchdog clock = new Watchdog(watchdog, job, config.timeout());
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
                announcer.queued(job, log);
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
            synchronized (announcements.lock(job)) {
                Optional<String> newer = announcements.newerAnnounced(job, commit);
                if (newer.isPresent()) {
                    announcer.superseded(job, log, newer.get(), clock, "");
                    return false;
                }
                if (job.isTag()) { // the image of the commit gets the tag's name, as a build would have given it
                    settings.extraTags().forEach(tag -> registry.tag(settings.image(), existing.get(), tag, log));
                }
                built = BuildAnnouncer.imageBuilt(push, commit, registry.address(), settings, shaTag, existing.get(),
                        BuildAnnouncer.labels(push, commit, source, shaTag), true);
                announcer.imageBuilt(job, built, BuildOutcome.SKIPPED);
                announcements.announced(job, commit);
            }
            skipLatency.record(System.nanoTime() - job.receivedNanos(), TimeUnit.NANOSECONDS);
            announcer.finish(job, log, BuildOutcome.SKIPPED, "image already in the registry", built.artifactId(),
                    clock.elapsedNanos(), BuildJob.Disposition.ACK);
        } catch (RuntimeException e) {
            announcer.failed(job, log, e, clock);
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
        BuildWorkspace workspace = null;
        try {
            CommitPushed push = job.trigger().data();
            Optional<String> announcedMeanwhile = announcements.newerAnnounced(job, commit);
            if (announcedMeanwhile.isPresent()) {
                announcer.superseded(job, log, announcedMeanwhile.get(), clock, "");
                return;
            }
            String repository = registry.address() + "/" + settings.image();
            Map<String, String> labels = BuildAnnouncer.labels(push, commit, lookedUp.source(), shaTag);
            workspace = BuildWorkspace.checkout(git, config.workDir(), job.buildId(), push.repository(), commit,
                    settings, log);
            steps.mark("checkout");
            // the build tags the commit only: moving tags (main, latest) are shared by the builds of a ref, so they are
            // given and pushed under the ref's lock below, never by a build that may end after a newer one
            Set<String> tags = new LinkedHashSet<>();
            tags.add(repository + ":" + shaTag);

            String imageId = docker.build(new DockerEngineClient.BuildRequest(workspace.context(), workspace.dockerfile(), tags, labels,
                    settings.buildArgs(), settings.target()), log, job.abort(), () -> {
                        startOverhead.record(System.nanoTime() - job.receivedNanos(), TimeUnit.NANOSECONDS);
                        prepare.record(clock.elapsedNanos(), TimeUnit.NANOSECONDS);
                        log.accept("prepared in " + steps);
                        announcer.started(job);
                    });
            log.accept("built " + imageId);

            String pushed = docker.push(repository, shaTag, log, job.abort());
            ImageBuilt built;
            long pushDone;
            synchronized (announcements.lock(job)) {
                Optional<String> newer = announcements.newerAnnounced(job, commit);
                if (newer.isPresent()) {
                    announcer.superseded(job, log, newer.get(), clock, ", announced while this build ran: its image stays in "
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
                built = BuildAnnouncer.imageBuilt(push, commit, registry.address(), settings, shaTag, digest, labels,
                        false);
                announcer.imageBuilt(job, built, BuildOutcome.SUCCESS);
                publishOverhead.record(System.nanoTime() - pushDone, TimeUnit.NANOSECONDS);
                announcements.announced(job, commit);
                if (config.removeAfterPush()) {
                    tags.forEach(t -> docker.removeTag(t, log));
                }
            }
            announcer.finish(job, log, BuildOutcome.SUCCESS, null, built.artifactId(), clock.elapsedNanos(),
                    BuildJob.Disposition.ACK);
        } catch (RuntimeException | IOException e) {
            announcer.failed(job, log, e, clock);
        } finally {
            clock.cancel();
            Thread.interrupted(); // a late watchdog interrupt must not leak into the next job of this thread
            if (workspace != null) {
                workspace.close();
            }
        }
    }

    /** Announces the end of a build that ran for {@code ranNanos} and completes the job. */
    void finish(BuildJob job, BuildLog log, BuildOutcome outcome, String reason, String artifactId, long ranNanos,
            BuildJob.Disposition disposition) {
        announcer.finish(job, log, outcome, reason, artifactId, ranNanos, disposition);
    }

    /** The log of {@code job}: the one its look-up began, else a new one. */
    BuildLog logFor(BuildJob job) {
        return announcer.logFor(job);
    }

    /** Announces again, as it was, what an instance stopped while announcing ({@link BuildAnnouncer#reannounce}). */
    public void reannounce(BuildJob job, AnnouncedPushes.Pending pending) {
        announcer.reannounce(job, pending);
    }

    /** Ends {@code job} unannounced: one of its events was not acknowledged by Kafka, so it is handled again. */
    void notPublished(BuildJob job, BuildLog log, EventNotPublishedException e) {
        announcer.notPublished(job, log, e);
    }
}
