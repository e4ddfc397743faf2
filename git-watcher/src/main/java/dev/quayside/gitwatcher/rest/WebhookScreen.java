package dev.quayside.gitwatcher.rest;

import dev.quayside.gitwatcher.service.webhook.WebhookHosts;
import dev.quayside.gitwatcher.service.webhook.WebhookResult;
import dev.quayside.gitwatcher.service.webhook.WebhookService;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * Refuses a webhook request its headers already refuse (no JSON content type, no event header, no signature header)
 * before its body is read: with {@code Expect: 100-continue} the body is not even sent.
 */
class WebhookScreen {

    private final WebhookService webhooks;

    WebhookScreen(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @ServerRequestFilter
    Optional<RestResponse<WebhookResult>> screen(ContainerRequestContext request, SimpleResourceInfo resource) {
        if (resource.getResourceClass() != WebhookResource.class) {
            return Optional.empty();
        }
        return WebhookHosts.byPath(request.getUriInfo().getPathParameters().getFirst("host"))
                .flatMap(host -> webhooks.screen(host, request::getHeaderString,
                        request.getHeaderString(HttpHeaders.CONTENT_TYPE)))
                .map(refused -> RestResponse.status(RestResponse.Status.fromStatusCode(refused.httpStatus()),
                        refused));
    }
}
