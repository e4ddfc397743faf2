package dev.quayside.configsyncer.service;

import dev.quayside.configsyncer.mirror.MirrorReconciler;
import dev.quayside.configsyncer.mirror.MirrorService;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.EventEnvelope;
import dev.quayside.kit.messaging.EventHandler;
import dev.quayside.kit.messaging.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Handles {@link CommitPushed} for {@code config} repositories: mirrors the pushed branch into Consul. Nothing is
 * published when Consul already has the head (e.g. after config-syncer's own write-back mirrored it).
 */
@ApplicationScoped
public class CommitPushedHandler implements EventHandler<CommitPushed> {

    private static final Logger LOG = Logger.getLogger(CommitPushedHandler.class);

    private final Repositories repositories;
    private final MirrorService mirror;
    private final MeterRegistry registry;

    CommitPushedHandler(Repositories repositories, MirrorService mirror, MeterRegistry registry) {
        this.repositories = repositories;
        this.mirror = mirror;
        this.registry = registry;
    }

    @Override
    public Class<CommitPushed> eventType() {
        return CommitPushed.class;
    }

    /**
     * Mirrors the pushed branch and announces it once per app whose definitions changed
     * ({@link MirrorService#announcements}); a FAILED sync is announced and dead-lettered.
     */
    @Override
    public Outcome handle(EventEnvelope<CommitPushed> in) {
        CommitPushed push = in.data();
        if (!"config".equals(push.repositoryKind())) {
            return Outcome.nothing();
        }
        if (!push.isBranch() || push.change() == CommitPushed.RefChange.BRANCH_DELETED) {
            LOG.infof("%s %s: %s is not mirrored", push.repository(), push.ref(), push.change());
            return Outcome.nothing();
        }
        Optional<ConfigRepo> repo = repositories.byName(push.repository());
        String branch = push.refName();
        if (repo.isEmpty() || !repo.get().branches().contains(branch)) {
            LOG.debugf("%s %s is not a configured config repository branch", push.repository(), branch);
            return Outcome.nothing();
        }
        Timer.Sample sample = Timer.start(registry);
        Optional<ConfigSynced> synced = mirror.sync(repo.get(), branch, in.chainId());
        sample.stop(registry.timer("quayside.config-syncer.sync", "outcome",
                synced.map(s -> s.outcome().name()).orElse("CURRENT")));
        if (synced.isEmpty()) {
            return Outcome.nothing();
        }
        ConfigSynced s = synced.get();
        List<EventEnvelope<?>> out = mirror.announcements(repo.get(), s).stream().<EventEnvelope<?>>map(a ->
                in.next(a, ImageBuiltHandler.SOURCE, Instant.now(), MirrorReconciler.idParts(a))).toList();
        return s.outcome() == ConfigSynced.Outcome.FAILED ? Outcome.terminal(out, s.reason())
                : Outcome.of(out).onceAnnounced(() -> mirror.announced(repo.get(), branch, s.toCommit()));
    }
}
