package dev.quayside.configsyncer.service;

import dev.quayside.configsyncer.client.ConsulException;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.mirror.MirrorService;
import dev.quayside.configsyncer.policy.Policies;
import dev.quayside.configsyncer.writeback.ImageKeys;
import dev.quayside.configsyncer.writeback.PinnedSource;
import dev.quayside.configsyncer.writeback.PromotionWriteBack;
import dev.quayside.events.Deployment;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventIds;
import dev.quayside.events.EventType;
import dev.quayside.events.Promoted;
import dev.quayside.events.PromotionApproved;
import dev.quayside.events.PromotionFailed;
import dev.quayside.events.PromotionRequested;
import dev.quayside.events.PromotionWaiting;
import dev.quayside.kit.messaging.Outcome;
import dev.quayside.kit.retry.Retrier;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Promotes a deployment that succeeded in environment {@code E} into every environment that says
 * {@code promote-from: E}, in every config repository that has the app in {@code E} ({@link PromotionWriteBack}: one
 * commit and one push per environment), records the pinned build in the image keys, and mirrors each commit in a chain
 * of its own whose id is its {@link Promoted} event's: the successful chain keeps its one outcome, and the promoted
 * deployment's outcome ends the new chain. {@link PromotionFailed} says why an environment got nothing. An environment
 * with gates ({@code approval}, {@code soak}) gets a pending promotion instead ({@link PendingPromotions},
 * {@link PromotionWaiting}), which {@link PromotionGates} promotes the same way once every gate is met.
 */
@ApplicationScoped
public class PromotionHandler {

    private static final Logger LOG = Logger.getLogger(PromotionHandler.class);

    private final Repositories repositories;
    private final PromotionWriteBack promotions;
    private final MirrorService mirror;
    private final ImageKeys keys;
    private final SyncSettings settings;
    private final Retrier retry;
    private final PendingPromotions pending;

    PromotionHandler(Repositories repositories, PromotionWriteBack promotions, MirrorService mirror, ImageKeys keys,
            SyncSettings settings, PendingPromotions pending) {
        this.pending = pending;
        this.repositories = repositories;
        this.promotions = promotions;
        this.mirror = mirror;
        this.keys = keys;
        this.settings = settings;
        this.retry = ImageBuiltHandler.writeRetry(settings, "promotion");
    }

    /** Git and Consul failures are retried here (as the write-back's); what is left is thrown, then {@link #failed}. */
    public Outcome handle(EventEnvelope<?> in, Deployment deployed) throws GitException, ConsulException {
        return ImageBuiltHandler.retried(retry, () -> promote(in, deployed));
    }

    private Outcome promote(EventEnvelope<?> in, Deployment deployed) throws GitException, ConsulException {
        Map<String, PinnedSource> pinned = keys.pinned(deployed.app());
        List<EventEnvelope<?>> events = new ArrayList<>();
        List<Runnable> announced = new ArrayList<>();
        for (ConfigRepo repo : repositories.all()) {
            PromotionWriteBack.Plan plan = promotions.plan(repo, deployed);
            if (plan.refusal() != null) {
                events.add(refused(in, repo, deployed, plan.refusal()));
            }
            for (String to : plan.environments()) {
                Policies.Gate gate = plan.gate(to);
                events.add(requested(in, repo, deployed, to, gate));
                PromotionWriteBack.Target notPinned = PromotionWriteBack.Target.notPinned(to, deployed.image(),
                        deployed.environment());
                if (gate.gated() && notPinned != null) {
                    // never promotable: refused now rather than after someone approved it and its soak ended
                    events.add(refused(in, repo, deployed, notPinned));
                } else if (gate.gated()) {
                    events.addAll(hold(in, deployed, repo, to, gate));
                } else {
                    promoteInto(in, deployed, repo, to, pinned, events, announced);
                }
            }
        }
        return outcome(events, announced);
    }

    private static Outcome outcome(List<EventEnvelope<?>> events, List<Runnable> announced) {
        Outcome outcome = Outcome.of(events);
        for (Runnable r : announced) {
            outcome = outcome.onceAnnounced(r);
        }
        return outcome;
    }

    /**
     * Promotes a pending promotion whose gates are all met, exactly as an ungated one is promoted when its deployment
     * is handled (same commit, trailers and event ids); Git and Consul failures are retried here.
     */
    Outcome release(PendingPromotion pending, ConfigRepo repo) throws GitException, ConsulException {
        EventEnvelope<?> in = pending.envelope();
        Deployment deployed = DeployedHandler.succeeded(in.data());
        if (deployed == null) {
            throw new IllegalStateException("pending promotion " + repo.name() + "/" + pending.app() + "/"
                    + pending.toEnvironment() + " keeps a " + in.type() + ", not a successful deployment");
        }
        return ImageBuiltHandler.retried(retry, () -> {
            List<EventEnvelope<?>> events = new ArrayList<>();
            List<Runnable> announced = new ArrayList<>();
            promoteInto(in, deployed, repo, pending.toEnvironment(), keys.pinned(deployed.app()), events, announced);
            return outcome(events, announced);
        });
    }

