package dev.quayside.configsyncer.service;

import dev.quayside.events.Deployment;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.PipelineEvent;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.events.ServiceUpgraded;
import dev.quayside.kit.messaging.EventHandler;
import dev.quayside.kit.messaging.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * config-syncer's part of {@code quayside.deployed}: a {@link ServiceRolledBack} is written back
 * ({@link ServiceRolledBackHandler}); a success — {@link ServiceDeployed}, or {@link ServiceUpgraded} that redeployed
 * something ({@code unchanged: false}) — is promoted ({@link PromotionHandler}); a rollback or a failed deployment
 * ends the pending promotions of its image from its environment ({@link PromotionGates#cancelled}); every other event
 * is skipped.
 */
@ApplicationScoped
public class DeployedHandler implements EventHandler<PipelineEvent> {

    private final ServiceRolledBackHandler rolledBack;
    private final PromotionHandler promotions;
    private final PromotionGates gates;

    DeployedHandler(ServiceRolledBackHandler rolledBack, PromotionHandler promotions, PromotionGates gates) {
        this.rolledBack = rolledBack;
        this.promotions = promotions;
        this.gates = gates;
    }

    @Override
    public Class<PipelineEvent> eventType() {
        return PipelineEvent.class;
    }

    @Override
    public Outcome handle(EventEnvelope<PipelineEvent> in) throws Exception {
        // a rollback or failure of an image whose promotion waits at a gate ends that promotion (SOAK_FAILED)
        Outcome cancelled = gates.cancelled(in.data());
        if (in.data() instanceof ServiceRolledBack) {
            return both(cancelled, rolledBack.handle(in.as(ServiceRolledBack.class)));
        }
        Deployment succeeded = succeeded(in.data());
        return succeeded == null ? cancelled : promotions.handle(in, succeeded);
    }

    /** {@code first}'s events, then {@code then}'s; both their after-publishing actions; {@code then}'s failure. */
    private static Outcome both(Outcome first, Outcome then) {
        if (first.events().isEmpty()) {
            return then;
        }
        List<EventEnvelope<?>> events = new ArrayList<>(first.events());
        events.addAll(then.events());
        Outcome outcome = new Outcome(events, then.terminalFailure(), first.onPublished());
        return then.onPublished() == null ? outcome : outcome.onceAnnounced(then.onPublished());
    }

    @Override
    public Outcome failed(EventEnvelope<PipelineEvent> in, Throwable failure) {
        if (in.data() instanceof ServiceRolledBack) {
            return rolledBack.failed(in.as(ServiceRolledBack.class), failure);
        }
        Deployment succeeded = succeeded(in.data());
        return succeeded == null ? Outcome.terminal(Outcome.reason(failure))
                : promotions.failed(in, succeeded, failure);
    }

    /**
     * The deployment that {@code event} says now runs, or null: a new app or job, or an existing one that was
     * redeployed. An {@code unchanged} upgrade (it already ran; a redelivered sync, a rollback's restore) promotes
     * nothing new.
     */
    static Deployment succeeded(PipelineEvent event) {
        if (event instanceof ServiceDeployed deployed) {
            return deployed.deployment();
        }
        if (event instanceof ServiceUpgraded upgraded && !upgraded.unchanged()) {
            return upgraded.deployment();
        }
        return null;
    }
}
