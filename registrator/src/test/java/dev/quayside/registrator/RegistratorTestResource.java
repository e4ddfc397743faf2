package dev.quayside.registrator;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points the registrator under test at this JVM's test containers only (a label filter) and gives it a host name of
 * its own, so the shared engine's other containers and other hosts' registrations stay out of its way.
 */
public class RegistratorTestResource implements QuarkusTestResourceLifecycleManager {

    private static TestContainers containers;

    /** The containers of this JVM's Quarkus tests (removed when the resource stops). */
    public static synchronized TestContainers containers() {
        if (containers == null) {
            containers = new TestContainers();
        }
        return containers;
    }

    /** The host name the registrator under test uses. */
    public static String hostname() {
        return "qt-" + containers().run();
    }

    @Override
    public Map<String, String> start() {
        return Map.of("quayside.registrator.hostname", hostname(),
                "quayside.registrator.container-label", containers().labelFilter(),
                "quayside.registrator.address", "127.0.0.1");
    }

    @Override
    public synchronized void stop() {
        if (containers != null) {
            containers.close();
        }
    }
}
