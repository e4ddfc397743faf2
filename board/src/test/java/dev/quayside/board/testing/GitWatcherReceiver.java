package dev.quayside.board.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Quarkus test resource: a {@link LoopbackGitWatcher} that {@code quayside.board.git-watcher.url} points at. */
public class GitWatcherReceiver implements QuarkusTestResourceLifecycleManager {

    /** The receiver of the running test class (one per JVM at a time). */
    public static volatile LoopbackGitWatcher receiver;

    @Override
    public Map<String, String> start() {
        receiver = LoopbackGitWatcher.start();
        return Map.of("quayside.board.git-watcher.url", receiver.url());
    }

    @Override
    public void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }
}
