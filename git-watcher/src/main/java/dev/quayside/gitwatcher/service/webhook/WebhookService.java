package dev.quayside.gitwatcher.service.webhook;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.quayside.gitwatcher.config.GitWatcherConfig;
import dev.quayside.gitwatcher.service.RepositoryRegistry;
import dev.quayside.gitwatcher.service.WatchedRepository;
import dev.quayside.gitwatcher.service.push.PushOutcome;
import dev.quayside.gitwatcher.service.push.PushService;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * A webhook request from headers and body to an answer: content type, event header, JSON, payload, allow-list,
 * signature, then the ref updates through the {@link PushService} (which de-duplicates them, delivery id included).
 * Nothing is emitted before the signature is verified.
 */
@ApplicationScoped
public class WebhookService {

    private static final Logger LOG = Logger.getLogger(WebhookService.class);
    static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private final GitWatcherConfig config;
    private final RepositoryRegistry registry;
    private final PushService pushes;
    private final MeterRegistry meters;

    public WebhookService(GitWatcherConfig config, RepositoryRegistry registry, PushService pushes,
            MeterRegistry meters) {
        this.config = config;
        this.registry = registry;
        this.pushes = pushes;
        this.meters = meters;
    }

    public WebhookResult handle(WebhookHost host, WebhookHost.Headers headers, String contentType, byte[] body) {
        WebhookResult result = evaluate(host, headers, contentType, body);
        meters.counter("quayside.git-watcher.webhooks", "host", host.kind().wireName(), "status",
                Integer.toString(result.httpStatus())).increment();
        if (result.httpStatus() >= 400) {
            LOG.debugf("%s webhook refused with %d: %s", host.kind().wireName(), result.httpStatus(), result.reason());
        }
        return result;
    }

    private WebhookResult evaluate(WebhookHost host, WebhookHost.Headers headers, String contentType, byte[] body) {
        if (!isJson(contentType)) {
            return WebhookResult.error(415, "expected Content-Type application/json, got "
                    + (contentType == null ? "none" : Payloads.abbreviate(contentType)));
        }
        String event = host.event(headers);
        if (event == null) {
            return WebhookResult.error(400, "no event header for " + host.kind().wireName());
        }
        String deliveryId = host.deliveryId(headers);
        JsonNode root;
        try {
            root = body.length == 0 ? null : MAPPER.readTree(body);
        } catch (JacksonException e) {
            return WebhookResult.error(400, "not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return WebhookResult.error(400, "unreadable body: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            return WebhookResult.error(400, "empty body");
        }
        WebhookDelivery delivery;
        try {
            delivery = host.parse(event, root);
        } catch (WebhookPayloadException e) {
            return WebhookResult.error(400, "not a valid " + host.kind().wireName() + " '" + event + "': "
                    + e.getMessage());
        }
        if (delivery.kind() == WebhookDelivery.Kind.IGNORED) {
            return WebhookResult.ignored(delivery.reason(), deliveryId);
        }
        Optional<WatchedRepository> repository = delivery.repository() == null ? Optional.empty()
                : registry.match(delivery.repository());
        Optional<String> secret = repository.map(r -> r.secret(config.defaultSecret()))
                .orElse(config.defaultSecret());
        if (secret.isEmpty()) {
            if (repository.isEmpty()) {
                return notWatched(delivery, deliveryId);
            }
            return WebhookResult.error(401, "no webhook secret is configured for " + repository.get().name());
        }
        if (!host.verify(headers, body, secret.get())) {
            return WebhookResult.error(401, "signature missing or wrong");
        }
        if (delivery.kind() == WebhookDelivery.Kind.PING) {
            return new WebhookResult(200, "pong", null, deliveryId, null);
        }
        if (repository.isEmpty()) {
            return notWatched(delivery, deliveryId);
        }
        PushService.Pushes pushed = pushes.submit(repository.get(), delivery.refs(), host.kind(), deliveryId);
        if (pushed.seenDelivery()) {
            return new WebhookResult(200, "duplicate", "delivery " + deliveryId + " was already handled",
                    deliveryId, null);
        }
        List<PushOutcome> outcomes = pushed.outcomes();
        boolean anyEvent = outcomes.stream().anyMatch(o -> o.status() != PushOutcome.Status.SKIPPED);
        if (!anyEvent) {
            return new WebhookResult(202, "ignored", outcomes.stream().map(PushOutcome::reason)
                    .collect(Collectors.joining("; ")), deliveryId, outcomes);
        }
        boolean anyEmitted = outcomes.stream().anyMatch(o -> o.status() == PushOutcome.Status.EMITTED);
        return new WebhookResult(200, anyEmitted ? "accepted" : "duplicate", null, deliveryId, outcomes);
    }

    private static WebhookResult notWatched(WebhookDelivery delivery, String deliveryId) {
        return WebhookResult.ignored("repository " + (delivery.repository() == null ? "(none)"
                : delivery.repository()) + " is not watched", deliveryId);
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }
}
