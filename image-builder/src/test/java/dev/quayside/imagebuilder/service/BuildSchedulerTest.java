package dev.quayside.imagebuilder.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.Person;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BuildSchedulerTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<String> started = new CopyOnWriteArrayList<>();
    private final List<String> superseded = new CopyOnWriteArrayList<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();

    @AfterEach
    void stop() {
        gates.values().forEach(CountDownLatch::countDown);
        threads.shutdownNow();
    }

    private BuildScheduler scheduler(int concurrency) {
        return new BuildScheduler(concurrency, threads, job -> {
            started.add(job.buildId());
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                gate(job.buildId()).await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                concurrent.decrementAndGet();
            }
        }, (older, newer) -> superseded.add(older.buildId() + " by " + newer.buildId()));
    }

    private CountDownLatch gate(String buildId) {
        return gates.computeIfAbsent(buildId, id -> new CountDownLatch(1));
    }

    private static BuildJob job(String repository, String branch, String commit) {
        CommitPushed push = new CommitPushed(repository, "app", "/tmp/" + repository, "refs/heads/" + branch,
                CommitPushed.RefChange.BRANCH_UPDATED, CommitPushed.ZERO_SHA, commit, List.of(),
                new Person("a", "a@b", "a"), "d", "generic");
        EventEnvelope<CommitPushed> event = EventEnvelope.startChain(push, "/test", UUID.randomUUID().toString(),
                Instant.now());
        return new BuildJob(repository + "/" + branch + "@" + commit, event, System.nanoTime(), Instant.now());
    }

    @Test
    void atMostConcurrencyBuildsRunAtOnce() {
        BuildScheduler scheduler = scheduler(2);
        for (int i = 0; i < 5; i++) {
            scheduler.submit(job("repo" + i, "main", "c" + i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 2);
        assertThat(scheduler.running()).isEqualTo(2);
        assertThat(scheduler.queued()).isEqualTo(3);
        gates.keySet().forEach(id -> gate(id).countDown());
        for (int i = 0; i < 5; i++) {
            gate("repo" + i + "/main@c" + i).countDown();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 5 && scheduler.running() == 0);
        assertThat(maxConcurrent.get()).isEqualTo(2);
    }

    @Test
    void repositoriesTakeTurns() {
        BuildScheduler scheduler = scheduler(1);
        scheduler.submit(job("blocker", "main", "b"));
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 1);
        scheduler.submit(job("busy", "one", "a1"));
        scheduler.submit(job("busy", "two", "a2"));
        scheduler.submit(job("busy", "three", "a3"));
        scheduler.submit(job("quiet", "main", "q1"));
        for (String id : List.of("blocker/main@b", "busy/one@a1", "quiet/main@q1", "busy/two@a2", "busy/three@a3")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> started.contains(id));
            gate(id).countDown();
        }
        assertThat(started).containsExactly("blocker/main@b", "busy/one@a1", "quiet/main@q1", "busy/two@a2",
                "busy/three@a3");
    }

    @Test
    void aNewerCommitSupersedesTheQueuedOneOfItsBranchButNotARunningOne() {
        BuildScheduler scheduler = scheduler(1);
        scheduler.submit(job("app", "main", "c1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 1);
        scheduler.submit(job("app", "main", "c2"));
        scheduler.submit(job("app", "feature", "f1"));
        scheduler.submit(job("app", "main", "c3"));
        assertThat(superseded).containsExactly("app/main@c2 by app/main@c3");
        assertThat(scheduler.queued()).isEqualTo(2);
        gate("app/main@c1").countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 2);
        gate(started.get(1)).countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 3);
        assertThat(started).containsExactlyInAnyOrder("app/main@c1", "app/feature@f1", "app/main@c3");
    }

    @Test
    void aRedeliveredBuildJoinsTheQueuedOrRunningOne() {
        BuildScheduler scheduler = scheduler(1);
        BuildJob running = scheduler.submit(job("app", "main", "c1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 1);
        BuildJob queued = scheduler.submit(job("app", "main", "c2"));
        assertThat(scheduler.submit(job("app", "main", "c1"))).isSameAs(running);
        assertThat(scheduler.submit(job("app", "main", "c2"))).isSameAs(queued);
        assertThat(superseded).isEmpty();
    }

    @Test
    void concurrencyMustBePositive() {
        assertThatThrownBy(() -> new BuildScheduler(0, threads, j -> { }, (a, b) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("concurrency must be at least 1, got 0");
    }
}
