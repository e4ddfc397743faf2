package dev.quayside.board.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quayside.board.config.BoardConfig;
import dev.quayside.kit.security.OperatorGuard;
import dev.quayside.kit.security.Secret;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * git-watcher, for the "sync now" action: {@code POST /repositories/{name}/sync} with the operator token as a bearer
 * token. One attempt (a person pressed a button and waits for the answer); timed in {@code quayside.board.git-watcher}.
 */
@ApplicationScoped
public class GitWatcherClient {

    /**
     * git-watcher's answer.
     *
     * @param status its HTTP status, or 0 when it did not answer
     * @param body   its JSON answer, or null
     * @param error  why there is no answer, or null
     */
    public record SyncResult(int status, JsonNode body, String error) {
    }

    private final GitWatcherApi api;
    private final OperatorGuard operator;
    private final ObjectMapper json;
    private final MeterRegistry metrics;

    GitWatcherClient(BoardConfig config, OperatorGuard operator, ObjectMapper json, MeterRegistry metrics) {
        this.operator = operator;
        this.json = json;
        this.metrics = metrics;
        this.api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(config.gitWatcher().url()))
                .connectTimeout(2, TimeUnit.SECONDS)
                .readTimeout(config.gitWatcher().timeout().toMillis(), TimeUnit.MILLISECONDS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(GitWatcherApi.class);
    }

    /** Asks git-watcher to poll {@code repository} now. */
    public SyncResult sync(String repository) {
        Timer.Sample sample = Timer.start(metrics);
        String outcome = "error";
        try (Response response = api.sync(repository, operator.token().map(t -> "Bearer " + t.reveal()).orElse(null))) {
            outcome = String.valueOf(response.getStatus());
            String text = response.hasEntity() ? response.readEntity(String.class) : "";
            JsonNode body = null;
            if (!text.isBlank()) {
                try {
                    body = json.readTree(text);
                } catch (java.io.IOException e) {
                    body = json.getNodeFactory().textNode(text);
                }
            }
            return new SyncResult(response.getStatus(), body, null);
        } catch (ProcessingException e) {
            return new SyncResult(0, null, "git-watcher did not answer: " + rootMessage(e));
        } finally {
            sample.stop(metrics.timer("quayside.board.git-watcher", "call", "sync", "outcome", outcome));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
