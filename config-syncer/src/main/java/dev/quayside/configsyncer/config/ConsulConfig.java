package dev.quayside.configsyncer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Where Consul is: {@code quayside.consul.*} (shared by every Quayside service). */
@ConfigMapping(prefix = "quayside.consul")
public interface ConsulConfig {

    /** Consul's HTTP API. */
    @WithDefault("http://127.0.0.1:8500")
    String url();

    /** ACL token sent as {@code X-Consul-Token}. */
    Optional<String> token();

    /** Timeout of one request. */
    @WithDefault("PT10S")
    Duration timeout();
}