    /**
     * Records a promotion that waits at {@code to}'s gates (before the deployment's record is acknowledged) and
     * announces it; a pending promotion of an older deployment is replaced ({@code SUPERSEDED}). A redelivery of the
     * same deployment announces the same {@link PromotionWaiting} again.
     */
    private List<EventEnvelope<?>> hold(EventEnvelope<?> in, Deployment deployed, ConfigRepo repo, String to,
            Policies.Gate gate) throws ConsulException {
        String key = pending.key(repo.name(), deployed.app(), to);
        Optional<PendingPromotions.Stored> before = pending.get(key);
        if (before.isPresent() && sameDeployment(before.get().promotion(), in, deployed)) {
            return List.of(waiting(in, before.get().promotion(), Instant.now()));
        }
        Instant now = Instant.now();
        PendingPromotion held = PendingPromotion.of(repo, to, in, deployed, now, gate);
        if (!pending.put(held, before.map(PendingPromotions.Stored::index).orElse(0L))) {
            throw new ConsulException("pending promotion " + key + " changed while it was written: trying again", null);
        }
        List<EventEnvelope<?>> events = new ArrayList<>();
        before.ifPresent(old -> events.add(ended(old.promotion(), PromotionFailed.Reason.SUPERSEDED,
                old.promotion().image() + " waited to be promoted to " + to + "; " + deployed.image()
                        + " ran successfully in " + deployed.environment() + " since and waits instead",
                "superseded")));
        LOG.infof("%s %s from %s to %s in %s waits for %s%s", deployed.app(), deployed.image(),
                deployed.environment(), to, repo.name(), held.openGates(now),
                held.soakUntil() == null ? "" : " (soak until " + held.soakUntil() + ")");
        events.add(waiting(in, held, now));
        return events;
    }

    /** Whether {@code held} is this very deployment's (a redelivery of its event), not an older one's. */
    private static boolean sameDeployment(PendingPromotion held, EventEnvelope<?> in, Deployment deployed) {
        return held.eventId().equals(in.id()) && held.chainId().equals(in.chainId())
                && held.image().equals(deployed.image());
    }

    /**
     * The {@link PromotionRequested} that opens a promotion of {@code deployed} into {@code to}, before it is decided
     * (the same id for a redelivered deployment outcome).
     */
    private static EventEnvelope<PromotionRequested> requested(EventEnvelope<?> in, ConfigRepo repo,
            Deployment deployed, String to, Policies.Gate gate) {
        List<String> gates = new ArrayList<>();
        if (gate.soak() != null) {
            gates.add(PromotionWaiting.SOAK);
        }
        if (gate.approvalRequired()) {
            gates.add(PromotionWaiting.APPROVAL);
        }
        if (!gate.windows().isEmpty()) {
            gates.add(PromotionWaiting.WINDOW);
        }
        return in.next(new PromotionRequested(deployed.app(), repo.name(), repo.branch(), deployed.environment(), to,
                deployed.image(), gates, in.context().timestamp().toString()), ImageBuiltHandler.SOURCE,
                Instant.now(), "promotion", repo.name(), to, in.id(), "requested");
    }

    private static EventEnvelope<PromotionWaiting> waiting(EventEnvelope<?> in, PendingPromotion held, Instant now) {
        PromotionWaiting waiting = new PromotionWaiting(held.app(), held.repository(), held.branch(),
                held.fromEnvironment(), held.toEnvironment(), held.image(), held.openGates(held.requestedAt()),
                held.soakUntil() == null ? null : held.soakUntil().toString(), held.approvalRequired(),
                held.requestedAt().toString());
        return in.next(waiting, ImageBuiltHandler.SOURCE, now, "promotion", held.repository(), held.toEnvironment(),
                in.id(), "waiting");
    }

    /**
     * The {@link PromotionApproved} of a pending promotion an operator just approved, in the chain of the deployment it
     * came from, with the gates still open at {@code now}.
     */
    static EventEnvelope<PromotionApproved> approved(PendingPromotion held, Instant now) {
        EventEnvelope<?> from = held.envelope();
        return from.next(new PromotionApproved(held.app(), held.repository(), held.branch(), held.fromEnvironment(),
                held.toEnvironment(), held.image(), held.approvedBy(), held.openGates(now),
                held.requestedAt().toString()), ImageBuiltHandler.SOURCE, now, "promotion", held.repository(),
                held.toEnvironment(), from.id(), "approved");
    }

