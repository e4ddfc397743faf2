package dev.quayside.notifier.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.notifier.config.GitHost;
import dev.quayside.notifier.service.CommitStatus;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The request each Git host documents for one commit status: method POST, path under the configured API base, the
 * authentication header and the JSON body. Path segments that come from events (repository, commit) are
 * percent-encoded, so an event cannot reach another API path.
 */
public final class CommitStatusRequests {

    /** One request: where, which headers (authentication included) and the JSON body. */
    public record Request(URI uri, Map<String, String> headers, byte[] body) {
    }

    private CommitStatusRequests() {
    }

    public static Request of(GitHost host, URI base, String token, Optional<String> username, CommitStatus s) {
        String api = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1)
                : base.toString();
        ObjectNode body = ChatPayloads.JSON.createObjectNode();
        return switch (host) {
            // https://docs.github.com/en/rest/commits/statuses#create-a-commit-status
            // states error, failure, pending, success; Authorization: Bearer <token>
            case GITHUB -> {
                body.put("state", switch (s.state()) {
                    case PENDING, RUNNING -> "pending";
                    case SUCCESS -> "success";
                    case FAILURE -> "failure";
                    case CANCELLED -> "error";
                });
                common(body, s, "target_url").put("context", s.context());
                yield new Request(URI.create(api + "/repos/" + ownerRepo(s) + "/statuses/" + segment(s.sha())),
                        Map.of("Authorization", "Bearer " + token, "Accept", "application/vnd.github+json",
                                "X-GitHub-Api-Version", "2022-11-28"), ChatPayloads.bytes(body));
            }
            // https://docs.gitlab.com/api/commits/#set-the-pipeline-status-of-a-commit
            // POST /api/v4/projects/:id/statuses/:sha, id = the URL-encoded project path; states pending, running,
            // success, failed, canceled; header PRIVATE-TOKEN
            case GITLAB -> {
                body.put("state", switch (s.state()) {
                    case PENDING -> "pending";
                    case RUNNING -> "running";
                    case SUCCESS -> "success";
                    case FAILURE -> "failed";
                    case CANCELLED -> "canceled";
                });
                common(body, s, "target_url").put("name", s.context());
                yield new Request(URI.create(api + "/api/v4/projects/" + segment(s.repository()) + "/statuses/"
                        + segment(s.sha())), Map.of("PRIVATE-TOKEN", token), ChatPayloads.bytes(body));
            }
            // Gitea https://docs.gitea.com/api/ (repoCreateStatus, CreateStatusOption), Forgejo the same:
            // POST /api/v1/repos/{owner}/{repo}/statuses/{sha}; states pending, success, error, failure, warning;
            // Authorization: token <token>
            case GITEA -> {
                body.put("state", switch (s.state()) {
                    case PENDING, RUNNING -> "pending";
                    case SUCCESS -> "success";
                    case FAILURE -> "failure";
                    case CANCELLED -> "warning";
                });
                common(body, s, "target_url").put("context", s.context());
                yield new Request(URI.create(api + "/api/v1/repos/" + ownerRepo(s) + "/statuses/" + segment(s.sha())),
                        Map.of("Authorization", "token " + token), ChatPayloads.bytes(body));
            }
            // https://developer.atlassian.com/cloud/bitbucket/rest/api-group-commit-statuses/
            // (create a build status for a commit): key, state INPROGRESS/SUCCESSFUL/FAILED/STOPPED, name, url (required),
            // description; basic auth (user + app password / API token) or a bearer access token
            case BITBUCKET_CLOUD -> {
                bitbucket(body, s, "STOPPED");
                yield new Request(URI.create(api + "/2.0/repositories/" + ownerRepo(s) + "/commit/" + segment(s.sha())
                        + "/statuses/build"), Map.of("Authorization", username.filter(u -> !u.isBlank())
                                .map(u -> "Basic " + Base64.getEncoder().encodeToString((u + ":" + token)
                                        .getBytes(StandardCharsets.UTF_8)))
                                .orElse("Bearer " + token)), ChatPayloads.bytes(body));
            }
            // https://developer.atlassian.com/server/bitbucket/how-tos/updating-build-status-for-commits/
            // POST /rest/build-status/1.0/commits/{commitId}: state INPROGRESS/SUCCESSFUL/FAILED, key, url required,
            // name and description optional, each at most 255 characters (url 450); a bearer (HTTP access) token
            case BITBUCKET_SERVER -> {
                bitbucket(body, s, "FAILED");
                yield new Request(URI.create(api + "/rest/build-status/1.0/commits/" + segment(s.sha())),
                        Map.of("Authorization", "Bearer " + token), ChatPayloads.bytes(body));
            }
        };
    }

    private static void bitbucket(ObjectNode body, CommitStatus s, String cancelled) {
        body.put("key", s.context());
        body.put("state", switch (s.state()) {
            case PENDING, RUNNING -> "INPROGRESS";
            case SUCCESS -> "SUCCESSFUL";
            case FAILURE -> "FAILED";
            case CANCELLED -> cancelled;
        });
        body.put("name", s.context());
        body.put("url", s.targetUrl());
        body.put("description", s.description());
    }

    private static ObjectNode common(ObjectNode body, CommitStatus s, String link) {
        body.put("description", s.description());
        if (s.targetUrl() != null) {
            body.put(link, s.targetUrl());
        }
        return body;
    }

    /** {@code owner/repo} (or {@code workspace/repo_slug}) with each of its segments encoded. */
    private static String ownerRepo(CommitStatus s) {
        String[] parts = s.repository().split("/", -1);
        StringBuilder path = new StringBuilder();
        for (String part : parts) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("repository '" + s.repository() + "' is no owner/repo path");
            }
            path.append(path.length() == 0 ? "" : "/").append(segment(part));
        }
        return path.toString();
    }

    /** One path segment, percent-encoded (a {@code /} inside becomes {@code %2F}, as GitLab's project ids need). */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
