package dev.quayside.gitwatcher.service.webhook;

import static dev.quayside.gitwatcher.service.webhook.Payloads.commits;
import static dev.quayside.gitwatcher.service.webhook.Payloads.object;
import static dev.quayside.gitwatcher.service.webhook.Payloads.optionalObject;
import static dev.quayside.gitwatcher.service.webhook.Payloads.optionalText;
import static dev.quayside.gitwatcher.service.webhook.Payloads.ref;
import static dev.quayside.gitwatcher.service.webhook.Payloads.sha;
import static dev.quayside.gitwatcher.service.webhook.Payloads.text;
import static dev.quayside.gitwatcher.service.webhook.Payloads.urls;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.events.Person;
import dev.quayside.gitwatcher.service.HostKind;
import dev.quayside.gitwatcher.service.RepositoryIdentity;
import dev.quayside.gitwatcher.service.push.PushedRef;
import java.util.ArrayList;
import java.util.List;

/** GitHub ({@code X-GitHub-Event: push|ping}, {@code X-Hub-Signature-256}). */
public class GitHubHost extends WebhookHost {

    @Override
    public HostKind kind() {
        return HostKind.GITHUB;
    }

    @Override
    public String event(Headers headers) {
        return first(headers, "X-GitHub-Event");
    }

    @Override
    public String deliveryId(Headers headers) {
        return first(headers, "X-GitHub-Delivery");
    }

    @Override
    public String signature(Headers headers) {
        return first(headers, "X-Hub-Signature-256");
    }

    @Override
    public WebhookDelivery parse(String event, JsonNode root) {
        if (!root.isObject()) {
            throw notAnObject();
        }
        switch (event) {
            case "ping":
                if (!root.has("hook_id") && !root.has("zen")) {
                    throw new WebhookPayloadException("a ping without 'zen' or 'hook_id'");
                }
                JsonNode repository = optionalObject(root, "repository");
                return WebhookDelivery.ping(kind(), repository == null ? null : identity(repository));
            case "push":
                return push(root);
            default:
                return WebhookDelivery.ignored(kind(), "GitHub event '" + event + "' is not acted on");
        }
    }

    private WebhookDelivery push(JsonNode root) {
        RepositoryIdentity repository = identity(object(root, "repository"));
        String ref = ref(text(root, "ref"), "ref");
        String before = sha(root, "before");
        String after = sha(root, "after");
        JsonNode pusher = optionalObject(root, "pusher");
        JsonNode sender = optionalObject(root, "sender");
        Person person = pusher == null ? null
                : new Person(optionalText(pusher, "name"), optionalText(pusher, "email"),
                        sender == null ? optionalText(pusher, "name") : optionalText(sender, "login"));
        PushedRef pushed = new PushedRef(repository, ref, before, after, commits(root), true, person);
        return WebhookDelivery.push(kind(), repository, List.of(pushed));
    }

    static RepositoryIdentity identity(JsonNode repository) {
        List<String> urls = new ArrayList<>();
        urls(repository, urls, "clone_url", "ssh_url", "html_url", "git_url", "url");
        String fullName = optionalText(repository, "full_name");
        if (fullName == null && urls.isEmpty()) {
            throw new WebhookPayloadException("'repository' has neither 'full_name' nor a URL");
        }
        return new RepositoryIdentity(fullName, urls);
    }
}
