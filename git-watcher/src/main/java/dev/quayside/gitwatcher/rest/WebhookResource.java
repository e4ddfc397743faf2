package dev.quayside.gitwatcher.rest;

import dev.quayside.gitwatcher.service.webhook.BitbucketCloudHost;
import dev.quayside.gitwatcher.service.webhook.BitbucketServerHost;
import dev.quayside.gitwatcher.service.webhook.GenericHost;
import dev.quayside.gitwatcher.service.webhook.GitHubHost;
import dev.quayside.gitwatcher.service.webhook.GitLabHost;
import dev.quayside.gitwatcher.service.webhook.GiteaHost;
import dev.quayside.gitwatcher.service.webhook.WebhookHost;
import dev.quayside.gitwatcher.service.webhook.WebhookResult;
import dev.quayside.gitwatcher.service.webhook.WebhookService;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

/** Push webhooks of each Git host (body limit: {@code quarkus.http.limits.max-body-size}, 413 beyond). */
@Path("/webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {

    private static final WebhookHost GITHUB = new GitHubHost();
    private static final WebhookHost GITLAB = new GitLabHost();
    private static final WebhookHost GITEA = new GiteaHost();
    private static final WebhookHost BITBUCKET = new BitbucketCloudHost();
    private static final WebhookHost BITBUCKET_SERVER = new BitbucketServerHost();
    private static final WebhookHost GENERIC = new GenericHost();

    private final WebhookService webhooks;

    public WebhookResource(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @POST
    @Path("github")
    public RestResponse<WebhookResult> github(HttpHeaders headers, byte[] body) {
        return handle(GITHUB, headers, body);
    }

    @POST
    @Path("gitlab")
    public RestResponse<WebhookResult> gitlab(HttpHeaders headers, byte[] body) {
        return handle(GITLAB, headers, body);
    }

    /** Gitea, Forgejo and Gogs. */
    @POST
    @Path("gitea")
    public RestResponse<WebhookResult> gitea(HttpHeaders headers, byte[] body) {
        return handle(GITEA, headers, body);
    }

    @POST
    @Path("bitbucket")
    public RestResponse<WebhookResult> bitbucket(HttpHeaders headers, byte[] body) {
        return handle(BITBUCKET, headers, body);
    }

    @POST
    @Path("bitbucket-server")
    public RestResponse<WebhookResult> bitbucketServer(HttpHeaders headers, byte[] body) {
        return handle(BITBUCKET_SERVER, headers, body);
    }

    /** Quayside's {@code post-receive} hook. */
    @POST
    @Path("generic")
    public RestResponse<WebhookResult> generic(HttpHeaders headers, byte[] body) {
        return handle(GENERIC, headers, body);
    }

    private RestResponse<WebhookResult> handle(WebhookHost host, HttpHeaders headers, byte[] body) {
        WebhookResult result = webhooks.handle(host, headers::getHeaderString,
                headers.getHeaderString(HttpHeaders.CONTENT_TYPE), body == null ? new byte[0] : body);
        return RestResponse.status(RestResponse.Status.fromStatusCode(result.httpStatus()), result);
    }
}
