package dev.quayside.gitwatcher.service.webhook;

import static dev.quayside.gitwatcher.service.webhook.Payloads.array;
import static dev.quayside.gitwatcher.service.webhook.Payloads.object;
import static dev.quayside.gitwatcher.service.webhook.Payloads.optionalObject;
import static dev.quayside.gitwatcher.service.webhook.Payloads.optionalText;
import static dev.quayside.gitwatcher.service.webhook.Payloads.ref;
import static dev.quayside.gitwatcher.service.webhook.Payloads.sha;
import static dev.quayside.gitwatcher.service.webhook.Payloads.text;
import static dev.quayside.gitwatcher.service.webhook.Payloads.textOrEmpty;
import static dev.quayside.gitwatcher.service.webhook.Payloads.timestamp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.events.CommitPushed.Commit;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.Person;
import dev.quayside.gitwatcher.service.HostKind;
import dev.quayside.gitwatcher.service.RepositoryIdentity;
import dev.quayside.gitwatcher.service.push.PushedRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Bitbucket Cloud ({@code X-Event-Key: repo:push}, {@code X-Hub-Signature: sha256=<hex>}). */
public class BitbucketCloudHost extends WebhookHost {

    private static final Pattern RAW_AUTHOR = Pattern.compile("\\s*(.*?)\\s*<([^>]*)>\\s*");

    @Override
    public HostKind kind() {
        return HostKind.BITBUCKET;
    }

    @Override
    public String event(Headers headers) {
        return first(headers, "X-Event-Key");
    }

    @Override
    public String deliveryId(Headers headers) {
        return first(headers, "X-Request-UUID", "X-Hook-UUID");
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
        if (!event.equals("repo:push")) {
            return WebhookDelivery.ignored(kind(), "Bitbucket event '" + event + "' is not acted on");
        }
        RepositoryIdentity repository = identity(object(root, "repository"));
        JsonNode actor = optionalObject(root, "actor");
        Person pusher = actor == null ? null
                : new Person(optionalText(actor, "display_name"), null, optionalText(actor, "nickname"));
        List<PushedRef> refs = new ArrayList<>();
        for (JsonNode change : array(object(root, "push"), "changes", true)) {
            if (!change.isObject()) {
                throw new WebhookPayloadException("'push.changes' must list objects");
            }
            JsonNode newState = optionalObject(change, "new");
            JsonNode oldState = optionalObject(change, "old");
            if (newState == null && oldState == null) {
                throw new WebhookPayloadException("a change with neither 'new' nor 'old'");
            }
            String ref = refName(newState != null ? newState : oldState);
            String after = newState == null ? CommitPushed.ZERO_SHA : sha(object(newState, "target"), "hash");
            String before = oldState == null ? CommitPushed.ZERO_SHA : sha(object(oldState, "target"), "hash");
            List<Commit> commits = new ArrayList<>();
            for (JsonNode commit : array(change, "commits", false)) {
                commits.add(commit(commit));
            }
            Collections.reverse(commits); // Bitbucket lists the newest first
            refs.add(new PushedRef(repository, ref, before, after, commits, true, pusher));
        }
        return WebhookDelivery.push(kind(), repository, refs);
    }

    private static String refName(JsonNode state) {
        String type = text(state, "type");
        String name = text(state, "name");
        switch (type) {
            case "branch":
                return ref("refs/heads/" + name, "name");
            case "tag":
            case "annotated_tag":
                return ref("refs/tags/" + name, "name");
            default:
                throw new WebhookPayloadException("unknown ref type '" + Payloads.abbreviate(type) + "'");
        }
    }

    private static Commit commit(JsonNode commit) {
        if (!commit.isObject()) {
            throw new WebhookPayloadException("'commits' must list objects");
        }
        JsonNode author = optionalObject(commit, "author");
        Person person = null;
        if (author != null) {
            String raw = optionalText(author, "raw");
            JsonNode user = optionalObject(author, "user");
            String name = user == null ? null : optionalText(user, "display_name");
            String email = null;
            if (raw != null) {
                Matcher matcher = RAW_AUTHOR.matcher(raw);
                if (matcher.matches()) {
                    name = name == null ? matcher.group(1) : name;
                    email = matcher.group(2);
                } else if (name == null) {
                    name = raw;
                }
            }
            person = new Person(name, email, user == null ? null : optionalText(user, "nickname"));
        }
        return new Commit(sha(commit, "hash"), textOrEmpty(commit, "message"), person,
                timestamp(optionalText(commit, "date"), "date"), List.of(), List.of(), List.of());
    }

    private static RepositoryIdentity identity(JsonNode repository) {
        List<String> urls = new ArrayList<>();
        JsonNode links = optionalObject(repository, "links");
        if (links != null) {
            Payloads.urls(optionalObject(links, "html"), urls, "href");
        }
        String fullName = optionalText(repository, "full_name");
        if (fullName == null && urls.isEmpty()) {
            throw new WebhookPayloadException("'repository' has neither 'full_name' nor 'links.html'");
        }
        return new RepositoryIdentity(fullName, urls);
    }
}
