package dev.quayside.kit.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Readiness waits for the consumers' partitions, on a real broker: the test application's channel {@code kit-pushes}
 * joins a group whose rebalances the test holds open ({@link HeldGroup}), so each state lasts until the test ends it.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HeldGroup.class, restrictToAnnotatedClass = true)
class ConsumerAssignmentReadinessTest {

    private static final Duration HELD = Duration.ofSeconds(2);

    @Test
    void notReadyUntilAssignedAndNotReadyWhileARebalanceHasRevoked() throws Exception {
        // the application's consumer waits in the rebalance its joining started: not ready, and it stays so
        await().atMost(Duration.ofSeconds(30)).until(() -> pushes().startsWith("joining group kit-readiness"));
        await().during(HELD).atMost(HELD.plusSeconds(5)).until(() -> status() == 503
                && pushes().startsWith("joining"));
        await().atMost(Duration.ofSeconds(30)).until(() -> channel("kit-images").startsWith("owns quayside.image-built"));

        Set<TopicPartition> holderOwns = HeldGroup.rejoin();
        assertThat(holderOwns).hasSize(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> status() == 200);
        assertThat(pushes()).isEqualTo("owns " + HeldGroup.TOPIC + "-1");

        // a second member joins: the application's consumer gives up its partition and is not ready until the
        // rebalance assigns again; sorting after both others, it then owns nothing, and that counts as ready
        AtomicBoolean stop = new AtomicBoolean();
        Thread joiner = new Thread(() -> {
            try (KafkaConsumer<String, String> second = HeldGroup.consumer("ab-joiner")) {
                second.subscribe(Set.of(HeldGroup.TOPIC));
                while (!stop.get()) {
                    second.poll(Duration.ofMillis(100));
                }
            }
        }, "second-member");
        joiner.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> pushes().startsWith("rebalancing in group"));
            await().during(HELD).atMost(HELD.plusSeconds(5)).until(() -> status() == 503
                    && pushes().startsWith("rebalancing"));

            HeldGroup.rejoin();
            await().atMost(Duration.ofSeconds(30)).until(() -> status() == 200);
            assertThat(pushes()).isEqualTo("assigned no partition in group kit-readiness (other members own them"
                    + " all)");
        } finally {
            stop.set(true);
            joiner.join(30_000);
        }
    }

    private static int status() {
        return given().get("/q/health/ready").statusCode();
    }

    private static String pushes() {
        return channel("kit-pushes");
    }

    private static String channel(String channel) {
        return check().getString("data.'" + channel + "'");
    }

    private static JsonPath check() {
        return new JsonPath(given().get("/q/health/ready").asString()).setRootPath(
                "checks.find { it.name == '" + ConsumerAssignmentReadiness.NAME + "' }");
    }
}
