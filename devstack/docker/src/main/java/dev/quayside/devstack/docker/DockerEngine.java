package dev.quayside.devstack.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.time.Duration;

/**
 * The local Docker engine (Debian's {@code docker.io}, started by {@code bin/quayside setup}). Tests and the local run
 * use it for real; this class only connects and says clearly when no daemon answers.
 */
public final class DockerEngine {

    private DockerEngine() {
    }

    /** A client for {@code DOCKER_HOST}, or {@code unix:///var/run/docker.sock} when unset. */
    public static DockerClient client() {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        ZerodepDockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(10))
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    /** A client for a daemon that answers a ping, or an exception that says how to start one. */
    public static DockerClient requireRunning() {
        DockerClient client = client();
        try {
            client.pingCmd().exec();
            return client;
        } catch (RuntimeException e) {
            throw new IllegalStateException("No Docker engine answers at "
                    + DefaultDockerClientConfig.createDefaultConfigBuilder().build().getDockerHost()
                    + ": run `bin/quayside setup` (as root it installs docker.io and starts dockerd)", e);
        }
    }
}