    /**
     * The {@link PromotionFailed} that ends a pending promotion without a commit ({@code SUPERSEDED},
     * {@code SOAK_FAILED}, {@code REJECTED}), in the chain of the deployment it came from.
     */
    static EventEnvelope<PromotionFailed> ended(PendingPromotion held, PromotionFailed.Reason reason, String message,
            String idPart) {
        EventEnvelope<?> from = held.envelope();
        LOG.infof("%s %s not promoted from %s to %s in %s: %s (%s)", held.app(), held.image(), held.fromEnvironment(),
                held.toEnvironment(), held.repository(), reason, message);
        return from.next(new PromotionFailed(held.app(), held.repository(), held.branch(), held.fromEnvironment(),
                held.toEnvironment(), held.image(), reason, Policies.printable(message)), ImageBuiltHandler.SOURCE,
                Instant.now(), "promotion", held.repository(), held.toEnvironment(), from.id(), idPart);
    }

    /** Promotes {@code deployed} into {@code to} of {@code repo} now: the commit, the image keys, the events. */
    private void promoteInto(EventEnvelope<?> in, Deployment deployed, ConfigRepo repo, String to,
            Map<String, PinnedSource> pinned, List<EventEnvelope<?>> events, List<Runnable> announced)
            throws GitException, ConsulException {
        PromotionWriteBack.Target target = promotions.apply(repo, deployed, to, pinned, in.chainId(), in.id());
        if (target.refused() != null) {
            events.add(refused(in, repo, deployed, target));
            return;
        }
        if (target.source() != null && !target.files().isEmpty()) {
            String problem = keys.write(deployed.app(), target.source(), List.of(to));
            if (problem != null) {
                LOG.warnf("promotion of %s to %s: %s", deployed.app(), to, problem);
            }
        }
        if (!target.promoted()) {
            LOG.infof("%s %s from %s to %s in %s: %s", deployed.app(), deployed.image(), deployed.environment(),
                    to, repo.name(), target.reason());
            return;
        }
        String[] parts = {"promotion", repo.name(), to, in.id()};
        String chain = EventIds.of(EventType.PROMOTED, parts);
        Promoted promoted = new Promoted(deployed.app(), repo.name(), repo.branch(), deployed.environment(), to,
                deployed.image(), target.commit().name(), target.source() == null ? null
                        : target.source().repository() + "@" + target.source().commit(), target.files(), chain);
        EventEnvelope<Promoted> written = in.next(promoted, ImageBuiltHandler.SOURCE, Instant.now(), parts);
        events.add(written);
        LOG.infof("%s %s promoted from %s to %s in %s: %s%s", deployed.app(), deployed.image(),
                deployed.environment(), to, repo.name(), target.commit().name(),
                target.written() ? "" : " (" + target.reason() + ")");
        if (settings.mirrorAfterWriteBack()) {
            // the promotion's sync, and its deployment in `to`, go into a chain of their own (its id is the
            // Promoted event's): the chain that succeeded in the previous environment keeps its one outcome
            ImageBuiltHandler.finishChain(mirror, in, written.id(), repo, repo.branch(), target.files(), events,
                    announced);
        }
    }

    private static EventEnvelope<PromotionFailed> refused(EventEnvelope<?> in, ConfigRepo repo, Deployment deployed,
            PromotionWriteBack.Target target) {
        LOG.infof("%s %s not promoted from %s to %s in %s: %s (%s)", deployed.app(), deployed.image(),
                deployed.environment(), target.environment(), repo.name(), target.refused(), target.reason());
        return in.next(new PromotionFailed(deployed.app(), repo.name(), repo.branch(), deployed.environment(),
                target.environment(), deployed.image(), target.refused(), Policies.printable(target.reason())),
                ImageBuiltHandler.SOURCE, Instant.now(), "promotion", repo.name(), String.valueOf(target.environment()),
                in.id(), "refused");
    }

    /** The {@link PromotionFailed} ({@code WRITE_FAILED}) for a promotion that failed after its retries. */
    public Outcome failed(EventEnvelope<?> in, Deployment deployed, Throwable failure) {
        String reason = "promotion not written: " + Outcome.reason(failure);
        PromotionFailed event = new PromotionFailed(deployed.app(), null, null, deployed.environment(), null,
                deployed.image(), PromotionFailed.Reason.WRITE_FAILED, Policies.printable(reason));
        return Outcome.terminal(List.of(in.next(event, ImageBuiltHandler.SOURCE, Instant.now(), "promotion", in.id(),
                "FAILED")), reason);
    }
}
