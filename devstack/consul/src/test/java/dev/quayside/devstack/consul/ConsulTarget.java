package dev.quayside.devstack.consul;

import io.vertx.ext.consul.ConsulClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.consul.ConsulClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * What the contract tests talk to: a real Consul when {@code CONSUL_HTTP_ADDR} is set (token from
 * {@code CONSUL_HTTP_TOKEN}), otherwise a fresh {@link ConsulStandIn}.
 */
final class ConsulTarget implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    final ConsulStandIn standIn;
    final String host;
    final int port;
    final String token;
    final Vertx vertx = Vertx.vertx();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ConsulTarget(ConsulStandIn standIn, String host, int port, String token) {
        this.standIn = standIn;
        this.host = host;
        this.port = port;
        this.token = token;
    }

    static ConsulTarget start() {
        return start(ConsulStandIn.Options.defaults());
    }

    static ConsulTarget start(ConsulStandIn.Options options) {
        String address = System.getenv("CONSUL_HTTP_ADDR");
        if (address != null && !address.isBlank()) {
            URI uri = URI.create(address.contains("://") ? address : "http://" + address);
            return new ConsulTarget(null, uri.getHost(), uri.getPort() < 0 ? 8500 : uri.getPort(),
                    System.getenv("CONSUL_HTTP_TOKEN"));
        }
        ConsulStandIn standIn = ConsulStandIn.start(options);
        return new ConsulTarget(standIn, "127.0.0.1", standIn.port(), standIn.aclToken());
    }

    boolean isStandIn() {
        return standIn != null;
    }

    /** Skips (with the reason printed) a test that needs the stand-in's own hooks. */
    void assumeStandIn(String why) {
        Assumptions.assumeTrue(isStandIn(), "needs the stand-in, not the real Consul at CONSUL_HTTP_ADDR: " + why);
    }

    ConsulClientOptions options() {
        ConsulClientOptions options = new ConsulClientOptions().setHost(host).setPort(port);
        if (token != null) {
            options.setAclToken(token);
        }
        return options;
    }

    ConsulClient client() {
        return ConsulClient.create(vertx, options());
    }

    String url() {
        return "http://" + host + ":" + port;
    }

    /** A key prefix of its own, so tests never see each other's keys (also against a shared real Consul). */
    static String uniquePrefix(String name) {
        return "quayside-test/" + name + "-" + UUID.randomUUID().toString().substring(0, 8) + "/";
    }

    HttpResponse<String> send(String method, String pathAndQuery, String body) {
        return send(method, pathAndQuery, body, token);
    }

    HttpResponse<String> send(String method, String pathAndQuery, String body, String withToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (withToken != null) {
            request.header("X-Consul-Token", withToken);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(method + " " + pathAndQuery + " failed: " + e, e);
        }
    }

    HttpResponse<byte[]> sendBytes(String method, String pathAndQuery, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("X-Consul-Token", token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new AssertionError(method + " " + pathAndQuery + " failed: " + e, e);
        }
    }

    @Override
    public void close() {
        vertx.closeAndAwait();
        if (standIn != null) {
            standIn.close();
        }
    }
}
