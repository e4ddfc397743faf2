package dev.quayside.board.health;

import dev.quayside.board.client.TopicReader;
import dev.quayside.board.service.BoardView;
import dev.quayside.board.service.Views;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once every topic was read to the end it had when the board started: before that the view is incomplete (an
 * app would show an old version, a finished chain as running). Kafka itself is probed by Quarkus' Kafka check.
 */
@Readiness
@ApplicationScoped
class ViewReadiness implements HealthCheck {

    private final TopicReader reader;
    private final BoardView view;

    ViewReadiness(TopicReader reader, BoardView view) {
        this.reader = reader;
        this.view = view;
    }

    @Override
    public HealthCheckResponse call() {
        Views.Status status = view.status();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("board-view")
                .status(reader.caughtUp())
                .withData("records", status.records())
                .withData("partitionsBehind", reader.partitionsBehind());
        if (reader.rebuildTime() != null) {
            response.withData("rebuildMs", reader.rebuildTime().toMillis());
        }
        if (reader.lastError() != null) {
            response.withData("lastError", reader.lastError());
        }
        return response.build();
    }
}
