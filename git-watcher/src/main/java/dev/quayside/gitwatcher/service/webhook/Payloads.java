package dev.quayside.gitwatcher.service.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.events.CommitPushed.Commit;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.Person;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Strict readers for webhook JSON: every wrong shape is a {@link WebhookPayloadException} naming the field. */
final class Payloads {

    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    private static final Pattern REF = Pattern.compile("refs/[^\\s\\x00-\\x1f\\\\]+");
    private static final DateTimeFormatter OFFSET_WITHOUT_COLON = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ");

    private Payloads() {
    }

    static JsonNode object(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isObject()) {
            throw new WebhookPayloadException("'" + field + "' must be an object");
        }
        return node;
    }

    static JsonNode optionalObject(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new WebhookPayloadException("'" + field + "' must be an object");
        }
        return node;
    }

    static List<JsonNode> array(JsonNode parent, String field, boolean required) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new WebhookPayloadException("'" + field + "' is missing");
            }
            return List.of();
        }
        if (!node.isArray()) {
            throw new WebhookPayloadException("'" + field + "' must be an array");
        }
        List<JsonNode> items = new ArrayList<>(node.size());
        node.forEach(items::add);
        return items;
    }

    static String text(JsonNode parent, String field) {
        String value = optionalText(parent, field);
        if (value == null || value.isEmpty()) {
            throw new WebhookPayloadException("'" + field + "' is missing");
        }
        return value;
    }

    static String optionalText(JsonNode parent, String field) {
        if (parent == null) {
            return null;
        }
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new WebhookPayloadException("'" + field + "' must be a string");
        }
        return node.textValue();
    }

    static String sha(JsonNode parent, String field) {
        return sha(text(parent, field), field);
    }

    static String sha(String value, String field) {
        if (value == null || !SHA.matcher(value).matches()) {
            throw new WebhookPayloadException("'" + field + "' is not a full commit id: " + abbreviate(value));
        }
        return value;
    }

    static String ref(String value, String field) {
        if (value == null || !REF.matcher(value).matches() || value.contains("..") || value.endsWith("/")) {
            throw new WebhookPayloadException("'" + field + "' is not a full ref name: " + abbreviate(value));
        }
        return value;
    }

    static List<String> paths(JsonNode commit, String field) {
        List<String> paths = new ArrayList<>();
        for (JsonNode path : array(commit, field, false)) {
            if (!path.isTextual()) {
                throw new WebhookPayloadException("'" + field + "' must list file paths");
            }
            paths.add(path.textValue());
        }
        return paths;
    }

    static Instant timestamp(String value, String field) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(value, OFFSET_WITHOUT_COLON).toInstant();
            } catch (DateTimeParseException again) {
                throw new WebhookPayloadException("'" + field + "' is not a date: " + abbreviate(value));
            }
        }
    }

    /** A commit in the GitHub/GitLab/Gitea shape ({@code id, message, timestamp, author, added, modified, removed}). */
    static Commit commit(JsonNode commit) {
        if (!commit.isObject()) {
            throw new WebhookPayloadException("'commits' must list objects");
        }
        JsonNode author = optionalObject(commit, "author");
        Person person = author == null ? null
                : new Person(optionalText(author, "name"), optionalText(author, "email"),
                        optionalText(author, "username"));
        return new Commit(sha(commit, "id"), textOrEmpty(commit, "message"), person,
                timestamp(optionalText(commit, "timestamp"), "timestamp"), paths(commit, "added"),
                paths(commit, "modified"), paths(commit, "removed"));
    }

    static List<Commit> commits(JsonNode root) {
        List<Commit> commits = new ArrayList<>();
        for (JsonNode node : array(root, "commits", false)) {
            commits.add(commit(node));
        }
        return commits;
    }

    static String textOrEmpty(JsonNode parent, String field) {
        String value = optionalText(parent, field);
        return value == null ? "" : value;
    }

    /** Adds the textual URL fields of {@code node} that are present to {@code urls}. */
    static void urls(JsonNode node, List<String> urls, String... fields) {
        if (node == null) {
            return;
        }
        for (String field : fields) {
            String url = optionalText(node, field);
            if (url != null && !url.isEmpty()) {
                urls.add(url);
            }
        }
    }

    static String zeroFor(String sha) {
        return sha.length() == 64 ? CommitPushed.ZERO_SHA + "000000000000000000000000" : CommitPushed.ZERO_SHA;
    }

    static String abbreviate(String value) {
        if (value == null) {
            return "(none)";
        }
        return value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }
}
