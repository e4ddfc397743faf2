package dev.quayside.gitwatcher.service.webhook;

import java.util.Map;
import java.util.Optional;

/** The webhook senders by the path segment of their endpoint ({@code /webhooks/<path>}). */
public final class WebhookHosts {

    private static final Map<String, WebhookHost> BY_PATH = Map.of(
            "github", new GitHubHost(),
            "gitlab", new GitLabHost(),
            "gitea", new GiteaHost(),
            "bitbucket", new BitbucketCloudHost(),
            "bitbucket-server", new BitbucketServerHost(),
            "generic", new GenericHost());

    private WebhookHosts() {
    }

    /** The host served at {@code /webhooks/<path>}, if any. */
    public static Optional<WebhookHost> byPath(String path) {
        return Optional.ofNullable(path == null ? null : BY_PATH.get(path));
    }
}
