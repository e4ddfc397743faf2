package dev.quayside.configsyncer.service;

import dev.quayside.configsyncer.client.ConsulException;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.mirror.MirrorService;
import dev.quayside.configsyncer.writeback.RollbackWriteBack;
import dev.quayside.configsyncer.writeback.WriteBackService;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.events.TagUpdated;
import dev.quayside.kit.messaging.EventHandler;
import dev.quayside.kit.messaging.Outcome;
import dev.quayside.kit.retry.Retrier;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Handles {@link ServiceRolledBack}: writes the rollback back into the config repository it came from
 * ({@link RollbackWriteBack}: one commit restoring the last good definition), then mirrors the branch into Consul, so
 * that Git, KV and Marathon agree. One {@link TagUpdated} in the failed chain: UPDATED with the commit, or UNCHANGED
 * with why nothing was written; the mirror's {@code ConfigSynced} starts a chain of its own whose id is that
 * TagUpdated's. A rollback whose origin is unknown (applied by a drift pass) is not written back.
 */
@ApplicationScoped
public class ServiceRolledBackHandler implements EventHandler<ServiceRolledBack> {

    private static final Logger LOG = Logger.getLogger(ServiceRolledBackHandler.class);

    private final Repositories repositories;
    private final RollbackWriteBack rollbacks;
    private final MirrorService mirror;
    private final SyncSettings settings;
    private final Retrier retry;

    ServiceRolledBackHandler(Repositories repositories, RollbackWriteBack rollbacks, MirrorService mirror,
            SyncSettings settings) {
        this.repositories = repositories;
        this.rollbacks = rollbacks;
        this.mirror = mirror;
        this.settings = settings;
        this.retry = ImageBuiltHandler.writeRetry(settings, "rollback write-back");
    }

    @Override
    public Class<ServiceRolledBack> eventType() {
        return ServiceRolledBack.class;
    }

    /**
     * Git and Consul failures are retried here; refused input (an unknown repository, file or commit, no restore
     * commit) is thrown at once, announced by {@link #failed} and dead-lettered.
     */
    @Override
    public Outcome handle(EventEnvelope<ServiceRolledBack> in) throws GitException, ConsulException {
        ServiceRolledBack rolledBack = in.data();
        if (!rolledBack.writableBack()) {
            LOG.infof("rollback of %s is not written back: it does not say which config commit it came from",
                    rolledBack.deployment().targetId());
            return Outcome.nothing();
        }
        ConfigRepo repo = repositories.byName(rolledBack.configRepository()).orElseThrow(() ->
                new WriteBackService.RefusedException("'" + rolledBack.configRepository()
                        + "' is not a configured config repository: nothing written"));
        return ImageBuiltHandler.retried(retry, () -> writeBack(in, repo));
    }

    private Outcome writeBack(EventEnvelope<ServiceRolledBack> in, ConfigRepo repo)
            throws GitException, ConsulException {
        ServiceRolledBack rolledBack = in.data();
        RollbackWriteBack.Result result = rollbacks.apply(repo, rolledBack, in.chainId(), in.id());
        TagUpdated tag = result.event();
        LOG.infof("rollback of %s in %s/%s: %s (%s)", rolledBack.file(), repo.name(), rolledBack.branch(),
                tag.outcome(), tag.reason());
        List<EventEnvelope<?>> events = new ArrayList<>();
        EventEnvelope<TagUpdated> written = in.next(tag, ImageBuiltHandler.SOURCE, Instant.now(), idParts(rolledBack));
        events.add(written);
        List<Runnable> announced = new ArrayList<>();
        if (settings.mirrorAfterWriteBack()) {
            // the sync of the restoring commit, and marathon-applier's "unchanged" for it, go into a chain of their own
            // (its id is the TagUpdated's): the failed chain keeps one outcome, the rollback
            ImageBuiltHandler.finishChain(mirror, in, written.id(), repo, rolledBack.branch(),
                    List.of(rolledBack.file()), events, announced);
        }
        Outcome outcome = Outcome.of(events);
        for (Runnable r : announced) {
            outcome = outcome.onceAnnounced(r);
        }
        return outcome;
    }

    private static String[] idParts(ServiceRolledBack rolledBack, String... more) {
        List<String> parts = new ArrayList<>(List.of("rollback", String.valueOf(rolledBack.configRepository()),
                String.valueOf(rolledBack.file()), String.valueOf(rolledBack.failedCommit())));
        parts.addAll(List.of(more));
        return parts.toArray(String[]::new);
    }

    /** The FAILED {@link TagUpdated} for a rollback that could not be written back. */
    @Override
    public Outcome failed(EventEnvelope<ServiceRolledBack> in, Throwable failure) {
        ServiceRolledBack rolledBack = in.data();
        String reason = "rollback not written back: "
                + (failure.getMessage() == null ? failure.toString() : failure.getMessage());
        String app = rolledBack.deployment() == null ? null : rolledBack.deployment().app();
        TagUpdated tag = new TagUpdated(app, rolledBack.configRepository(), rolledBack.branch(), null,
                rolledBack.deployment() == null ? null : rolledBack.deployment().image(), List.of(),
                TagUpdated.Outcome.FAILED, reason);
        return Outcome.terminal(List.of(in.next(tag, ImageBuiltHandler.SOURCE, Instant.now(),
                idParts(rolledBack, "FAILED"))), reason);
    }
}
