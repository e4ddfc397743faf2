package dev.quayside.configsyncer.service;

import dev.quayside.configsyncer.client.ConsulException;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.PipelineEvent;
import dev.quayside.events.PromotionFailed;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.kit.messaging.EventPublisher;
import dev.quayside.kit.messaging.Outcome;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The gates of pending promotions ({@link PendingPromotions}): promotes the ones whose gates are all met (soak time
 * over and, when required, approved) on a schedule and on approval, rejects, and cancels the ones whose image failed
 * in the environment it soaks in. A promotion's record is deleted (check-and-set) only after its commit is pushed and
 * its events are published: after a crash the next pass writes nothing new (the commit is there) and announces the
 * same ids again.
 */
@ApplicationScoped
public class PromotionGates {

    private static final Logger LOG = Logger.getLogger(PromotionGates.class);
    /** The failures of the app in the soaking environment that end its pending promotion ({@code SOAK_FAILED}). */
    private static final Set<DeploymentFailed.Reason> SOAK_FAILURES = Set.of(DeploymentFailed.Reason.HEALTH_CHECK,
            DeploymentFailed.Reason.TIMEOUT, DeploymentFailed.Reason.ERROR);

    /** What an operator's approval or rejection found. */
    public enum Verdict { NONE_PENDING, OTHER_IMAGE, CHANGED, DONE }

    /**
     * The answer to an approval or a rejection.
     *
     * @param verdict   what was found
     * @param promotion the pending promotion (as it is now, for {@code DONE}; as found otherwise), or null
     * @param promoted  an approval that promoted at once (the soak was over)
     */
    public record Decision(Verdict verdict, PendingPromotion promotion, boolean promoted) {
    }

    private final PendingPromotions pending;
    private final PromotionHandler promotions;
    private final Repositories repositories;
    private final EventPublisher publisher;

    PromotionGates(PendingPromotions pending, PromotionHandler promotions, Repositories repositories,
            EventPublisher publisher) {
        this.pending = pending;
        this.promotions = promotions;
        this.repositories = repositories;
        this.publisher = publisher;
    }

