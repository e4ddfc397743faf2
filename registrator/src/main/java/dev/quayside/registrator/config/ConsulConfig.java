package dev.quayside.registrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The local Consul agent ({@code quayside.consul.*}). */
@ConfigMapping(prefix = "quayside.consul")
public interface ConsulConfig {

    /** The agent's HTTP API. */
    @WithDefault("http://127.0.0.1:8500")
    String url();

    /** ACL token sent as {@code X-Consul-Token} (defaults to {@code CONSUL_HTTP_TOKEN}). */
    Optional<String> token();

    /** Timeout of each Consul request. */
    @WithDefault("5s")
    Duration timeout();
}
