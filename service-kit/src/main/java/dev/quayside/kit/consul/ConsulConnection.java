package dev.quayside.kit.consul;

import dev.quayside.kit.security.Secret;
import dev.quayside.kit.security.Secrets;
import dev.quayside.kit.security.Urls;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.consul.ConsulClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.consul.ConsulClient;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.ext.web.client.WebClientSession;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The one place that turns {@link ConsulConfig} into Vert.x clients: the {@link ConsulClientOptions} (address, TLS,
 * ACL token, timeouts) for the Vert.x Consul client, and a raw {@link WebClient} with the same address, TLS and token
 * for the calls that client lacks ({@code /v1/txn} with its HTTP status, checks with a timeout, ...). Each service keeps
 * its own Consul operations in its own {@code client/} class, built on these; the caller closes what it creates.
 */
@ApplicationScoped
public class ConsulConnection {

    /** The header Consul reads the ACL token from. */
    public static final String TOKEN_HEADER = "X-Consul-Token";

    private final Vertx vertx;
    private final Settings settings;

    @Inject
    ConsulConnection(Vertx vertx, ConsulConfig config) {
        this(vertx, Settings.of(config));
    }

    private ConsulConnection(Vertx vertx, Settings settings) {
        this.vertx = vertx;
        this.settings = settings;
    }

    /** A connection outside CDI (tests, benchmarks): plain HTTP to {@code url}, with {@code token} if not null. */
    public static ConsulConnection of(Vertx vertx, URI url, String token, Duration timeout) {
        Optional<Secret> secret = Optional.ofNullable(token).filter(t -> !t.isBlank())
                .map(t -> Secret.of(t, "quayside.consul.token"));
        return new ConsulConnection(vertx, new Settings(url, secret, Optional.empty(), true, Duration.ofSeconds(5),
                timeout, Duration.ofMinutes(5)));
    }

    /** Consul's URL, without any user info (for logs and health data). */
    public URI url() {
        return Urls.redact(settings.url());
    }

    /** The ACL token, if any. */
    public Optional<Secret> token() {
        return settings.token();
    }

    /** Time one request may take. */
    public Duration timeout() {
        return settings.timeout();
    }

    /** The {@code wait} of blocking queries. */
    public Duration blockingWait() {
        return settings.blockingWait();
    }

    /** Options for ordinary requests: each bounded by {@link #timeout()}. */
    public ConsulClientOptions options() {
        return options(settings.timeout());
    }

    /**
     * Options for blocking queries: a request may take {@link #blockingWait()} plus the up to {@code wait/16} Consul
     * adds, plus a margin; kept-alive connections, and a pool large enough for one query per watched service.
     */
    public ConsulClientOptions blockingOptions() {
        Duration wait = settings.blockingWait();
        return options(wait.plus(wait.dividedBy(16)).plusSeconds(10)).setMaxPoolSize(1024).setTcpKeepAlive(true);
    }

    /** Options whose requests are bounded by {@code requestTimeout}. */
    public ConsulClientOptions options(Duration requestTimeout) {
        URI url = settings.url();
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        ConsulClientOptions options = new ConsulClientOptions()
                .setHost(url.getHost())
                .setPort(url.getPort() > 0 ? url.getPort() : https ? 443 : 8500)
                .setSsl(https)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
                .setTimeout(requestTimeout.toMillis());
        if (https) {
            settings.caFile().ifPresent(ca -> options.setPemTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
            if (!settings.verify()) {
                options.setTrustAll(true).setVerifyHost(false);
            }
        }
        settings.token().ifPresent(t -> options.setAclToken(t.reveal()));
        return options;
    }

    /** A new Vert.x Consul client for ordinary requests. */
    public ConsulClient newClient() {
        return ConsulClient.create(vertx, options());
    }

    /** A new Vert.x Consul client for blocking queries ({@link #blockingOptions()}). */
    public ConsulClient newBlockingClient() {
        return ConsulClient.create(vertx, blockingOptions());
    }

    /**
     * A new raw HTTP client on Consul's address and TLS, sending the ACL token with every request; paths are Consul's
     * ({@code /v1/txn}). Set a per-request timeout ({@link #timeout()}) on each request.
     */
    public WebClient newWebClient() {
        WebClient web = WebClient.create(vertx, options());
        if (settings.token().isEmpty()) {
            return web;
        }
        return WebClientSession.create(web).addHeader(TOKEN_HEADER, settings.token().get().reveal());
    }

    @Override
    public String toString() {
        return "Consul at " + url() + (settings.token().isPresent() ? " with a token" : "");
    }

    /** The configuration, resolved (token files read). */
    record Settings(URI url, Optional<Secret> token, Optional<Path> caFile, boolean verify, Duration connectTimeout,
            Duration timeout, Duration blockingWait) {

        static Settings of(ConsulConfig config) {
            URI url = config.url();
            if (url.getHost() == null || !("http".equalsIgnoreCase(url.getScheme())
                    || "https".equalsIgnoreCase(url.getScheme()))) {
                throw new IllegalArgumentException("quayside.consul.url must be an http:// or https:// URL with a host, "
                        + "not " + Urls.redact(url.toString()));
            }
            Optional<Secret> token = Secrets.fromValueOrFile("quayside.consul.token", config.token(), config.tokenFile())
                    .or(() -> Secrets.fromEnvironment("CONSUL_HTTP_TOKEN"));
            return new Settings(url, token, config.tls().caFile(), config.tls().verify(), config.connectTimeout(),
                    config.timeout(), config.blockingWait());
        }
    }
}
