package dev.quayside.kit.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Liveness from the process alone: a blocked event loop or deadlocked threads make it DOWN. */
class ProcessLivenessTest {

    Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setBlockedThreadCheckInterval(60_000));
    }

    @AfterEach
    void stop() {
        vertx.close();
    }

    HealthCheckResponse check() {
        return new ProcessLiveness(vertx, Duration.ofMillis(300)).call().await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void upWhenEveryEventLoopAnswers() {
        HealthCheckResponse response = check();
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData().orElseThrow()).containsEntry("event-loops", 2L);
    }

    @Test
    void downWhileAnEventLoopIsBlocked() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        vertx.nettyEventLoopGroup().next().execute(() -> {
            blocked.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        blocked.await(10, TimeUnit.SECONDS);
        try {
            HealthCheckResponse response = check();
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(response.getData().orElseThrow()).containsEntry("event-loops-not-answering", 1L);
        } finally {
            release.countDown();
        }
        assertThat(check().getStatus()).as("live again once it answers").isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void downWhileThreadsAreDeadlocked() throws Exception {
        ReentrantLock a = new ReentrantLock();
        ReentrantLock b = new ReentrantLock();
        CountDownLatch bothHold = new CountDownLatch(2);
        Thread first = new Thread(() -> crossLock(a, b, bothHold), "deadlock-first");
        Thread second = new Thread(() -> crossLock(b, a, bothHold), "deadlock-second");
        first.setDaemon(true);
        second.setDaemon(true);
        first.start();
        second.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            HealthCheckResponse response = check();
            while (response.getStatus() == HealthCheckResponse.Status.UP && System.nanoTime() < deadline) {
                Thread.sleep(50);
                response = check();
            }
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(String.valueOf(response.getData().orElseThrow().get("deadlocked-threads")))
                    .contains("deadlock-first").contains("deadlock-second");
        } finally {
            first.interrupt();
            second.interrupt();
            first.join(5000);
            second.join(5000);
        }
        assertThat(check().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    private static void crossLock(ReentrantLock mine, ReentrantLock theirs, CountDownLatch bothHold) {
        try {
            mine.lockInterruptibly();
            try {
                bothHold.countDown();
                bothHold.await();
                theirs.lockInterruptibly();
                theirs.unlock();
            } finally {
                mine.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
