package dev.quayside.marathonapplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.quayside.devstack.consul.ConsulStandInResource;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.devstack.marathon.MarathonStandInResource;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.PipelineEvent;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceUpgraded;
import dev.quayside.marathonapplier.client.MarathonClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sync delivered again, or a PUT sent again, never reports or starts what the first one did not (issue #21, items 3
 * and 8): a redelivered sync whose definition Marathon is still deploying follows that deployment to its end, and a
 * PUT whose answer was lost (here a gateway that passes the PUT to Marathon and answers 502) is not sent twice.
 */
@QuarkusTest
@TestProfile(RedeliveryTest.LossyGateway.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ConsulStandInResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = MarathonStandInResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "deploymentTimeoutSeconds", value = "12"))
class RedeliveryTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Gateway GATEWAY = Gateway.start();

    /** The {@code lossy} environment's Marathon is behind {@link #GATEWAY}; quick retries; no drift pass. */
    public static class LossyGateway implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quayside.marathon-applier.environments.lossy.marathon-url", GATEWAY.url(),
                    "quayside.marathon-applier.retry.initial-delay", "200ms",
                    "quayside.marathon-applier.drift-interval", "off");
        }
    }

    @Inject
    Stack stack;

    @Inject
    MarathonClient client;

    @AfterAll
    static void stop() {
        GATEWAY.server.stop(0);
    }

    @BeforeEach
    void pointTheGateway() {
        GATEWAY.target = stack.marathon();
    }

    @Test
    void aRedeliveredSyncFollowsTheDeploymentItsFirstDeliveryStarted() throws Exception {
        // the first delivery sent this definition, then the applier died: Marathon deploys it, and it never gets
        // healthy (the stand-in ends the deployment after 12 s)
        String file = "marathon/staging/inflight.json";
        String definition = MarathonApplierTest.app("/staging/inflight", MarathonApplierTest.V1, 1, "/no-such-page");
        ObjectNode sent = (ObjectNode) JSON.readTree(definition);
        sent.putObject("labels").put("quayside.file", file);
        URI inflight = URI.create(stack.marathon() + "/v2/apps/staging/inflight");
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(inflight)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(sent.toString()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isBetween(200, 201);

        ConfigSyncs.putKv(stack.consul(), file, definition);
        EventEnvelope<ConfigSynced> sync = ConfigSyncs.of("r1", List.of(ConfigSyncs.PREFIX + file), List.of());
        ConfigSyncs.publish(stack.bootstrap(), sync);

        DeploymentFailed failed = await().atMost(Duration.ofSeconds(60))
                .alias("the redelivered sync's DeploymentFailed")
                .until(() -> first(sync.chainId(), DeploymentFailed.class), java.util.Objects::nonNull);
        assertThat(failed.reason()).isEqualTo(DeploymentFailed.Reason.HEALTH_CHECK);
        assertThat(outcomesOf(sync.chainId())).as("no 'unchanged' success for a deployment that failed")
                .noneMatch(e -> e instanceof ServiceUpgraded || e instanceof ServiceDeployed);
    }

    @Test
    void aPutWhoseAnswerWasLostIsNotSentAgain() throws Exception {
        String file = "marathon/lossy/web.json";
        String definition = MarathonApplierTest.app("/lossy/web", MarathonApplierTest.V1, 1, "/health");
        ConfigSyncs.putKv(stack.consul(), file, definition);
        int lost = GATEWAY.answersLost.get();
        int puts = GATEWAY.puts.get();
        GATEWAY.loseAnswers.set(1);
        EventEnvelope<ConfigSynced> sync = ConfigSyncs.of("r2", List.of(ConfigSyncs.PREFIX + file), List.of());
        ConfigSyncs.publish(stack.bootstrap(), sync);

        ServiceDeployed deployed = await().atMost(Duration.ofSeconds(60))
                .alias("the sync's ServiceDeployed")
                .until(() -> first(sync.chainId(), ServiceDeployed.class), java.util.Objects::nonNull);
        assertThat(deployed.deployment().targetId()).isEqualTo("/lossy/web");
        assertThat(GATEWAY.answersLost.get() - lost).as("the gateway lost the first PUT's answer").isEqualTo(1);
        assertThat(GATEWAY.puts.get() - puts).as("PUTs that reached Marathon").isEqualTo(1);
        JsonNode versions = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(stack.marathon()
                + "/v2/apps/lossy/web/versions")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(versions.path("versions").size()).as("versions of the app in Marathon").isEqualTo(1);
    }

    @Test
    void aRollbackPutWhoseAnswerWasLostIsSentAgainWithoutReadingTheApp() throws Exception {
        // an app with two versions, as after a deployment that is to be rolled back
        String app = "/lossy/back";
        for (String image : List.of(MarathonApplierTest.V1, MarathonApplierTest.V2)) {
            client.put("lossy", app, JSON.readTree(MarathonApplierTest.app(app, image, 0, "/health")), true);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> DeployedTopic.deploymentsOf(stack.marathon(), app).isEmpty());
        }
        List<String> versions = DeployedTopic.versions(stack.marathon(), app);
        assertThat(versions).hasSize(2);
        int lost = GATEWAY.answersLost.get();
        int puts = GATEWAY.puts.get();
        int reads = GATEWAY.appReads.get();
        GATEWAY.loseAnswers.set(1);

        client.rollback("lossy", app, versions.get(versions.size() - 1), true);

        assertThat(GATEWAY.answersLost.get() - lost).as("the gateway lost the rollback's first answer").isEqualTo(1);
        assertThat(GATEWAY.puts.get() - puts).as("the rollback PUT, sent again after the lost answer").isEqualTo(2);
        assertThat(GATEWAY.appReads.get() - reads).as("reads of the app before the retry").isZero();
    }

    List<PipelineEvent> outcomesOf(String chainId) {
        return stack.outcomes().ofChain(chainId);
    }

    <T> T first(String chainId, Class<T> type) {
        return outcomesOf(chainId).stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }

    /**
     * An HTTP gateway in front of the Marathon stand-in that passes every request on, and for the next
     * {@code loseAnswers} PUTs passes the PUT on and answers 502 (the answer lost on the way back).
     */
    static final class Gateway {
        final HttpServer server;
        volatile String target;
        final AtomicInteger loseAnswers = new AtomicInteger();
        final AtomicInteger answersLost = new AtomicInteger();
        final AtomicInteger puts = new AtomicInteger();
        /** {@code GET /v2/apps/{id}} requests. */
        final AtomicInteger appReads = new AtomicInteger();

        private Gateway(HttpServer server) {
            this.server = server;
        }

        static Gateway start() {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
                Gateway gateway = new Gateway(server);
                server.createContext("/", exchange -> {
                    try (exchange) {
                        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.target
                                + exchange.getRequestURI())).method(exchange.getRequestMethod(),
                                        HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
                        String type = exchange.getRequestHeaders().getFirst("Content-Type");
                        if (type != null) {
                            request.header("Content-Type", type);
                        }
                        HttpResponse<byte[]> response = HTTP.send(request.build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        if (exchange.getRequestMethod().equals("GET")
                                && exchange.getRequestURI().getPath().matches("/v2/apps/[^?]+")
                                && !exchange.getRequestURI().getPath().endsWith("/versions")) {
                            gateway.appReads.incrementAndGet();
                        }
                        if (exchange.getRequestMethod().equals("PUT")) {
                            gateway.puts.incrementAndGet();
                            if (gateway.loseAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                                gateway.answersLost.incrementAndGet();
                                exchange.sendResponseHeaders(502, -1);
                                return;
                            }
                        }
                        response.headers().firstValue("Content-Type")
                                .ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
                        response.headers().firstValue("Marathon-Deployment-Id")
                                .ifPresent(v -> exchange.getResponseHeaders().add("Marathon-Deployment-Id", v));
                        byte[] body = response.body();
                        exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
                        if (body.length > 0) {
                            try (OutputStream out = exchange.getResponseBody()) {
                                out.write(body);
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                server.start();
                return gateway;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }
    }
}
