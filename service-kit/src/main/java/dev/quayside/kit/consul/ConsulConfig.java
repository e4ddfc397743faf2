package dev.quayside.kit.consul;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where Consul is and how to reach it: {@code quayside.consul.*}, one mapping shared by every Quayside service. Read
 * it only through {@link ConsulConnection}, which turns it into Vert.x client options.
 */
@ConfigMapping(prefix = "quayside.consul")
public interface ConsulConfig {

    /** Consul's HTTP API (the local agent for registrator), {@code http://} or {@code https://}. */
    @WithDefault("http://127.0.0.1:8500")
    URI url();

    /**
     * ACL token sent as {@code X-Consul-Token}. When neither it nor {@link #tokenFile()} is set, the environment's
     * {@code CONSUL_HTTP_TOKEN} (or {@code CONSUL_HTTP_TOKEN_FILE}) is used, as Consul's own tools do.
     */
    Optional<String> token();

    /** A file holding the ACL token ({@code QUAYSIDE_CONSUL_TOKEN_FILE}); not with {@link #token()}. */
    Optional<Path> tokenFile();

    /** TLS towards an {@code https://} URL. */
    Tls tls();

    /** Time to open a connection. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Time one request may take (not a blocking query: see {@link #blockingWait()}). */
    @WithDefault("10s")
    Duration timeout();

    /** The {@code wait} of blocking queries (Consul's default 5m, at most 10m). */
    @WithDefault("5m")
    Duration blockingWait();

    /** TLS settings. */
    interface Tls {

        /** PEM file of the CA that signed Consul's certificate; the JVM's trust store when unset. */
        Optional<Path> caFile();

        /** Verify Consul's certificate and host name; turn off only for a test agent with a throw-away certificate. */
        @WithDefault("true")
        boolean verify();
    }
}
