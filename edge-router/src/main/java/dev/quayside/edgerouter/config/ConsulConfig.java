package dev.quayside.edgerouter.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.util.Optional;

/** Where Consul is: {@code quayside.consul.*}, shared by every Quayside service. */
@ConfigMapping(prefix = "quayside.consul")
public interface ConsulConfig {

    /** Consul's HTTP API. */
    @WithDefault("http://127.0.0.1:8500")
    URI url();

    /** ACL token sent as {@code X-Consul-Token}. */
    Optional<String> token();
}
