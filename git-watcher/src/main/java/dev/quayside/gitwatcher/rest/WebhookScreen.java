package dev.quayside.gitwatcher.rest;

import dev.quayside.gitwatcher.config.GitWatcherConfig;
import dev.quayside.gitwatcher.service.webhook.WebhookHosts;
import dev.quayside.gitwatcher.service.webhook.WebhookResult;
import dev.quayside.gitwatcher.service.webhook.WebhookService;
import dev.quayside.kit.security.CallerBudgets;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * Refuses a webhook request before its body is read: from a caller whose refused webhooks used up its budget
 * ({@code refused-webhooks.*}: 429 with {@code Retry-After}), or one its headers already refuse (no JSON content type,
 * no event header, no signature header). With {@code Expect: 100-continue} the body is not even sent. Every webhook
 * answered 4xx (other than 429) counts against its caller's budget.
 */
class WebhookScreen {

    private static final Logger LOG = Logger.getLogger(WebhookScreen.class);

    private final WebhookService webhooks;
    private final CallerBudgets refusals;

    WebhookScreen(WebhookService webhooks, GitWatcherConfig config) {
        this.webhooks = webhooks;
        GitWatcherConfig.RefusedWebhooks budget = config.refusedWebhooks();
        this.refusals = new CallerBudgets("refused-webhooks", budget.perCaller(), budget.period(), budget.remembered());
    }

    @ServerRequestFilter
    Optional<RestResponse<WebhookResult>> screen(ContainerRequestContext request, SimpleResourceInfo resource,
            HttpServerRequest http) {
        if (resource.getResourceClass() != WebhookResource.class) {
            return Optional.empty();
        }
        String caller = caller(http);
        if (refusals.spent(caller)) {
            LOG.debugf("webhook from %s refused unread: too many refused webhooks", caller);
            return Optional.of(RestResponse.ResponseBuilder.create(RestResponse.Status.TOO_MANY_REQUESTS,
                    WebhookResult.error(429, "too many refused webhooks from " + caller + "; try again in "
                            + refusals.retryAfterSeconds() + " s"))
                    .header(HttpHeaders.RETRY_AFTER, refusals.retryAfterSeconds()).build());
        }
        return WebhookHosts.byPath(request.getUriInfo().getPathParameters().getFirst("host"))
                .flatMap(host -> webhooks.screen(host, request::getHeaderString,
                        request.getHeaderString(HttpHeaders.CONTENT_TYPE)))
                .map(refused -> RestResponse.status(RestResponse.Status.fromStatusCode(refused.httpStatus()),
                        refused));
    }

    @ServerResponseFilter
    void countRefusal(ContainerResponseContext response, SimpleResourceInfo resource, HttpServerRequest http) {
        int status = response.getStatus();
        if (resource != null && resource.getResourceClass() == WebhookResource.class && status >= 400 && status < 500
                && status != 429) {
            refusals.take(caller(http));
        }
    }

    private static String caller(HttpServerRequest http) {
        return CallerBudgets.callerOf(http == null ? null : http.remoteAddress());
    }
}
