package dev.quayside.marathonapplier.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Where Consul is. */
@ConfigMapping(prefix = "quayside.consul")
public interface ConsulConfig {

    /** Consul's HTTP API, e.g. {@code http://127.0.0.1:8500}. */
    @WithDefault("http://127.0.0.1:8500")
    String url();

    /** ACL token sent as {@code X-Consul-Token}. */
    Optional<String> token();
}
