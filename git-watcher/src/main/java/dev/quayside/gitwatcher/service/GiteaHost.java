package dev.quayside.gitwatcher.service;

import static dev.quayside.gitwatcher.service.Payloads.commits;
import static dev.quayside.gitwatcher.service.Payloads.object;
import static dev.quayside.gitwatcher.service.Payloads.optionalObject;
import static dev.quayside.gitwatcher.service.Payloads.optionalText;
import static dev.quayside.gitwatcher.service.Payloads.ref;
import static dev.quayside.gitwatcher.service.Payloads.sha;
import static dev.quayside.gitwatcher.service.Payloads.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.events.Person;
import java.util.List;

/**
 * Gitea, Forgejo and Gogs ({@code X-Gitea-Event}/{@code X-Forgejo-Event}/{@code X-Gogs-Event: push}; hex HMAC-SHA256 in
 * {@code X-Gitea-Signature}, {@code X-Forgejo-Signature}, {@code X-Gogs-Signature} or {@code X-Hub-Signature-256}).
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
    public boolean verify(Headers headers, byte[] body, String secret) {
        return Signatures.hmacSha256Matches(secret, body,
                first(headers, "X-Gitea-Signature", "X-Forgejo-Signature", "X-Gogs-Signature", "X-Hub-Signature-256"));
    }

    @Override
    public WebhookDelivery parse(String event, JsonNode root) {
        if (!root.isObject()) {
            throw notAnObject();
        }
        if (!event.equals("push")) {
            return WebhookDelivery.ignored(kind(), "Gitea event '" + event + "' is not acted on");
        }
        RepositoryIdentity repository = GitHubHost.identity(object(root, "repository"));
        JsonNode pusher = optionalObject(root, "pusher");
        Person person = pusher == null ? null
                : new Person(nonEmpty(optionalText(pusher, "full_name"), optionalText(pusher, "login")),
                        optionalText(pusher, "email"),
                        nonEmpty(optionalText(pusher, "username"), optionalText(pusher, "login")));
        PushedRef pushed = new PushedRef(repository, ref(text(root, "ref"), "ref"), sha(root, "before"),
                sha(root, "after"), commits(root), true, person);
        return WebhookDelivery.push(kind(), repository, List.of(pushed));
    }

    private static String nonEmpty(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
