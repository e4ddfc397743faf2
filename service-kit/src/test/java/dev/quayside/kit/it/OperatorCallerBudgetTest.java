package dev.quayside.kit.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.common.LoopbackCaller;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Each caller (its address) has its own budget of operator calls and of refused ones: a caller guessing the token is
 * stopped before the token is compared, a caller looping with it is stopped, and neither touches another caller.
 */
@QuarkusTest
@TestProfile(OperatorCallerBudgetTest.SmallBudgets.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class OperatorCallerBudgetTest {

    public static class SmallBudgets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quayside.operator.per-caller.refusals", "2", "quayside.operator.per-caller.calls", "3",
                    "quayside.operator.per-caller.period", "1h", "quayside.operator.max-concurrent", "4");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private LoopbackCaller.Answer sync(String from, String token) {
        return LoopbackCaller.from(from).send(port, "POST", "/test-ops/sync",
                token == null ? Map.of() : Map.of("Authorization", "Bearer " + token), new byte[0]);
    }

    @Test
    void aCallerGuessingTheTokenIsStoppedBeforeItIsComparedAndOthersAreNotTouched() {
        assertThat(sync("127.0.0.2", "guess-1").status()).isEqualTo(401);
        assertThat(sync("127.0.0.2", null).status()).isEqualTo(401);
        // its refusals are spent: even the right token is not compared now
        LoopbackCaller.Answer stopped = sync("127.0.0.2", OperatorActionTest.TOKEN);
        assertThat(stopped.status()).isEqualTo(429);
        assertThat(stopped.header("Retry-After")).isEqualTo("3600");
        assertThat(stopped.body()).contains("too many refused operator calls from 127.0.0.2");
        // another caller is served
        assertThat(sync("127.0.0.3", OperatorActionTest.TOKEN).status()).isEqualTo(200);
    }

    @Test
    void aCallerLoopingWithTheTokenIsStoppedAtItsBudgetAndOthersAreNotTouched() {
        for (int i = 0; i < 3; i++) {
            assertThat(sync("127.0.0.4", OperatorActionTest.TOKEN).status()).as("call " + (i + 1)).isEqualTo(200);
        }
        LoopbackCaller.Answer stopped = sync("127.0.0.4", OperatorActionTest.TOKEN);
        assertThat(stopped.status()).isEqualTo(429);
        assertThat(stopped.header("Retry-After")).isEqualTo("3600");
        assertThat(stopped.body()).contains("too many operator calls from 127.0.0.4");
        assertThat(sync("127.0.0.5", OperatorActionTest.TOKEN).status()).isEqualTo(200);
    }
}
