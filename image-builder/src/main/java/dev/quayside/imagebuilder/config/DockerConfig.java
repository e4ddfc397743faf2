package dev.quayside.imagebuilder.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The Docker engine builds run on. */
@ConfigMapping(prefix = "quayside.docker")
public interface DockerConfig {

    /**
     * The engine, e.g. {@code unix:///var/run/docker.sock} or {@code tcp://127.0.0.1:2375}. When unset,
     * {@code DOCKER_HOST} and then {@code unix:///var/run/docker.sock}.
     */
    Optional<String> host();

    /** Timeout for connecting to the engine. */
    @WithDefault("5s")
    Duration connectTimeout();
}
