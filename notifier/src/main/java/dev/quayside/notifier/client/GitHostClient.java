package dev.quayside.notifier.client;

import dev.quayside.kit.retry.Retrier;
import dev.quayside.notifier.config.NotifierConfig;
import dev.quayside.notifier.config.NotifierConfig.ChannelConfig;
import dev.quayside.notifier.service.CommitStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

/**
 * Posts commit statuses to Git hosts (GitHub, GitLab, Gitea/Forgejo, Bitbucket Cloud and Server) in the shape each
 * documents ({@link CommitStatusRequests}), with the JDK's HTTP client: the channel's timeout, the same bounded retries
 * as the chat webhooks (5xx, 429, 408 and I/O errors; other 4xx are final) and the
 * {@code quayside.notifier.commit-status.requests} timer. Errors name the channel, never the token.
 */
@ApplicationScoped
public class GitHostClient {

    private final NotifierConfig config;
    private final MeterRegistry registry;
    private final Retrier retry;
    private final HttpClient http;

    GitHostClient(NotifierConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.retry = DeliveryException.retrier("commit status", config.retry());
        this.http = HttpClient.newBuilder().connectTimeout(config.retry().requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Posts {@code status} through {@code channel} (a checked {@code commit-status} channel); fails with a {@link DeliveryException}. */
    public Uni<Void> post(String channel, ChannelConfig c, CommitStatus status) {
        CommitStatusRequests.Request request = CommitStatusRequests.of(c.host().get(), c.url().get(), c.token().get(),
                c.username(), status);
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri()).timeout(config.retry().requestTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach(builder::header);
        HttpRequest httpRequest = builder.build();
        return retry.uni(() -> {
            long start = System.nanoTime();
            return Uni.createFrom().completionStage(() -> http.sendAsync(httpRequest, HttpResponse.BodyHandlers.ofString()))
                    .onItemOrFailure().transformToUni((response, failure) -> {
                        String result = failure != null ? "error" : Integer.toString(response.statusCode());
                        Timer.builder("quayside.notifier.commit-status.requests").tag("channel", channel)
                                .tag("host", c.host().get().name().toLowerCase()).tag("status", result)
                                .register(registry).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                        if (failure != null) {
                            return Uni.createFrom().failure(new DeliveryException(
                                    "channel '" + channel + "': " + DeliveryException.describe(failure), failure));
                        }
                        int code = response.statusCode();
                        if (code >= 200 && code < 300) {
                            return Uni.createFrom().voidItem();
                        }
                        return Uni.createFrom().failure(DeliveryException.ofStatus(channel, code, response.body()));
                    });
        });
    }
}
