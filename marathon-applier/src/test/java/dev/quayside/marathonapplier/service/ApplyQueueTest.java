package dev.quayside.marathonapplier.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ApplyQueue}: per-definition order, other definitions not held up, failures not blocking. */
class ApplyQueueTest {

    final ApplyQueue queue = new ApplyQueue(4);

    @AfterEach
    void stop() {
        queue.stop();
    }

    @Test
    void oneDefinitionsWorkRunsInOrderWhileAnotherDefinitionGoesAhead() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        CompletableFuture<Object> a1 = queue.enqueue("a", () -> {
            awaitLatch(release);
            return ran.add("a1");
        });
        CompletableFuture<Object> a2 = queue.enqueue("a", () -> ran.add("a2"));
        CompletableFuture<Object> b1 = queue.enqueue("b", () -> ran.add("b1"));

        b1.get(5, TimeUnit.SECONDS); // not held up by a1
        assertThat(ran).containsExactly("b1");
        assertThat(queue.busy("a")).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> !queue.busy("b"));
        release.countDown();
        CompletableFuture.allOf(a1, a2).get(5, TimeUnit.SECONDS);
        assertThat(ran).containsExactly("b1", "a1", "a2");
        await().atMost(Duration.ofSeconds(5)).until(() -> !queue.busy("a"));
    }

    @Test
    void aFailedItemDoesNotStopTheItemsBehindIt() throws Exception {
        CompletableFuture<String> failed = queue.enqueue("a", () -> {
            throw new IllegalStateException("boom");
        });
        CompletableFuture<String> next = queue.enqueue("a", () -> "ran");
        assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo("ran");
        assertThat(failed).isCompletedExceptionally();
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
