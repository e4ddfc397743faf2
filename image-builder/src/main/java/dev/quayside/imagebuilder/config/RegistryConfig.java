package dev.quayside.imagebuilder.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The Docker registry images are pushed to. */
@ConfigMapping(prefix = "quayside.registry")
public interface RegistryConfig {

    /** host[:port] of the registry; the first segment of every image name. */
    @WithDefault("127.0.0.1:5000")
    String address();

    /**
     * {@code http} or {@code https} for the manifest look-ups. When unset: {@code http} for loopback addresses
     * (Docker treats 127.0.0.0/8 as insecure), {@code https} otherwise.
     */
    Optional<String> scheme();

    /** User for the push and the manifest look-ups; without it {@code ~/.docker/config.json} is used. */
    Optional<String> username();

    /** Password or token of {@link #username()}. */
    Optional<String> password();

    /** Timeout of one manifest request. */
    @WithDefault("10s")
    Duration requestTimeout();
}
