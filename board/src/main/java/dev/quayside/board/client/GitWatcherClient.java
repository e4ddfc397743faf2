package dev.quayside.board.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quayside.board.config.BoardConfig;
import dev.quayside.kit.security.OperatorGuard;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * git-watcher, for the "sync now" action: {@code POST /repositories/{name}/sync} with the operator token as a bearer
 * token. One attempt (a person pressed a button and waits for the answer); timed in {@code quayside.board.git-watcher}.
 */
@ApplicationScoped
public class GitWatcherClient {

    private final GitWatcherApi api;
    private final OperatorGuard operator;
    private final ObjectMapper json;
    private final MeterRegistry metrics;

    GitWatcherClient(BoardConfig config, OperatorGuard operator, ObjectMapper json, MeterRegistry metrics) {
        this.operator = operator;
        this.json = json;
        this.metrics = metrics;
        this.api = ServiceAnswer.client(config.gitWatcher().url(), config.gitWatcher().timeout(), GitWatcherApi.class);
    }

    /** Asks git-watcher to poll {@code repository} now. */
    public ServiceAnswer sync(String repository) {
        return ServiceAnswer.call(() -> api.sync(repository, operator.token().map(t -> "Bearer " + t.reveal())
                .orElse(null)), "git-watcher", json, metrics, "quayside.board.git-watcher", "sync");
    }
}
