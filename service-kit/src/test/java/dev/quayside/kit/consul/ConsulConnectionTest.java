package dev.quayside.kit.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.vertx.ext.consul.ConsulClientOptions;
import io.vertx.mutiny.core.Vertx;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One typed config → the Vert.x Consul client's options and a raw web client with the same address and token. */
class ConsulConnectionTest {

    @TempDir
    Path dir;
    Vertx vertx;
    HttpServer consul;
    final List<String> tokens = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        consul = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        consul.createContext("/v1/status/leader", exchange -> {
            tokens.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Consul-Token")));
            byte[] body = "\"127.0.0.1:8300\"\n".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        consul.start();
    }

    @AfterEach
    void stop() {
        consul.stop(0);
        vertx.closeAndAwait();
    }

    static ConsulConfig config(String url, Optional<String> token, Optional<Path> tokenFile, Optional<Path> ca,
            boolean verify) {
        return new ConsulConfig() {
            public URI url() {
                return URI.create(url);
            }

            public Optional<String> token() {
                return token;
            }

            public Optional<Path> tokenFile() {
                return tokenFile;
            }

            public Tls tls() {
                return new Tls() {
                    public Optional<Path> caFile() {
                        return ca;
                    }

                    public boolean verify() {
                        return verify;
                    }
                };
            }

            public Duration connectTimeout() {
                return Duration.ofSeconds(2);
            }

            public Duration timeout() {
                return Duration.ofSeconds(7);
            }

            public Duration blockingWait() {
                return Duration.ofMinutes(5);
            }
        };
    }

    String url() {
        return "http://127.0.0.1:" + consul.getAddress().getPort();
    }

    @Test
    void theConsulClientAndTheWebClientBothSendTheTokenFromItsFile() throws Exception {
        Path file = Files.writeString(dir.resolve("consul-token"), "t0ken-from-file\n");
        ConsulConnection connection = new ConsulConnection(vertx, config(url(), Optional.empty(), Optional.of(file),
                Optional.empty(), true));
        var client = connection.newClient();
        var web = connection.newWebClient();
        try {
            assertThat(client.leaderStatus().await().atMost(Duration.ofSeconds(10))).startsWith("127.0.0.1:");
            assertThat(web.get("/v1/status/leader").send().await().atMost(Duration.ofSeconds(10)).statusCode())
                    .isEqualTo(200);
        } finally {
            client.close();
            web.close();
        }
        assertThat(tokens).containsExactly("t0ken-from-file", "t0ken-from-file");
        assertThat(connection.toString()).doesNotContain("t0ken");
    }

    @Test
    void optionsCarryTheAddressTimeoutsAndTls() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        ConsulConnection https = new ConsulConnection(vertx, config("https://consul.internal", Optional.of("t"),
                Optional.empty(), Optional.of(ca), true));
        ConsulClientOptions options = https.options();
        assertThat(options.getDefaultHost()).isEqualTo("consul.internal");
        assertThat(options.getDefaultPort()).isEqualTo(443);
        assertThat(options.isSsl()).isTrue();
        assertThat(options.getPemTrustOptions().getCertPaths()).containsExactly(ca.toString());
        assertThat(options.isTrustAll()).isFalse();
        assertThat(options.getTimeout()).isEqualTo(7000);
        assertThat(options.getConnectTimeout()).isEqualTo(2000);
        assertThat(options.getAclToken()).isEqualTo("t");
        assertThat(https.blockingOptions().getTimeout()).as("wait + wait/16 + 10 s")
                .isEqualTo(Duration.ofMinutes(5).plusMillis(18_750).plusSeconds(10).toMillis());

        ConsulClientOptions unverified = new ConsulConnection(vertx, config("https://127.0.0.1:8501", Optional.empty(),
                Optional.empty(), Optional.empty(), false)).options();
        assertThat(unverified.isTrustAll()).isTrue();
        assertThat(unverified.isVerifyHost()).isFalse();
        assertThat(unverified.getDefaultPort()).isEqualTo(8501);

        ConsulClientOptions plain = ConsulConnection.of(vertx, URI.create("http://127.0.0.1"), null,
                Duration.ofSeconds(3)).options();
        assertThat(plain.getDefaultPort()).isEqualTo(8500);
        assertThat(plain.isSsl()).isFalse();
        assertThat(plain.getAclToken()).isNull();
    }

    @Test
    void aBadUrlOrATokenGivenTwiceIsRefusedAtStart() throws Exception {
        assertThatThrownBy(() -> new ConsulConnection(vertx, config("consul:8500", Optional.empty(), Optional.empty(),
                Optional.empty(), true))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quayside.consul.url");
        Path file = Files.writeString(dir.resolve("t"), "x");
        assertThatThrownBy(() -> new ConsulConnection(vertx, config(url(), Optional.of("secret-value"),
                Optional.of(file), Optional.empty(), true))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quayside.consul.token-file").hasMessageNotContaining("secret-value");
        assertThat(new ConsulConnection(vertx, config("http://user:pw@127.0.0.1:8500", Optional.empty(),
                Optional.empty(), Optional.empty(), true)).url()).isEqualTo(URI.create("http://127.0.0.1:8500"));
    }
}
