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
import dev.quayside.kit.security.Hmac;
import java.util.ArrayList;
import java.util.List;

/** GitLab ({@code X-Gitlab-Event: Push Hook|Tag Push Hook}, secret token in {@code X-Gitlab-Token}). */
public class GitLabHost extends WebhookHost {

    @Override
    public HostKind kind() {
        return HostKind.GITLAB;
    }

    @Override
    public String event(Headers headers) {
        return first(headers, "X-Gitlab-Event");
    }

    @Override
    public String deliveryId(Headers headers) {
        return first(headers, "X-Gitlab-Event-UUID", "Idempotency-Key", "X-Gitlab-Webhook-UUID");
    }

    @Override
    public String signature(Headers headers) {
        return first(headers, "X-Gitlab-Token");
    }

    /** GitLab sends the secret itself, not a signature of the body. */
    @Override
    public boolean verify(Headers headers, byte[] body, String secret) {
        return Hmac.tokenMatches(secret, signature(headers));
    }

    @Override
    public WebhookDelivery parse(String event, JsonNode root) {
        if (!root.isObject()) {
            throw notAnObject();
        }
        String expectedKind;
        switch (event) {
            case "Push Hook":
                expectedKind = "push";
                break;
            case "Tag Push Hook":
                expectedKind = "tag_push";
                break;
            default:
                return WebhookDelivery.ignored(kind(), "GitLab event '" + event + "' is not acted on");
        }
        String objectKind = text(root, "object_kind");
        if (!objectKind.equals(expectedKind)) {
            throw new WebhookPayloadException(
                    "'" + event + "' with object_kind '" + objectKind + "', expected '" + expectedKind + "'");
        }
        RepositoryIdentity repository = identity(root);
        String ref = ref(text(root, "ref"), "ref");
        if (expectedKind.equals("tag_push") != ref.startsWith("refs/tags/")) {
            throw new WebhookPayloadException("'" + event + "' for ref " + ref);
        }
        Person pusher = new Person(optionalText(root, "user_name"), optionalText(root, "user_email"),
                optionalText(root, "user_username"));
        PushedRef pushed = new PushedRef(repository, ref, sha(root, "before"), sha(root, "after"), commits(root),
                true, pusher);
        return WebhookDelivery.push(kind(), repository, List.of(pushed));
    }

    private static RepositoryIdentity identity(JsonNode root) {
        JsonNode project = optionalObject(root, "project");
        JsonNode repository = object(root, "repository");
        List<String> urls = new ArrayList<>();
        urls(project, urls, "git_http_url", "git_ssh_url", "web_url", "http_url", "ssh_url");
        urls(repository, urls, "git_http_url", "git_ssh_url", "homepage", "url");
        String fullName = project == null ? null : optionalText(project, "path_with_namespace");
        if (fullName == null && urls.isEmpty()) {
            throw new WebhookPayloadException("neither 'project.path_with_namespace' nor a repository URL");
        }
        return new RepositoryIdentity(fullName, urls);
    }
}
