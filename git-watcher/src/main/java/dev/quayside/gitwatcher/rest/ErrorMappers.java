package dev.quayside.gitwatcher.rest;

import dev.quayside.gitwatcher.client.GitException;
import dev.quayside.gitwatcher.client.KafkaUnavailableException;
import dev.quayside.gitwatcher.service.webhook.WebhookResult;
import dev.quayside.kit.kafka.CompactedTopicUnavailableException;
import jakarta.ws.rs.NotFoundException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Errors of dependencies as JSON answers: Kafka unavailable → 503 (retry), a Git remote failing → 502. */
class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    RestResponse<WebhookResult> unavailable(KafkaUnavailableException e) {
        return serviceUnavailable(e.getMessage());
    }

    @ServerExceptionMapper
    RestResponse<WebhookResult> unavailable(CompactedTopicUnavailableException e) {
        return serviceUnavailable(e.getMessage());
    }

    private static RestResponse<WebhookResult> serviceUnavailable(String message) {
        LOG.warnf("answering 503: %s", message);
        return RestResponse.ResponseBuilder.create(RestResponse.Status.SERVICE_UNAVAILABLE,
                WebhookResult.error(503, message)).header("Retry-After", "5").build();
    }

    @ServerExceptionMapper
    RestResponse<WebhookResult> git(GitException e) {
        LOG.warnf("answering 502: %s", e.getMessage());
        return RestResponse.status(RestResponse.Status.BAD_GATEWAY, WebhookResult.error(502, e.getMessage()));
    }

    @ServerExceptionMapper
    RestResponse<WebhookResult> notFound(NotFoundException e) {
        return RestResponse.status(RestResponse.Status.NOT_FOUND, WebhookResult.error(404, e.getMessage()));
    }
}
