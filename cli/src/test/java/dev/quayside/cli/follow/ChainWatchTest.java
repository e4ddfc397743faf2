package dev.quayside.cli.follow;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.quayside.cli.api.Api;
import dev.quayside.cli.client.BoardClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The follow logic on its own, against a loopback server that sends chain states the way the board can: a later stage
 * done before an earlier one is known (the board reads each topic on its own), and a stream that drops halfway.
 */
class ChainWatchTest {

    static final Instant T0 = Instant.parse("2026-11-27T16:10:34Z");

    HttpServer server;
    final List<String> paths = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().toString());
            boolean first = paths.size() == 1;
            StringBuilder body = new StringBuilder();
            if (first) {
                // config still pending while its sync is already known; then the stream drops
                body.append(event(chain("running", stage("push", "succeeded"), stage("build", "succeeded"),
                        stage("image", "succeeded"), stage("config", "pending"), stage("sync", "succeeded"))));
            } else {
                body.append(event(chain("running", stage("push", "succeeded"), stage("build", "succeeded"),
                        stage("image", "succeeded"), stage("config", "succeeded"), stage("sync", "succeeded"),
                        stage("deploy:dev/shop", "running"))));
                body.append(event(chain("live", stage("push", "succeeded"), stage("build", "succeeded"),
                        stage("image", "succeeded"), stage("config", "succeeded"), stage("sync", "succeeded"),
                        stage("deploy:dev/shop", "succeeded"))));
            }
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void stagesAreToldInPipelineOrderAndADroppedStreamIsFollowedAgainByChainId() {
        List<String> told = new ArrayList<>();
        List<String> reconnects = new ArrayList<>();
        ChainWatch.Outcome outcome = new ChainWatch(new BoardClient("http://127.0.0.1:" + server.getAddress().getPort()))
                .follow(Target.parse("shop@0fb1cc4"), Duration.ofSeconds(20), new ChainWatch.Listener() {
                    @Override
                    public void stage(Api.Stage stage, Api.Chain chain) {
                        told.add(stage.key() + "=" + stage.state());
                    }

                    @Override
                    public void reconnecting(String reason) {
                        reconnects.add(reason);
                    }
                });
        assertThat(told).containsExactly("push=succeeded", "build=succeeded", "image=succeeded", "config=succeeded",
                "sync=succeeded", "deploy:dev/shop=running", "deploy:dev/shop=succeeded");
        assertThat(outcome.result()).isEqualTo(ChainWatch.Result.SUCCEEDED);
        assertThat(outcome.exitCode()).isZero();
        assertThat(reconnects).containsExactly("the stream ended early");
        assertThat(paths).containsExactly("/api/chains/stream?repo=shop&commit=0fb1cc4", "/api/chains/c1/stream");
    }

    static Api.Stage stage(String key, String state) {
        return new Api.Stage(key, key, state, "pending".equals(state) ? null : T0, null, null, null, null, null, Map.of());
    }

    static Api.Chain chain(String status, Api.Stage... stages) {
        return new Api.Chain("c1", "app", "shop", "refs/heads/main", "0fb1cc4f4e20aa0fb1cc4f4e20aa0fb1cc4f4e20", "m",
                "a", T0, status, null, null, null, List.of("shop"), "b1", List.of(stages), Map.of(), T0, null);
    }

    static String event(Api.Chain chain) {
        return "event: chain\ndata: " + BoardClient.toJson(chain) + "\n\n";
    }
}
