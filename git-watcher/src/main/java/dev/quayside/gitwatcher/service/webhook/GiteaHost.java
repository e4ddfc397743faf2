package dev.quayside.gitwatcher.service.webhook;

import static dev.quayside.gitwatcher.service.webhook.Payloads.commits;
import static dev.quayside.gitwatcher.service.webhook.Payloads.object;
import static dev.quayside.gitwatcher.service.webhook.Payloads.optionalObject;
import static dev.quayside.gitwatcher.service.webhook.Payloads.optionalText;
import static dev.quayside.gitwatcher.service.webhook.Payloads.ref;
import static dev.quayside.gitwatcher.service.webhook.Payloads.sha;
import static dev.quayside.gitwatcher.service.webhook.Payloads.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.Person;
import dev.quayside.gitwatcher.service.HostKind;
import dev.quayside.gitwatcher.service.RepositoryIdentity;
import dev.quayside.gitwatcher.service.push.PushedRef;
import java.util.List;

/**
 * Gitea, Forgejo and Gogs ({@code X-Gitea-Event}/{@code X-Forgejo-Event}/{@code X-Gogs-Event: push}; hex HMAC-SHA256 in
 * {@code X-Gitea-Signature}, {@code X-Forgejo-Signature}, {@code X-Gogs-Signature} or {@code X-Hub-Signature-256}).
 * <p>
 * Gitea announces a deleted <em>branch</em> only with a {@code delete} event ({@code ref} the short name,
 * {@code ref_type} {@code branch} or {@code tag}, no commit ids); a deleted tag comes both as a {@code push} with
 * {@code after} all zeros and as a {@code delete}. Both read as a deletion whose previous head is the last one
 * git-watcher saw, so the two deliveries of one tag deletion give one event.
 */
public class GiteaHost extends WebhookHost {

    @Override
    public HostKind kind() {
        return HostKind.GITEA;
    }

    @Override
    public String event(Headers headers) {
        return first(headers, "X-Gitea-Event", "X-Forgejo-Event", "X-Gogs-Event");
    }

    @Override
    public String deliveryId(Headers headers) {
        return first(headers, "X-Gitea-Delivery", "X-Forgejo-Delivery", "X-Gogs-Delivery");
    }

    @Override
    public String signature(Headers headers) {
        return first(headers, "X-Gitea-Signature", "X-Forgejo-Signature", "X-Gogs-Signature", "X-Hub-Signature-256");
    }

    @Override
    public WebhookDelivery parse(String event, JsonNode root) {
        if (!root.isObject()) {
            throw notAnObject();
        }
        if (event.equals("delete")) {
            return deletion(root);
        }
        if (!event.equals("push")) {
            return WebhookDelivery.ignored(kind(), "Gitea event '" + event + "' is not acted on");
        }
        RepositoryIdentity repository = GitHubHost.identity(object(root, "repository"));
        PushedRef pushed = new PushedRef(repository, ref(text(root, "ref"), "ref"), sha(root, "before"),
                sha(root, "after"), commits(root), true, person(optionalObject(root, "pusher")));
        return WebhookDelivery.push(kind(), repository, List.of(pushed));
    }

    private WebhookDelivery deletion(JsonNode root) {
        RepositoryIdentity repository = GitHubHost.identity(object(root, "repository"));
        String name = text(root, "ref");
        String type = text(root, "ref_type");
        String prefix = switch (type) {
            case "branch" -> "refs/heads/";
            case "tag" -> "refs/tags/";
            default -> throw new WebhookPayloadException("ref_type must be 'branch' or 'tag', not '" + type + "'");
        };
        // Gitea sends the short name; a full one (should a version change that) is taken as it is
        String ref = ref(name.startsWith("refs/") ? name : prefix + name, "ref");
        if (!ref.startsWith(prefix)) {
            throw new WebhookPayloadException("ref " + name + " is not a " + type);
        }
        PushedRef deleted = new PushedRef(repository, ref, null, CommitPushed.ZERO_SHA, List.of(), true,
                person(optionalObject(root, "sender")));
        return WebhookDelivery.push(kind(), repository, List.of(deleted));
    }

    private static Person person(JsonNode user) {
        return user == null ? null
                : new Person(nonEmpty(optionalText(user, "full_name"), optionalText(user, "login")),
                        optionalText(user, "email"), nonEmpty(optionalText(user, "username"), optionalText(user, "login")));
    }

    private static String nonEmpty(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
