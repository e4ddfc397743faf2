package dev.quayside.edgerouter.client;

import dev.quayside.edgerouter.config.EdgeRouterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the {@link HaproxyClient} from {@code quayside.edge-router.haproxy.*}. */
class HaproxyClientProducer {

    @Produces
    @Singleton
    HaproxyClient haproxyClient(EdgeRouterConfig config, MeterRegistry registry) {
        EdgeRouterConfig.Haproxy haproxy = config.haproxy();
        java.nio.file.Path dir = haproxy.workDir();
        return new HaproxyClient(new HaproxyClient.Settings(haproxy.binary(),
                haproxy.configFile().orElse(dir.resolve("haproxy.cfg")),
                haproxy.masterSocket().orElse(dir.resolve("master.sock")), dir.resolve("haproxy.log"),
                haproxy.mode() == EdgeRouterConfig.Mode.SUPERVISE, haproxy.commandTimeout(),
                haproxy.parentDeathSignal()), registry);
    }
}
