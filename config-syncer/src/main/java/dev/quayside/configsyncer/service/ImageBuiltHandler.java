package dev.quayside.configsyncer.service;

import dev.quayside.configsyncer.client.ConsulException;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.mirror.MirrorReconciler;
import dev.quayside.configsyncer.mirror.MirrorService;
import dev.quayside.configsyncer.policy.Policies;
import dev.quayside.configsyncer.writeback.HeldBuilds;
import dev.quayside.configsyncer.writeback.ImageKeys;
import dev.quayside.configsyncer.writeback.PinnedSource;
import dev.quayside.configsyncer.writeback.SourceOrder;
import dev.quayside.configsyncer.writeback.WriteBackService;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.TagUpdated;
import dev.quayside.kit.messaging.EventHandler;
import dev.quayside.kit.messaging.Outcome;
import dev.quayside.kit.retry.Retrier;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.jboss.logging.Logger;

/**
 * Handles {@link ImageBuilt}: the write-back into each config repository, the image keys in Consul, and the mirror of
 * the pushed commit. One {@link TagUpdated} per repository, also when nothing changed.
 */
@ApplicationScoped
public class ImageBuiltHandler implements EventHandler<ImageBuilt> {

    public static final String SOURCE = "/quayside/config-syncer";
    private static final Logger LOG = Logger.getLogger(ImageBuiltHandler.class);

    private final Repositories repositories;
    private final WriteBackService writeBack;
    private final MirrorService mirror;
    private final ImageKeys keys;
    private final HeldBuilds held;
    private final SyncSettings settings;
    private final SourceOrder order;
    private final MeterRegistry registry;
    private final Retrier retry;

    ImageBuiltHandler(Repositories repositories, WriteBackService writeBack, MirrorService mirror, ImageKeys keys,
            HeldBuilds held, SyncSettings settings, SourceOrder order, MeterRegistry registry) {
        this.repositories = repositories;
        this.writeBack = writeBack;
        this.mirror = mirror;
        this.keys = keys;
        this.held = held;
        this.settings = settings;
        this.order = order;
        this.registry = registry;
        this.retry = writeRetry(settings, "write-back");
    }

    /**
     * The retry of a write into a config repository: Git and Consul failures are retried as
     * {@code quayside.config-syncer.retry} says; a push the branch kept rejecting and refused input are not.
     */
    static Retrier writeRetry(SyncSettings settings, String name) {
        return Retrier.of(settings.retry()).named(name)
                .retryOn(e -> !(e instanceof WriteBackService.PushRejectedException
                        || e instanceof IllegalArgumentException))
                .onFailedAttempt(attempt -> LOG.warn(attempt.describe()))
                .build();
    }

    /** A write retried by {@code retry}: what is left after the retries is thrown as the Git or Consul failure. */
    static <T> T retried(Retrier retry, java.util.concurrent.Callable<T> write) throws GitException, ConsulException {
        try {
            return retry.call(write);
        } catch (Retrier.RetryFailedException e) {
            if (e.getCause() instanceof GitException git) {
                throw git;
            }
            if (e.getCause() instanceof ConsulException consulFailure) {
                throw consulFailure;
            }
            throw e;
        }
    }

    @Override
    public Class<ImageBuilt> eventType() {
        return ImageBuilt.class;
    }

    /**
     * Retryable failures (Git, Consul) are retried here, as {@code quayside.config-syncer.retry} says; what is left is
     * thrown, announced by {@link #failed} and dead-lettered.
     */
    @Override
    public Outcome handle(EventEnvelope<ImageBuilt> in) throws GitException, ConsulException {
        return retried(retry, () -> writeBack(in));
    }

    private Outcome writeBack(EventEnvelope<ImageBuilt> in) throws GitException, ConsulException {
        ImageBuilt built = in.data();
        SourceOrder.Ordering ordering = order.of(built, keys.pinned(built.app()));
        List<EventEnvelope<?>> events = new ArrayList<>();
        List<Runnable> announced = new ArrayList<>();
        for (ConfigRepo repo : repositories.all()) {
            Timer.Sample sample = Timer.start(registry);
            // the keys, the event and the mirror once the commit is pushed, in the order of the commits pushed with it
            writeBack.apply(repo, built, in.id(), ordering, result -> pushed(in, repo, result, sample, events,
                    announced));
        }
        Outcome outcome = Outcome.of(events);
        for (Runnable r : announced) {
            outcome = outcome.onceAnnounced(r);
        }
        return outcome;
    }

    /** After the write-back of {@code in} into {@code repo} is pushed: the image keys, its event, the mirror of it. */
    private void pushed(EventEnvelope<ImageBuilt> in, ConfigRepo repo, WriteBackService.Result result,
            Timer.Sample sample, List<EventEnvelope<?>> events, List<Runnable> announced)
            throws GitException, ConsulException {
        ImageBuilt built = in.data();
        TagUpdated tag = result.event();
        sample.stop(registry.timer("quayside.config-syncer.write-back", "outcome", tag.outcome().name()));
        PinnedSource source = new PinnedSource(built.repository(), Policies.fullRef(built.branch()),
                built.commit(), built.pinnedReference());
        String keysProblem = join(keys.write(built.app(), source, result.environments()),
                held.hold(built.app(), source, result.held()));
        if (keysProblem != null) {
            tag = new TagUpdated(tag.app(), tag.configRepository(), tag.branch(), tag.commitWritten(),
                    tag.newImage(), tag.changes(), tag.outcome(), tag.reason() == null ? keysProblem
                            : tag.reason() + "; " + keysProblem);
        }
        events.add(in.next(tag, SOURCE, Instant.now(), repo.name(), built.artifactId()));
        LOG.infof("%s %s in %s: %s%s", built.app(), built.pinnedReference(), repo.name(), tag.outcome(),
                tag.reason() == null ? "" : " (" + tag.reason() + ")");
        boolean pinned = tag.outcome() == TagUpdated.Outcome.UPDATED || tag.outcome() == TagUpdated.Outcome.UNCHANGED;
        if (pinned && settings.mirrorAfterWriteBack()) {
            // a no-op (a redelivery after a crash) still finishes the chain: the pin goes into Consul and is announced
            finishChain(mirror, in, in.chainId(), repo, repo.branch(), result.pinnedFiles(), events, announced,
                    result.pushed());
        }
    }

