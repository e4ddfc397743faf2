package dev.quayside.notifier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.kit.retry.RetryPolicy;
import dev.quayside.notifier.support.Configs;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The typed configuration as SmallRye maps it: the notifier's retry defaults and the deprecated retry keys. */
class NotifierConfigTest {

    static NotifierConfig config(Map<String, String> properties) {
        return Configs.notifier(properties);
    }

    @Test
    void aDeliveryIsRetriedFourTimesWithinTheRecordsMaxAgeByDefault() {
        RetryPolicy policy = config(Map.of()).retry().policy();
        assertThat(policy.maxRetries()).isEqualTo(4);
        assertThat(policy.initialDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.maxDelay()).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.factor()).isEqualTo(2.0);
        assertThat(policy.jitter()).isEqualTo(0.2);
        // the connector stops a channel whose record stays unsettled for 120 s
        assertThat(policy.maxDuration()).isEqualTo(Duration.ofSeconds(90)).isLessThan(Duration.ofSeconds(120));
        assertThat(config(Map.of()).retry().requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void theRetryKeysOfTheKitAreRead() {
        RetryPolicy policy = config(Map.of("quayside.notifier.retry.initial-delay", "100ms",
                "quayside.notifier.retry.max-delay", "300ms", "quayside.notifier.retry.max-retries", "2",
                "quayside.notifier.retry.max-duration", "20s")).retry().policy();
        assertThat(policy.initialDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.maxDelay()).isEqualTo(Duration.ofMillis(300));
        assertThat(policy.maxRetries()).isEqualTo(2);
        assertThat(policy.maxDuration()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void theDeprecatedBackoffKeysStillWork() {
        RetryPolicy policy = config(Map.of("quayside.notifier.retry.initial-backoff", "250ms",
                "quayside.notifier.retry.max-backoff", "2s")).retry().policy();
        assertThat(policy.initialDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(policy.maxDelay()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void anUnknownGitHostStopsTheConfigurationNamingTheKeyAndTheHosts() {
        assertThatThrownBy(() -> config(Map.of("quayside.notifier.channels.git.type", "commit-status",
                "quayside.notifier.channels.git.url", "https://git.example.org",
                "quayside.notifier.channels.git.token", "t",
                "quayside.notifier.channels.git.host", "sourceforge")).channels().get("git").host())
                .hasStackTraceContaining("quayside.notifier.channels.git.host")
                .hasStackTraceContaining("sourceforge")
                .hasStackTraceContaining("github").hasStackTraceContaining("bitbucket-server");
    }
}
