package dev.quayside.board.service;

import dev.quayside.board.client.MarathonClient;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Asks Marathon for the instances of every app the board shows as running, every
 * {@code quayside.board.marathon.poll-interval} ({@code off} turns it off). Events say what was deployed; only Marathon
 * knows how many of it are healthy now.
 */
@ApplicationScoped
class InstancesPoller {

    private final BoardView view;
    private final MarathonClient marathon;

    InstancesPoller(BoardView view, MarathonClient marathon) {
        this.view = view;
        this.marathon = marathon;
    }

    @Scheduled(every = "${quayside.board.marathon.poll-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        if (!view.isCaughtUp()) {
            return;
        }
        for (Map.Entry<String, Map<String, String>> env : view.marathonApps().entrySet()) {
            for (Map.Entry<String, String> app : env.getValue().entrySet()) {
                MarathonClient.Instances instances = marathon.instances(env.getKey(), app.getValue());
                view.instances(app.getKey(), env.getKey(), instances.healthy(), instances.wanted(), instances.error());
            }
        }
    }
}
