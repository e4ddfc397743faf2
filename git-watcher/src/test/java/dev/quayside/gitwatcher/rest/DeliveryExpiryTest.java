package dev.quayside.gitwatcher.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.quayside.gitwatcher.support.GitWatcherTest;
import dev.quayside.gitwatcher.support.HardenedProfile;
import dev.quayside.kit.kafka.CompactedTopicMap;
import dev.quayside.kit.kafka.CompactedTopicMaps;
import dev.quayside.kit.security.Hmac;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A handled delivery id is remembered for {@code dedup.delivery-retention} (here 10 s), then tombstoned in the compacted
 * topic: replays with fresh delivery ids no longer grow the state for ever. The push itself stays a duplicate.
 */
@QuarkusTest
@GitWatcherTest
@TestProfile(HardenedProfile.class)
class DeliveryExpiryTest {

    @Test
    void aDeliveryIdExpiresAfterTheRetentionAndIsTombstonedInTheTopic() throws Exception {
        String delivery = UUID.randomUUID().toString();
        byte[] body = SecretsTest.pushTo("acme", "creds", SecretsTest.freshHead());
        Map<String, String> headers = Map.of("X-GitHub-Event", "push", "X-GitHub-Delivery", delivery,
                "X-Hub-Signature-256", Hmac.sha256Header(HardenedProfile.CREDS_SECRET, body));
        WebhookResourceTest.post("github", headers, body).statusCode(200).body("status", equalTo("accepted"));
        // (that a redelivery within the retention is answered "already handled" is WebhookResourceTest's; here a
        // machine under load may take longer than this short retention between two requests)

        String key = "delivery|github|" + delivery;
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> records(key).contains(null));
        assertThat(records(key).get(0)).isNotNull();
        // the delivery id is forgotten; the push is still known to be emitted
        WebhookResourceTest.post("github", headers, body).statusCode(200).body("status", equalTo("duplicate"))
                .body("refs[0].status", equalTo("DUPLICATE")).body("refs[0].reason", equalTo("already emitted"));
    }

    /** Every value of {@code key} in the de-duplication topic, oldest first (null for a tombstone). */
    private static List<String> records(String key) {
        String topic = ConfigProvider.getConfig().getOptionalValue("quayside.git-watcher.dedup.topic", String.class)
                .orElse("quayside.git-watcher.deliveries");
        List<String> values = new ArrayList<>();
        CompactedTopicMaps maps = CompactedTopicMaps.of(Map.of("bootstrap.servers",
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class)));
        try (CompactedTopicMap map = maps.open(CompactedTopicMap.Options.of(topic), (k, entry) -> {
            if (k.equals(key)) {
                values.add(entry == null ? null : entry.value());
            }
        })) {
            map.awaitCaughtUp();
        }
        return values;
    }
}
