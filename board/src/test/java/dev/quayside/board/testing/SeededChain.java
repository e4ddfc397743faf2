package dev.quayside.board.testing;

import dev.quayside.devstack.kafka.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Publishes a whole chain (and its build log) to the real broker <em>before</em> the board starts, so a test can
 * check that the board rebuilt it from the topics by the time it is ready.
 */
public class SeededChain implements QuarkusTestResourceLifecycleManager {

    public static volatile String app;
    public static volatile String chainId;
    public static volatile String buildId;

    @Override
    public Map<String, String> start() {
        try (PipelineScript script = new PipelineScript(KafkaBroker.sharedBootstrapServers())) {
            PipelineScript.Chain chain = script.chain(PipelineScript.unique("seeded")).all("dev");
            app = chain.app;
            chainId = chain.id();
            buildId = chain.buildId;
        }
        return Map.of();
    }

    @Override
    public void stop() {
        // the events stay on the topics, as real ones would
    }
}
