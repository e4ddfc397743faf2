package dev.quayside.gitwatcher.service.webhook;

import dev.quayside.gitwatcher.service.HostKind;
import dev.quayside.gitwatcher.service.RepositoryIdentity;
import dev.quayside.gitwatcher.service.push.PushedRef;
import java.util.List;

/**
 * A parsed webhook request: a push (one or more ref updates), a ping, or an event Quayside does not act on.
 *
 * @param host       the sender
 * @param kind       push, ping or ignored
 * @param repository the repository the payload names (null for an organisation ping)
 * @param refs       the ref updates of a push
 * @param reason     why an ignored delivery is ignored
 */
public record WebhookDelivery(HostKind host, Kind kind, RepositoryIdentity repository, List<PushedRef> refs,
        String reason) {

    /** What a delivery is. */
    public enum Kind {
        PUSH, PING, IGNORED
    }

    public WebhookDelivery {
        refs = List.copyOf(refs);
    }

    public static WebhookDelivery push(HostKind host, RepositoryIdentity repository, List<PushedRef> refs) {
        return new WebhookDelivery(host, Kind.PUSH, repository, refs, null);
    }

    public static WebhookDelivery ping(HostKind host, RepositoryIdentity repository) {
        return new WebhookDelivery(host, Kind.PING, repository, List.of(), null);
    }

    public static WebhookDelivery ignored(HostKind host, String reason) {
        return new WebhookDelivery(host, Kind.IGNORED, null, List.of(), reason);
    }
}