    @Scheduled(every = "${quayside.config-syncer.promotion-check-interval:5s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        try {
            for (PendingPromotion p : pending.all()) {
                if (p.openGates(Instant.now()).isEmpty()) {
                    release(pending.key(p.repository(), p.app(), p.toEnvironment()));
                }
            }
        } catch (ConsulException | GitException | RuntimeException e) {
            LOG.warnf("pending promotions not checked: %s (the next pass tries again)", Outcome.reason(e));
        }
    }

    /**
     * Promotes the pending promotion at {@code key} when every gate is met: the commit, the events, then the record's
     * deletion. True when it was promoted (or ended: a refusal is announced as for an ungated promotion).
     */
    synchronized boolean release(String key) throws ConsulException, GitException {
        Optional<PendingPromotions.Stored> stored = pending.get(key);
        if (stored.isEmpty() || !stored.get().promotion().openGates(Instant.now()).isEmpty()) {
            return false;
        }
        PendingPromotion p = stored.get().promotion();
        Optional<ConfigRepo> repo = repositories.byName(p.repository());
        if (repo.isEmpty()) {
            LOG.warnf("pending promotion %s: config repository '%s' is no longer configured: left in Consul", key,
                    p.repository());
            return false;
        }
        Outcome outcome = promotions.release(p, repo.get());
        publisher.publish(outcome.events());
        if (outcome.onPublished() != null) {
            outcome.onPublished().run();
        }
        if (!pending.delete(stored.get())) {
            LOG.infof("pending promotion %s changed while it was promoted: left for the next pass", key);
        }
        return true;
    }

    /**
     * Approves the promotion pending at {@code key} ({@code image}, when given, must be the one pending): marks it
     * approved and promotes it at once when its soak time is over too.
     */
    public synchronized Decision approve(String key, String image, String by) throws ConsulException, GitException {
        Optional<PendingPromotions.Stored> stored = pending.get(key);
        Decision refused = refused(stored, image);
        if (refused != null) {
            return refused;
        }
        PendingPromotion approved = stored.get().promotion().approvedBy(by);
        if (!pending.put(approved, stored.get().index())) {
            return new Decision(Verdict.CHANGED, stored.get().promotion(), false);
        }
        LOG.infof("pending promotion %s (%s) approved%s", key, approved.image(), by == null ? "" : " by " + by);
        publisher.publish(List.of(PromotionHandler.approved(approved, Instant.now())));
        return new Decision(Verdict.DONE, approved, release(key));
    }

    /** Rejects the promotion pending at {@code key}: announces {@code PromotionFailed} ({@code REJECTED}), deletes it. */
    public synchronized Decision reject(String key, String image, String by, String why) throws ConsulException {
        Optional<PendingPromotions.Stored> stored = pending.get(key);
        Decision refused = refused(stored, image);
        if (refused != null) {
            return refused;
        }
        PendingPromotion p = stored.get().promotion();
        String message = "rejected" + (by == null || by.isBlank() ? "" : " by " + by)
                + (why == null || why.isBlank() ? "" : ": " + why) + "; " + p.toEnvironment() + " left as it is";
        publisher.publish(List.of(PromotionHandler.ended(p, PromotionFailed.Reason.REJECTED, message, "rejected")));
        if (!pending.delete(stored.get())) {
            return new Decision(Verdict.CHANGED, p, false);
        }
        return new Decision(Verdict.DONE, p, false);
    }

    private static Decision refused(Optional<PendingPromotions.Stored> stored, String image) {
        if (stored.isEmpty()) {
            return new Decision(Verdict.NONE_PENDING, null, false);
        }
        if (image != null && !image.equals(stored.get().promotion().image())) {
            return new Decision(Verdict.OTHER_IMAGE, stored.get().promotion(), false);
        }
        return null;
    }

    /**
     * The pending promotions that {@code event} — the app's rollback, or a failed deployment (unhealthy, timed out,
     * in error), of the image they promote in the environment they come from — ends ({@code SOAK_FAILED}): their
     * events, with their deletion once announced.
     */
    public Outcome cancelled(PipelineEvent event) throws ConsulException {
        Deployment failed;
        if (event instanceof ServiceRolledBack rolledBack) {
            failed = rolledBack.deployment();
        } else if (event instanceof DeploymentFailed f && SOAK_FAILURES.contains(f.reason())) {
            failed = f.deployment();
        } else {
            return Outcome.nothing();
        }
        if (failed == null || failed.image() == null) {
            return Outcome.nothing();
        }
        List<EventEnvelope<?>> events = new ArrayList<>();
        Outcome outcome = Outcome.nothing();
        for (PendingPromotion p : pending.all()) {
            if (!p.app().equals(failed.app()) || !p.fromEnvironment().equals(failed.environment())
                    || !p.image().equals(failed.image())) {
                continue;
            }
            String key = pending.key(p.repository(), p.app(), p.toEnvironment());
            Optional<PendingPromotions.Stored> stored = pending.get(key);
            if (stored.isEmpty() || !stored.get().promotion().eventId().equals(p.eventId())) {
                continue;
            }
            events.add(PromotionHandler.ended(p, PromotionFailed.Reason.SOAK_FAILED, p.image() + " failed in "
                    + p.fromEnvironment() + " (" + event.getClass().getSimpleName() + ") while its promotion to "
                    + p.toEnvironment() + " waited: not promoted", "soak-failed"));
            outcome = outcome.onceAnnounced(() -> {
                try {
                    pending.delete(stored.get());
                } catch (ConsulException e) {
                    LOG.warnf("pending promotion %s not deleted after its SOAK_FAILED: %s", key, e.getMessage());
                }
            });
        }
        return new Outcome(events, null, outcome.onPublished());
    }
}
