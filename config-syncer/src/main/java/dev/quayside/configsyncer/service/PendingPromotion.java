package dev.quayside.configsyncer.service;

import dev.quayside.events.Deployment;
import dev.quayside.events.EventCodec;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.PromotionWaiting;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A promotion that waits at the gates of its target environment, as Consul KV keeps it (JSON under
 * {@code <promotions-prefix>/<repository>/<app>/<toEnvironment>}).
 *
 * @param repository       the config repository's configured name
 * @param branch           its write-back branch
 * @param app              the app
 * @param fromEnvironment  where the image ran successfully
 * @param toEnvironment    where it is to be promoted
 * @param image            the image that ran, digest included
 * @param chainId          the successful deployment's chain
 * @param eventId          the successful deployment's event id
 * @param requestedAt      when the deployment asked for the promotion
 * @param soakUntil        when the soak time ends, or null without a soak gate
 * @param approvalRequired whether an operator must approve
 * @param approved         whether an operator approved
 * @param approvedBy       who approved (as the operator said), or null
 * @param event            the successful deployment's event, as it travelled (CDEvent JSON): the promotion is written
 *                         from it as an ungated one would be, with the same ids
 * @param windows          the target environment's deployment windows when the promotion was asked for (none: any
 *                         time)
 */
public record PendingPromotion(String repository, String branch, String app, String fromEnvironment,
        String toEnvironment, String image, String chainId, String eventId, Instant requestedAt, Instant soakUntil,
        boolean approvalRequired, boolean approved, String approvedBy, String event,
        List<dev.quayside.configsyncer.policy.DeploymentWindow> windows) {

    public PendingPromotion {
        windows = windows == null ? List.of() : List.copyOf(windows);
    }

    static PendingPromotion of(ConfigRepo repo, String to, EventEnvelope<?> in, Deployment deployed, Instant now,
            dev.quayside.configsyncer.policy.Policies.Gate gate) {
        return new PendingPromotion(repo.name(), repo.branch(), deployed.app(), deployed.environment(), to,
                deployed.image(), in.chainId(), in.id(), now, gate.soak() == null ? null : now.plus(gate.soak()),
                gate.approvalRequired(), false, null,
                new String(EventCodec.toJson(in), StandardCharsets.UTF_8), gate.windows());
    }

    /** The gates still open at {@code now}: {@code soak}, {@code approval} and/or {@code window}. */
    public List<String> openGates(Instant now) {
        List<String> open = new ArrayList<>();
        if (soakUntil != null && now.isBefore(soakUntil)) {
            open.add(PromotionWaiting.SOAK);
        }
        if (approvalRequired && !approved) {
            open.add(PromotionWaiting.APPROVAL);
        }
        if (!dev.quayside.configsyncer.policy.DeploymentWindow.allows(windows, now)) {
            open.add(PromotionWaiting.WINDOW);
        }
        return open;
    }

    /** The successful deployment's event this promotion comes from. */
    public EventEnvelope<?> envelope() {
        return EventCodec.fromJson(event.getBytes(StandardCharsets.UTF_8));
    }

    PendingPromotion approvedBy(String who) {
        return new PendingPromotion(repository, branch, app, fromEnvironment, toEnvironment, image, chainId, eventId,
                requestedAt, soakUntil, approvalRequired, true, who, event, windows);
    }
}
