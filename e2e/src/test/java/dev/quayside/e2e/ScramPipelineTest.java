package dev.quayside.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.devstack.kafka.KafkaBroker;
import dev.quayside.devstack.launcher.LocalRun;
import dev.quayside.devstack.launcher.PipelineWatch;
import dev.quayside.devstack.launcher.ServiceProcess;
import dev.quayside.events.Topics;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every service on a broker that lets only one SASL/SCRAM-SHA-256 user in (issue #18): the whole local run — the eight
 * services, each started with {@code kafka.security.protocol}, {@code kafka.sasl.mechanism} and
 * {@code kafka.sasl.jaas.config} — becomes ready (their readiness reads Kafka) and takes a push to a live route; a
 * client without the login is refused by the same broker; the password is in no service's log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScramPipelineTest {

    private static final KafkaBroker.Scram USER = new KafkaBroker.Scram("quayside", "scram-e2e-" + Long.toHexString(
            System.nanoTime()));
    private final PrintStream out = System.out;
    private Path home;
    private LocalRun run;

    @BeforeAll
    void startThePipelineOnAScramBroker() throws Exception {
        DockerEngine.requireRunning();
        home = Files.createTempDirectory("quayside-e2e-scram-");
        Path root = Path.of(System.getProperty("quayside.root", "..")).toAbsolutePath().normalize();
        run = LocalRun.start(new LocalRun.Options(root, home, false, 0, Map.of(), Duration.ofSeconds(20))
                .withKafkaScram(USER));
        run.createRepositories();
        run.startServices(); // each service must answer ready, which needs its Kafka clients logged in
        run.installHooks();
    }

    @AfterAll
    void stopThePipeline() throws InterruptedException {
        if (run != null) {
            out.println(run.logTails(5));
            StoppedRun.stopAndCheck(run, home, Map.of("the webhook secret", run.webhookSecret(),
                    "the operator token", run.operatorToken(), "the Kafka SCRAM password", USER.password()));
        }
    }

    @Test
    void everyServiceLogsInAndAPushGoesLive() throws Exception {
        assertThat(run.services().keySet()).as("the whole mesh runs on the SCRAM broker").contains("git-watcher",
                "image-builder", "config-syncer", "marathon-applier", "registrator", "edge-router", "notifier", "board");
        for (ServiceProcess service : run.services().values()) {
            assertThat(readiness(service)).as(service.name() + " readiness").contains("UP");
        }

        PipelineWatch.Result result = PipelineWatch.pushAndFollow(run.stack().kafkaBootstrap(),
                run.stack().kafkaClientProperties(), run.frontendPort(), LocalRun.APP_REPO, "2.0.0",
                () -> run.pushSampleVersion("2.0.0"), Duration.ofMinutes(4), out);
        assertThat(result.live()).as(result.failure()).isTrue();
        assertThat(PipelineWatch.fetch("http://127.0.0.1:" + run.frontendPort() + "/version")).isEqualTo("2.0.0");
    }

    @Test
    void aClientWithoutTheLoginIsRefused() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, run.stack().kafkaBootstrap());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        try (Admin anonymous = Admin.create(props)) {
            assertThatThrownBy(() -> anonymous.listTopics().names().get(10, TimeUnit.SECONDS))
                    .isInstanceOfAny(ExecutionException.class, java.util.concurrent.TimeoutException.class);
        }
        Properties wrong = new Properties();
        wrong.putAll(props);
        wrong.putAll(new KafkaBroker.Scram(USER.username(), "not-the-password").clientProperties());
        try (Admin guessing = Admin.create(wrong)) {
            assertThatThrownBy(() -> guessing.listTopics().names().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasRootCauseInstanceOf(org.apache.kafka.common.errors.SaslAuthenticationException.class);
        }
        Properties right = new Properties();
        right.putAll(props);
        right.putAll(run.stack().kafkaClientProperties());
        try (Admin user = Admin.create(right)) {
            assertThat(List.copyOf(Topics.ALL)).allSatisfy(topic -> assertThat(
                    user.listTopics().names().get(10, TimeUnit.SECONDS)).contains(topic));
        }
    }

    private static String readiness(ServiceProcess service) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(service.url() + "/q/health/ready")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(service.name() + " /q/health/ready").isEqualTo(200);
        return response.body();
    }
}
