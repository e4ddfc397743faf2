package dev.quayside.gitwatcher.service.webhook;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.quayside.gitwatcher.service.RepositoryRegistry;
import dev.quayside.gitwatcher.service.WatchedRepository;
import dev.quayside.gitwatcher.service.push.PushOutcome;
import dev.quayside.gitwatcher.service.push.PushService;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * A webhook request from headers and body to an answer. Nothing is emitted before the signature is verified, and an
 * unauthenticated caller learns nothing about which repositories are watched:
 * <ol>
 * <li>{@link #screen}: content type, event header and the presence of the signature header, from the headers alone,
 * before the body is read;</li>
 * <li>on a per-repository URL ({@code /webhooks/<host>/<repository>}) the signature is checked on the raw bytes, with
 * that repository's secret, before any parsing; on a host's shared URL the payload must be parsed first to name the
 * repository;</li>
 * <li>a repository that is not watched, one without a secret and a wrong signature get the same 401 (an HMAC is
 * computed in each case, with a random key where there is no secret);</li>
 * <li>then the ref updates go through the {@link PushService} (which de-duplicates them, delivery id included).</li>
 * </ol>
 */
@ApplicationScoped
public class WebhookService {

    private static final Logger LOG = Logger.getLogger(WebhookService.class);
    static final ObjectMapper MAPPER = JsonMapper.builder().build();
    /** The one answer to every request that is not authenticated, whatever the reason. */
    static final WebhookResult UNAUTHENTICATED = WebhookResult.error(401, "signature missing or wrong");

    private final RepositoryRegistry registry;
    private final PushService pushes;
    private final MeterRegistry meters;
    /** Verifies requests that have no secret to be verified with: they fail, after the same work. */
    private final String decoy;

    public WebhookService(RepositoryRegistry registry, PushService pushes, MeterRegistry meters) {
        this.registry = registry;
        this.pushes = pushes;
        this.meters = meters;
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.decoy = HexFormat.of().formatHex(random);
    }

    /**
     * The answer to a request that can be refused from its headers alone (before its body is read): a content type
     * other than JSON, no event header, no signature header. Empty when the body is worth reading.
     */
    public Optional<WebhookResult> screen(WebhookHost host, WebhookHost.Headers headers, String contentType) {
        WebhookResult refused = refusal(host, headers, contentType);
        if (refused == null) {
            return Optional.empty();
        }
        return Optional.of(counted(host, refused));
    }

    /**
     * Handles a request to a host's shared URL ({@code repository} null: the payload names it) or to a repository's own
     * URL.
     */
    public WebhookResult handle(WebhookHost host, String repository, WebhookHost.Headers headers, String contentType,
            byte[] body) {
        WebhookResult result = refusal(host, headers, contentType);
        if (result == null) {
            try {
                result = repository == null ? shared(host, headers, body) : own(host, repository, headers, body);
            } catch (Refused refused) {
                result = refused.result;
            }
        }
        return counted(host, result);
    }

    private WebhookResult counted(WebhookHost host, WebhookResult result) {
        meters.counter("quayside.git-watcher.webhooks", "host", host.kind().wireName(), "status",
                Integer.toString(result.httpStatus())).increment();
        if (result.httpStatus() >= 400) {
            LOG.debugf("%s webhook refused with %d: %s", host.kind().wireName(), result.httpStatus(), result.reason());
        }
        return result;
    }

    private static WebhookResult refusal(WebhookHost host, WebhookHost.Headers headers, String contentType) {
        if (!isJson(contentType)) {
            return WebhookResult.error(415, "expected Content-Type application/json, got "
                    + (contentType == null ? "none" : Payloads.abbreviate(contentType)));
        }
        if (host.event(headers) == null) {
            return WebhookResult.error(400, "no event header for " + host.kind().wireName());
        }
        return host.signature(headers) == null ? UNAUTHENTICATED : null;
    }

    /** A host's shared URL: parse to learn the repository, then verify with its secret (or the default one). */
    private WebhookResult shared(WebhookHost host, WebhookHost.Headers headers, byte[] body) {
        String deliveryId = host.deliveryId(headers);
        WebhookDelivery delivery = actedOn(host, headers, body);
        Optional<WatchedRepository> repository = delivery.repository() == null ? Optional.empty()
                : registry.match(delivery.repository());
        Optional<String> secret = repository.isPresent() ? repository.get().secret(registry.defaultSecret())
                : registry.defaultSecret();
        if (!verified(host, headers, body, secret)) {
            return UNAUTHENTICATED;
        }
        if (delivery.kind() == WebhookDelivery.Kind.PING) {
            return new WebhookResult(200, "pong", null, deliveryId, null);
        }
        if (repository.isEmpty()) { // only a sender holding the default secret learns this
            return WebhookResult.ignored("repository " + (delivery.repository() == null ? "(none)"
                    : delivery.repository()) + " is not watched", deliveryId);
        }
        return push(host, repository.get(), delivery, deliveryId);
    }

    /** A repository's own URL: verify the raw bytes with its secret first, then parse. */
    private WebhookResult own(WebhookHost host, String name, WebhookHost.Headers headers, byte[] body) {
        Optional<WatchedRepository> repository = registry.byName(name);
        Optional<String> secret = repository.flatMap(r -> r.secret(registry.defaultSecret()));
        if (!verified(host, headers, body, secret) || repository.isEmpty()) {
            return UNAUTHENTICATED;
        }
        String deliveryId = host.deliveryId(headers);
        WebhookDelivery delivery = actedOn(host, headers, body);
        if (delivery.repository() != null) {
            Optional<WatchedRepository> named = registry.match(delivery.repository());
            if (named.isPresent() && !named.get().name().equals(name)) {
                return WebhookResult.error(400, "the payload is for " + named.get().name() + ", not " + name);
            }
        }
        if (delivery.kind() == WebhookDelivery.Kind.PING) {
            return new WebhookResult(200, "pong", null, deliveryId, null);
        }
        return push(host, repository.get(), delivery, deliveryId);
    }

    /** One HMAC (or token digest) in every case: with the secret, or with a random key when there is none. */
    private boolean verified(WebhookHost host, WebhookHost.Headers headers, byte[] body, Optional<String> secret) {
        boolean matches = host.verify(headers, body, secret.filter(s -> !s.isEmpty()).orElse(decoy));
        return matches && secret.filter(s -> !s.isEmpty()).isPresent();
    }

    private WebhookResult push(WebhookHost host, WatchedRepository repository, WebhookDelivery delivery,
            String deliveryId) {
        PushService.Pushes pushed = pushes.submit(repository, delivery.refs(), host.kind(), deliveryId);
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

    /**
     * The body as the event its header claims: refused with a 400 saying why it is not, or answered 202 when the event
     * is not one git-watcher acts on.
     */
    private static WebhookDelivery actedOn(WebhookHost host, WebhookHost.Headers headers, byte[] body) {
        WebhookDelivery delivery = parse(host, headers, body);
        if (delivery.kind() == WebhookDelivery.Kind.IGNORED) {
            throw new Refused(WebhookResult.ignored(delivery.reason(), host.deliveryId(headers)));
        }
        return delivery;
    }

    private static WebhookDelivery parse(WebhookHost host, WebhookHost.Headers headers, byte[] body) {
        String event = host.event(headers);
        JsonNode root;
        try {
            root = body.length == 0 ? null : MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new Refused(WebhookResult.error(400, "not JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new Refused(WebhookResult.error(400, "unreadable body: " + e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            throw new Refused(WebhookResult.error(400, "empty body"));
        }
        try {
            return host.parse(event, root);
        } catch (WebhookPayloadException e) {
            throw new Refused(WebhookResult.error(400, "not a valid " + host.kind().wireName() + " '" + event
                    + "': " + e.getMessage()));
        }
    }

    /** A request answered while parsing (refused, or not acted on), with its answer. */
    private static final class Refused extends RuntimeException {

        private final transient WebhookResult result;

        Refused(WebhookResult result) {
            super(result.reason(), null, false, false);
            this.result = result;
        }
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }
}
