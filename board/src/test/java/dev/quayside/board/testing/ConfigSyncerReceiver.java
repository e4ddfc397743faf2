package dev.quayside.board.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Quarkus test resource: a {@link LoopbackConfigSyncer} that {@code quayside.board.config-syncer.url} points at. */
public class ConfigSyncerReceiver implements QuarkusTestResourceLifecycleManager {

    /** The receiver of the running test class (one per JVM at a time). */
    public static volatile LoopbackConfigSyncer receiver;

    @Override
    public Map<String, String> start() {
        receiver = LoopbackConfigSyncer.start();
        return Map.of("quayside.board.config-syncer.url", receiver.url());
    }

    @Override
    public void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }
}
