package dev.quayside.devstack.marathon;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource: starts a Marathon and Chronos stand-in on random ports of 127.0.0.1 and points
 * {@code quayside.marathon.url} and {@code quayside.chronos.url} at it; stops it (and every container it started)
 * after the test class. Init args: {@code deploymentTimeoutSeconds}, {@code defaultImage}.
 */
public class MarathonStandInResource implements QuarkusTestResourceLifecycleManager {

    private MarathonStandIn standIn;
    private MarathonStandIn.Options options = new MarathonStandIn.Options();

    @Override
    public void init(Map<String, String> initArgs) {
        if (initArgs.containsKey("deploymentTimeoutSeconds")) {
            options.deploymentTimeout(java.time.Duration.ofSeconds(
                    Long.parseLong(initArgs.get("deploymentTimeoutSeconds"))));
        }
        if (initArgs.containsKey("defaultImage")) {
            options.defaultImage(initArgs.get("defaultImage"));
        }
    }

    @Override
    public Map<String, String> start() {
        standIn = MarathonStandIn.start(options);
        return Map.of("quayside.marathon.url", standIn.marathonUrl(), "quayside.chronos.url", standIn.chronosUrl());
    }

    @Override
    public void stop() {
        if (standIn != null) {
            standIn.close();
            standIn = null;
        }
    }

    /** The running stand-in (for tests that inject it with {@code @InjectTestResource}-style helpers). */
    public MarathonStandIn standIn() {
        return standIn;
    }
}
