package dev.quayside.notifier.client;

import dev.quayside.kit.retry.Retrier;
import dev.quayside.notifier.config.NotifierConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Posts JSON to incoming webhooks (Slack, Mattermost, Teams workflows, Google Chat, generic receivers) with the Quarkus
 * REST client: timeouts, bounded retries with back-off (5xx, 429, 408 and I/O errors; other 4xx are final) and the
 * {@code quayside.notifier.webhook.requests} timer. Webhook URLs carry secrets: errors name the channel, never the URL.
 */
@ApplicationScoped
public class ChatWebhookClient {

    private final NotifierConfig config;
    private final MeterRegistry registry;
    private final Retrier retry;
    private final Map<URI, WebhookApi> clients = new ConcurrentHashMap<>();

    ChatWebhookClient(NotifierConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.retry = DeliveryException.retrier("webhook delivery", config.retry());
    }

    /** Headers of the generic webhook; all null for chat services. */
    public record Headers(String event, String delivery, String signature) {
        public static final Headers NONE = new Headers(null, null, null);
    }

    /** Posts {@code body} to {@code url}, retrying as configured; fails with a {@link DeliveryException}. */
    public Uni<Void> post(String channel, URI url, byte[] body, Headers headers) {
        WebhookApi api = clients.computeIfAbsent(url, this::build);
        return retry.uni(() -> {
            long start = System.nanoTime();
            return api.post(headers.event(), headers.delivery(), headers.signature(), body)
                    .onItemOrFailure().transformToUni((response, failure) -> {
                        String result = failure != null ? "error" : Integer.toString(response.getStatus());
                        Timer.builder("quayside.notifier.webhook.requests").tag("channel", channel)
                                .tag("status", result).register(registry)
                                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                        if (failure != null) {
                            return Uni.createFrom().failure(new DeliveryException(
                                    "channel '" + channel + "': " + DeliveryException.describe(failure), failure));
                        }
                        return check(channel, response);
                    });
        });
    }

    private static Uni<Void> check(String channel, Response response) {
        int status = response.getStatus();
        if (status >= 200 && status < 300) {
            response.close();
            return Uni.createFrom().voidItem();
        }
        String body = "";
        try {
            if (response.hasEntity()) {
                body = response.readEntity(String.class);
            }
        } catch (RuntimeException ignored) {
            // the status says enough
        } finally {
            response.close();
        }
        return Uni.createFrom().failure(DeliveryException.ofStatus(channel, status, body));
    }

    private WebhookApi build(URI url) {
        long timeout = config.retry().requestTimeout().toMillis();
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(url)
                .connectTimeout(timeout, TimeUnit.MILLISECONDS)
                .readTimeout(timeout, TimeUnit.MILLISECONDS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(WebhookApi.class);
    }
}
