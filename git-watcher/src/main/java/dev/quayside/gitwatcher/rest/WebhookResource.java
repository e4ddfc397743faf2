package dev.quayside.gitwatcher.rest;

import dev.quayside.gitwatcher.service.webhook.WebhookHost;
import dev.quayside.gitwatcher.service.webhook.WebhookHosts;
import dev.quayside.gitwatcher.service.webhook.WebhookResult;
import dev.quayside.gitwatcher.service.webhook.WebhookService;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Push webhooks of each Git host: {@code /webhooks/<host>} (the payload names the repository) and
 * {@code /webhooks/<host>/<repository>} (the URL does: the signature is checked before the body is parsed). Requests
 * that their headers already refuse never get here ({@link WebhookScreen}). Body limit:
 * {@code quarkus.http.limits.max-body-size}, 413 beyond.
 */
@Path("/webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {

    private final WebhookService webhooks;

    public WebhookResource(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    /** {@code github}, {@code gitlab}, {@code gitea} (and Forgejo, Gogs), {@code bitbucket}, {@code bitbucket-server}, {@code generic}. */
    @POST
    @Path("{host}")
    public RestResponse<WebhookResult> shared(@PathParam("host") String host, HttpHeaders headers, byte[] body) {
        return handle(host, null, headers, body);
    }

    @POST
    @Path("{host}/{repository}")
    public RestResponse<WebhookResult> own(@PathParam("host") String host, @PathParam("repository") String repository,
            HttpHeaders headers, byte[] body) {
        return handle(host, repository, headers, body);
    }

    static WebhookHost host(String path) {
        return WebhookHosts.byPath(path).orElseThrow(() -> new NotFoundException("no webhook endpoint " + path));
    }

    private RestResponse<WebhookResult> handle(String host, String repository, HttpHeaders headers, byte[] body) {
        WebhookResult result = webhooks.handle(host(host), repository, headers::getHeaderString,
                headers.getHeaderString(HttpHeaders.CONTENT_TYPE), body == null ? new byte[0] : body);
        return RestResponse.status(RestResponse.Status.fromStatusCode(result.httpStatus()), result);
    }
}
