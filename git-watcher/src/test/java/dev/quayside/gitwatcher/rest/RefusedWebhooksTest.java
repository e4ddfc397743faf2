package dev.quayside.gitwatcher.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.common.LoopbackCaller;
import dev.quayside.gitwatcher.support.GitWatcherTest;
import dev.quayside.gitwatcher.support.WatchedReposResource;
import dev.quayside.kit.security.Hmac;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A caller whose webhooks keep being refused is answered 429 before its requests are read, until its budget is
 * refilled; other callers are not touched, and accepted webhooks are never limited.
 */
@QuarkusTest
@GitWatcherTest
@TestProfile(RefusedWebhooksTest.SmallBudget.class)
class RefusedWebhooksTest {

    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quayside.git-watcher.refused-webhooks.per-caller", "3",
                    "quayside.git-watcher.refused-webhooks.period", "1h");
        }
    }

    private static final byte[] PING = ("{\"repository\":\"hooked\",\"ref\":\"refs/heads/x\",\"before\":\""
            + "0".repeat(40) + "\",\"after\":\"" + "0".repeat(40) + "\"}").getBytes(StandardCharsets.UTF_8);

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private LoopbackCaller.Answer ping(String from, String secret) {
        return LoopbackCaller.from(from).send(port, "POST", "/webhooks/generic/hooked", Map.of(
                "Content-Type", "application/json", "X-Quayside-Event", "ping",
                "X-Quayside-Signature-256", Hmac.sha256Header(secret, PING)), PING);
    }

    @Test
    void aCallerWhoseWebhooksKeepBeingRefusedIsStoppedUnreadAndOthersAreNot() {
        for (int i = 0; i < 3; i++) {
            assertThat(ping("127.0.0.2", "guessed").status()).as("refused webhook " + (i + 1)).isEqualTo(401);
        }
        LoopbackCaller.Answer stopped = ping("127.0.0.2", WatchedReposResource.HOOK_SECRET);
        assertThat(stopped.status()).isEqualTo(429);
        assertThat(stopped.header("Retry-After")).isEqualTo("3600");
        assertThat(stopped.body()).contains("too many refused webhooks from 127.0.0.2");
        LoopbackCaller.Answer other = ping("127.0.0.3", WatchedReposResource.HOOK_SECRET);
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.body()).contains("pong");
    }

    @Test
    void acceptedWebhooksAreNeverLimited() {
        for (int i = 0; i < 10; i++) {
            assertThat(ping("127.0.0.6", WatchedReposResource.HOOK_SECRET).status()).as("webhook " + (i + 1))
                    .isEqualTo(200);
        }
    }
}