    /** The problems that are not null, joined with "; ", or null. */
    private static String join(String a, String b) {
        return a == null ? b : b == null ? a : a + "; " + b;
    }

    /**
     * Makes sure {@code branch} as Git has it is in Consul and announced: mirrors it (its {@link ConfigSynced}, once per
     * app whose definitions changed ({@link MirrorService#announcements}), in chain {@code chainId}: {@code in}'s, or a
     * chain of its own), or, when Consul already has it but its sync was never announced (a crash between the Consul
     * write and the event), announces that sync in the chain that made it.
     * When another chain's sync brought the head to Consul (the config repository's push notification of this very
     * write-back can get there first), chain {@code chainId} still hears of {@code files}: a {@link ConfigSynced} of
     * their keys, so that their deployment's outcome ends this chain too.
     */
    public static void finishChain(MirrorService mirror, EventEnvelope<?> in, String chainId, ConfigRepo repo, String branch,
            List<String> files, List<EventEnvelope<?>> events, List<Runnable> announced)
            throws ConsulException, GitException {
        finishChain(mirror, in, chainId, repo, branch, files, events, announced, null);
    }

    /**
     * {@link #finishChain(MirrorService, EventEnvelope, String, ConfigRepo, String, List, List, List)} mirroring up to
     * {@code upTo} (null: the branch's head): the write-back's own commit, when it was pushed with others.
     */
    static void finishChain(MirrorService mirror, EventEnvelope<?> in, String chainId, ConfigRepo repo,
            String branch, List<String> files, List<EventEnvelope<?>> events, List<Runnable> announced, ObjectId upTo)
            throws ConsulException, GitException {
        Optional<ConfigSynced> synced = mirror.sync(repo, branch, chainId, upTo);
        if (synced.isPresent()) {
            ConfigSynced s = synced.get();
            for (ConfigSynced a : mirror.announcements(repo, s)) {
                events.add(envelope(in, chainId, a, MirrorReconciler.idParts(a)));
            }
            if (s.outcome() == ConfigSynced.Outcome.SYNCED) {
                announced.add(() -> mirror.announced(repo, s.branch(), s.toCommit(), chainId));
            }
            return;
        }
        Optional<MirrorService.Unannounced> pending = mirror.unannounced(repo, branch, Duration.ZERO);
        if (pending.isPresent()) {
            ConfigSynced s = pending.get().event();
            LOG.infof("%s/%s@%s was in Consul but never announced: announcing it", repo.name(), s.branch(),
                    s.toCommit());
            for (ConfigSynced a : mirror.announcements(repo, s)) {
                events.add(MirrorReconciler.envelope(a, pending.get().chainId()));
            }
            announced.add(() -> mirror.announced(repo, s.branch(), s.toCommit()));
        }
        Optional<ConfigSynced> elsewhere = mirror.syncedElsewhere(repo, branch, files, chainId);
        if (elsewhere.isPresent()) {
            ConfigSynced s = elsewhere.get();
            LOG.infof("%s/%s@%s was synced in another chain: announcing %s in chain %s too", repo.name(), branch,
                    s.toCommit(), s.filesChanged(), chainId);
            // the id names the chain and its files, not the commit Consul holds: a redelivery after another sync
            // moved the ref announces the same event again, which consumers take as a redelivery
            List<String> parts = new ArrayList<>(List.of(repo.name(), branch, "for-chain", chainId));
            parts.addAll(files.stream().sorted().toList());
            for (ConfigSynced a : mirror.announcements(repo, s)) {
                events.add(envelope(in, chainId, a, MirrorReconciler.withApp(parts.toArray(String[]::new), a)));
            }
            announced.add(() -> mirror.announcedInChain(repo, branch, chainId));
        }
    }

    /** {@code s} in chain {@code chainId}: as {@code in}'s successor when that is {@code in}'s chain. */
    private static EventEnvelope<ConfigSynced> envelope(EventEnvelope<?> in, String chainId, ConfigSynced s,
            String[] idParts) {
        return chainId.equals(in.chainId()) ? in.next(s, SOURCE, Instant.now(), idParts)
                : MirrorReconciler.envelope(s, chainId, idParts);
    }

    /** The FAILED {@link TagUpdated} per repository for an input that could not be handled. */
    @Override
    public Outcome failed(EventEnvelope<ImageBuilt> in, Throwable failure) {
        ImageBuilt built = in.data();
        String reason = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        List<EventEnvelope<?>> events = new ArrayList<>();
        for (ConfigRepo repo : repositories.all()) {
            TagUpdated tag = new TagUpdated(built.app(), repo.name(), repo.branch(), null, built.pinnedReference(),
                    List.of(), TagUpdated.Outcome.FAILED, reason);
            events.add(in.next(tag, SOURCE, Instant.now(), repo.name(), built.artifactId(), "FAILED"));
        }
        return Outcome.terminal(events, reason);
    }
}
