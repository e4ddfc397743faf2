package dev.quayside.gitwatcher.service.webhook;

import static dev.quayside.gitwatcher.service.webhook.Payloads.optionalObject;
import static dev.quayside.gitwatcher.service.webhook.Payloads.optionalText;
import static dev.quayside.gitwatcher.service.webhook.Payloads.ref;
import static dev.quayside.gitwatcher.service.webhook.Payloads.sha;
import static dev.quayside.gitwatcher.service.webhook.Payloads.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.events.Person;
import dev.quayside.gitwatcher.service.HostKind;
import dev.quayside.gitwatcher.service.RepositoryIdentity;
import dev.quayside.gitwatcher.service.push.PushedRef;
import java.util.List;

/**
 * Quayside's own {@code post-receive} hook ({@code scripts/post-receive}): {@code X-Quayside-Event: push|ping},
 * {@code X-Quayside-Delivery}, {@code X-Quayside-Signature-256: sha256=<hex HMAC-SHA256 of the body>}. Body:
 * {@code {"repository": "<configured name>", "ref", "before", "after", "pusher": {"name", "email"}}}; the commits are
 * fetched from the configured clone URL.
 */
public class GenericHost extends WebhookHost {

    public static final String EVENT_HEADER = "X-Quayside-Event";
    public static final String DELIVERY_HEADER = "X-Quayside-Delivery";
    public static final String SIGNATURE_HEADER = "X-Quayside-Signature-256";

    @Override
    public HostKind kind() {
        return HostKind.GENERIC;
    }

    @Override
    public String event(Headers headers) {
        return first(headers, EVENT_HEADER);
    }

    @Override
    public String deliveryId(Headers headers) {
        return first(headers, DELIVERY_HEADER);
    }

    @Override
    public String signature(Headers headers) {
        return first(headers, SIGNATURE_HEADER);
    }

    @Override
    public WebhookDelivery parse(String event, JsonNode root) {
        if (!root.isObject()) {
            throw notAnObject();
        }
        if (!event.equals("push") && !event.equals("ping")) {
            return WebhookDelivery.ignored(kind(), "event '" + event + "' is not acted on");
        }
        RepositoryIdentity repository = new RepositoryIdentity(text(root, "repository"), List.of());
        if (event.equals("ping")) {
            return WebhookDelivery.ping(kind(), repository);
        }
        JsonNode pusher = optionalObject(root, "pusher");
        Person person = pusher == null ? null
                : new Person(optionalText(pusher, "name"), optionalText(pusher, "email"),
                        optionalText(pusher, "username"));
        PushedRef pushed = new PushedRef(repository, ref(text(root, "ref"), "ref"), sha(root, "before"),
                sha(root, "after"), List.of(), false, person);
        return WebhookDelivery.push(kind(), repository, List.of(pushed));
    }
}
