package dev.quayside.registrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The Docker engine registrator follows ({@code quayside.docker.*}). */
@ConfigMapping(prefix = "quayside.docker")
public interface DockerConfig {

    /** The engine's address, e.g. {@code unix:///var/run/docker.sock} or {@code tcp://127.0.0.1:2375}. Default: {@code DOCKER_HOST}, else the Unix socket. */
    Optional<String> host();

    /** Timeout of each request (inspect, list, ping). */
    @WithDefault("10s")
    Duration timeout();
}
