package dev.quayside.gitwatcher.service.webhook;

import static dev.quayside.gitwatcher.service.webhook.Payloads.array;
import static dev.quayside.gitwatcher.service.webhook.Payloads.object;
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
import java.util.ArrayList;
import java.util.List;

/**
 * Bitbucket Server / Data Center ({@code X-Event-Key: repo:refs_changed}, {@code diagnostics:ping};
 * {@code X-Hub-Signature: sha256=<hex>}). Its payload lists no commits: they are fetched from the configured URL.
 */
public class BitbucketServerHost extends WebhookHost {

    @Override
    public HostKind kind() {
        return HostKind.BITBUCKET_SERVER;
    }

    @Override
    public String event(Headers headers) {
        return first(headers, "X-Event-Key");
    }

    @Override
    public String deliveryId(Headers headers) {
        return first(headers, "X-Request-Id");
    }

    @Override
    public String signature(Headers headers) {
        return first(headers, "X-Hub-Signature");
    }

    @Override
    public WebhookDelivery parse(String event, JsonNode root) {
        if (!root.isObject()) {
            throw notAnObject();
        }
        if (event.equals("diagnostics:ping")) {
            return WebhookDelivery.ping(kind(), null);
        }
        if (!event.equals("repo:refs_changed")) {
            return WebhookDelivery.ignored(kind(), "Bitbucket Server event '" + event + "' is not acted on");
        }
        String eventKey = optionalText(root, "eventKey");
        if (eventKey != null && !eventKey.equals(event)) {
            throw new WebhookPayloadException("X-Event-Key '" + event + "' but eventKey '" + eventKey + "'");
        }
        RepositoryIdentity repository = identity(object(root, "repository"));
        JsonNode actor = optionalObject(root, "actor");
        Person pusher = actor == null ? null
                : new Person(optionalText(actor, "displayName"), optionalText(actor, "emailAddress"),
                        optionalText(actor, "name"));
        List<PushedRef> refs = new ArrayList<>();
        for (JsonNode change : array(root, "changes", true)) {
            if (!change.isObject()) {
                throw new WebhookPayloadException("'changes' must list objects");
            }
            String refId = optionalText(change, "refId");
            if (refId == null) {
                refId = text(object(change, "ref"), "id");
            }
            refs.add(new PushedRef(repository, ref(refId, "refId"), sha(change, "fromHash"), sha(change, "toHash"),
                    List.of(), false, pusher));
        }
        return WebhookDelivery.push(kind(), repository, refs);
    }

    private static RepositoryIdentity identity(JsonNode repository) {
        List<String> urls = new ArrayList<>();
        JsonNode links = optionalObject(repository, "links");
        if (links != null) {
            for (JsonNode link : array(links, "clone", false)) {
                Payloads.urls(link, urls, "href");
            }
            for (JsonNode link : array(links, "self", false)) {
                Payloads.urls(link, urls, "href");
            }
        }
        JsonNode project = optionalObject(repository, "project");
        String key = project == null ? null : optionalText(project, "key");
        String slug = optionalText(repository, "slug");
        String fullName = key != null && slug != null ? key + "/" + slug : null;
        if (fullName == null && urls.isEmpty()) {
            throw new WebhookPayloadException("'repository' has neither 'project.key'/'slug' nor clone links");
        }
        return new RepositoryIdentity(fullName, urls);
    }
}
