package dev.quayside.kit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.kit.retry.FailedAttempt;
import dev.quayside.kit.retry.Retrier;
import dev.quayside.kit.retry.RetryPolicy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The retry on SmallRye Fault Tolerance, as a service gets it (inside Quarkus). Waits are a few ms. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class RetrierTest {

    static RetryPolicy quick(int maxRetries, Duration budget) {
        return RetryPolicy.of(Duration.ofMillis(5), 2, Duration.ofMillis(40), budget, maxRetries, 0.2);
    }

    static final class Outage extends RuntimeException {
        Outage(String message) {
            super(message);
        }
    }

    @Test
    void retriesUntilTheCallSucceedsReportingEachFailedAttempt() {
        List<FailedAttempt> reported = new CopyOnWriteArrayList<>();
        Retrier retry = Retrier.of(quick(-1, Duration.ofMinutes(1))).named("Consul").onFailedAttempt(reported::add)
                .build();
        AtomicInteger calls = new AtomicInteger();
        String value = retry.call(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new Outage("no leader");
            }
            return "v";
        });
        assertThat(value).isEqualTo("v");
        assertThat(calls).hasValue(3);
        assertThat(reported).extracting(FailedAttempt::attempt).containsExactly(1, 2);
        assertThat(reported.get(0).describe()).isEqualTo("Consul failed (attempt 1): no leader");
    }

    @Test
    void afterTheLastRetryTheLastFailureIsThrownAsTheCallSiteMapsIt() {
        Retrier retry = Retrier.of(quick(2, Duration.ofMinutes(1))).named("Marathon")
                .onGiveUp((failure, attempts) -> new Outage(failure.getMessage() + " (" + attempts + " attempts)"))
                .build();
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.call(() -> {
            throw new Outage("Marathon did not answer #" + calls.incrementAndGet());
        })).isInstanceOf(Outage.class).hasMessage("Marathon did not answer #3 (3 attempts)");
        assertThat(calls).hasValue(3);
    }

    @Test
    void aFailureThePredicateRefusesIsThrownAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        Retrier retry = Retrier.of(quick(-1, Duration.ofMinutes(1))).retryOn(e -> e instanceof Outage)
                .onGiveUp((failure, attempts) -> new IllegalStateException("must not be mapped")).build();
        assertThatThrownBy(() -> retry.run(() -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("422 invalid");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("422 invalid");
        assertThat(calls).hasValue(1);
    }

    @Test
    void theBudgetEndsAnUnboundedRetry() {
        AtomicInteger calls = new AtomicInteger();
        Retrier retry = Retrier.of(quick(-1, Duration.ofMillis(300))).build();
        long started = System.nanoTime();
        assertThatThrownBy(() -> retry.run(() -> {
            calls.incrementAndGet();
            throw new Outage("down");
        })).isInstanceOf(Outage.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(calls.get()).isGreaterThan(3);
    }

    @Test
    void aCheckedFailureComesOutWithItsCause() {
        Retrier retry = Retrier.of(quick(1, Duration.ofMinutes(1))).build();
        assertThatThrownBy(() -> retry.run(() -> {
            throw new IOException("disk");
        })).isInstanceOf(Retrier.RetryFailedException.class).hasCauseInstanceOf(IOException.class)
                .hasMessageContaining("disk");
    }

    @Test
    void theUniVariantRetriesWithoutBlockingTheCaller() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<FailedAttempt> reported = new CopyOnWriteArrayList<>();
        Retrier retry = Retrier.of(RetryPolicy.of(Duration.ofMillis(200), 2, Duration.ofSeconds(1),
                Duration.ofMinutes(1), 3, 0)).onFailedAttempt(reported::add).build();
        Uni<String> uni = retry.uni(() -> Uni.createFrom().item(calls::incrementAndGet)
                .onItem().transformToUni(n -> n < 3 ? Uni.createFrom().failure(new Outage("503 #" + n))
                        : Uni.createFrom().item("ok after " + n)));
        CompletableFuture<String> result = uni.subscribeAsCompletionStage();
        assertThat(result).as("the first retry waits 200 ms on a timer, not on this thread").isNotDone();
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("ok after 3");
        assertThat(reported).extracting(FailedAttempt::attempt).containsExactly(1, 2);

        AtomicInteger failing = new AtomicInteger();
        Retrier twice = Retrier.of(quick(1, Duration.ofMinutes(1)))
                .onGiveUp((failure, attempts) -> new Outage(failure.getMessage() + " x" + attempts)).build();
        assertThatThrownBy(() -> twice.uni(() -> Uni.createFrom().<String>failure(
                new Outage("down #" + failing.incrementAndGet()))).await().atMost(Duration.ofSeconds(30)))
                .isInstanceOf(Outage.class).hasMessage("down #2 x2");
    }
}
