package dev.quayside.board.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quayside.board.config.BoardConfig;
import dev.quayside.kit.security.OperatorGuard;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * config-syncer, for what a person decides there: the promotions waiting ({@code GET /api/promotions}) and a decision
 * on one ({@code POST /api/promotions/{repository}/{app}/{environment}/approve|reject}); the apps suspended
 * ({@code GET /api/suspensions}) and a suspension, resumption or rollback of an app in an environment
 * ({@code POST /api/apps/{app}/{environment}/suspend|resume|rollback}, each a commit in the config repository). Each
 * with the operator token as a bearer token. One attempt; timed in {@code quayside.board.config-syncer}.
 */
@ApplicationScoped
public class ConfigSyncerClient {

    /** What a person may decide about a waiting promotion. */
    public enum Decision {
        APPROVE, REJECT;

        public String path() {
            return name().toLowerCase();
        }
    }

    /** What a person may do to an app's automation in one environment. */
    public enum Steering {
        SUSPEND, RESUME, ROLLBACK;

        public String path() {
            return name().toLowerCase();
        }
    }

    private final ConfigSyncerApi api;
    private final OperatorGuard operator;
    private final ObjectMapper json;
    private final MeterRegistry metrics;

    ConfigSyncerClient(BoardConfig config, OperatorGuard operator, ObjectMapper json, MeterRegistry metrics) {
        this.operator = operator;
        this.json = json;
        this.metrics = metrics;
        this.api = ServiceAnswer.client(config.configSyncer().url(), config.configSyncer().timeout(), ConfigSyncerApi.class);
    }

    /** The promotions waiting for a gate. */
    public ServiceAnswer pending() {
        return ServiceAnswer.call(() -> api.pending(bearer()), "config-syncer", json, metrics,
                "quayside.board.config-syncer", "pending");
    }

    /** Approves or rejects the promotion of {@code app} into {@code environment}; {@code body} is passed on as is. */
    public ServiceAnswer decide(String repository, String app, String environment, Decision decision, String body) {
        return ServiceAnswer.call(() -> api.decide(repository, app, environment, decision.path(), bearer(),
                orEmpty(body)), "config-syncer", json, metrics,
                "quayside.board.config-syncer", decision.path());
    }

    /** The apps suspended, per environment. */
    public ServiceAnswer suspensions() {
        return ServiceAnswer.call(() -> api.suspensions(bearer()), "config-syncer", json, metrics,
                "quayside.board.config-syncer", "suspensions");
    }

    /** Suspends, resumes or rolls back {@code app} in {@code environment}; {@code body} is passed on as is. */
    public ServiceAnswer steer(String app, String environment, Steering steering, String body) {
        return ServiceAnswer.call(() -> api.steer(app, environment, steering.path(), bearer(), orEmpty(body)),
                "config-syncer", json, metrics, "quayside.board.config-syncer", steering.path());
    }

    private static String orEmpty(String body) {
        return body == null || body.isBlank() ? "{}" : body;
    }

    private String bearer() {
        return operator.token().map(t -> "Bearer " + t.reveal()).orElse(null);
    }
}
