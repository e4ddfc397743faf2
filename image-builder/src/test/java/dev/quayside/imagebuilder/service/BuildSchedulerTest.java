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
import java.util.Set;
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
    private final List<String> lookedUp = new CopyOnWriteArrayList<>();
    private final Set<String> existing = ConcurrentHashMap.newKeySet();
    private final Map<String, CountDownLatch> heldLookUps = new ConcurrentHashMap<>();
    private final List<String> started = new CopyOnWriteArrayList<>();
    private final List<String> superseded = new CopyOnWriteArrayList<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();

    @AfterEach
    void stop() {
        gates.values().forEach(CountDownLatch::countDown);
        heldLookUps.values().forEach(CountDownLatch::countDown);
        threads.shutdownNow();
    }

    /**
     * Look-ups answer at once (unless {@link #holdLookUp held}): the image exists for the commits in {@code existing};
     * builds run until their gate opens.
     */
    private BuildScheduler scheduler(int lookUpConcurrency, int buildConcurrency) {
        return new BuildScheduler(lookUpConcurrency, threads, job -> {
            lookedUp.add(job.buildId());
            CountDownLatch held = heldLookUps.get(job.buildId());
            try {
                if (held != null) {
                    held.await(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return !existing.contains(job.commit());
        }, buildConcurrency, threads, job -> {
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

    private CountDownLatch holdLookUp(String buildId) {
        return heldLookUps.computeIfAbsent(buildId, id -> new CountDownLatch(1));
    }

    private CountDownLatch gate(String buildId) {
        return gates.computeIfAbsent(buildId, id -> new CountDownLatch(1));
    }

    private static BuildJob job(String repository, String branch, String commit) {
        return job(repository, branch, CommitPushed.ZERO_SHA, commit);
    }

    /** The job of a push that moved {@code branch} from {@code before} to {@code commit}. */
    private static BuildJob job(String repository, String branch, String before, String commit) {
        CommitPushed push = new CommitPushed(repository, "app", "/tmp/" + repository, "refs/heads/" + branch,
                CommitPushed.RefChange.BRANCH_UPDATED, before, commit, List.of(),
                new Person("a", "a@b", "a"), "d", "generic");
        EventEnvelope<CommitPushed> event = EventEnvelope.startChain(push, "/test", UUID.randomUUID().toString(),
                Instant.now());
        return new BuildJob(repository + "/" + branch + "@" + commit, event, System.nanoTime(), Instant.now());
    }

    @Test
    void atMostConcurrencyBuildsRunAtOnce() {
        BuildScheduler scheduler = scheduler(8, 2);
        for (int i = 0; i < 5; i++) {
            scheduler.submit(job("repo" + i, "main", "c" + i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 2 && scheduler.queued() == 3);
        assertThat(scheduler.running()).isEqualTo(2);
        gates.keySet().forEach(id -> gate(id).countDown());
        for (int i = 0; i < 5; i++) {
            gate("repo" + i + "/main@c" + i).countDown();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 5 && scheduler.running() == 0);
        assertThat(maxConcurrent.get()).isEqualTo(2);
    }

    @Test
    void repositoriesTakeTurns() {
        BuildScheduler scheduler = scheduler(1, 1);
        scheduler.submit(job("blocker", "main", "b"));
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 1);
        scheduler.submit(job("busy", "one", "a1"));
        scheduler.submit(job("busy", "two", "a2"));
        scheduler.submit(job("busy", "three", "a3"));
        scheduler.submit(job("quiet", "main", "q1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.queued() == 4);
        for (String id : List.of("blocker/main@b", "busy/one@a1", "quiet/main@q1", "busy/two@a2", "busy/three@a3")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> started.contains(id));
            gate(id).countDown();
        }
        assertThat(started).containsExactly("blocker/main@b", "busy/one@a1", "quiet/main@q1", "busy/two@a2",
                "busy/three@a3");
    }

    @Test
    void aNewerCommitSupersedesTheQueuedOneOfItsBranchButNotARunningOne() {
        BuildScheduler scheduler = scheduler(1, 1);
        scheduler.submit(job("app", "main", "c1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 1);
        scheduler.submit(job("app", "main", "c2"));
        scheduler.submit(job("app", "feature", "f1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.queued() == 2);
        scheduler.submit(job("app", "main", "c3"));
        assertThat(superseded).containsExactly("app/main@c2 by app/main@c3");
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.queued() == 2);
        gate("app/main@c1").countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 2);
        gate(started.get(1)).countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 3);
        assertThat(started).containsExactlyInAnyOrder("app/main@c1", "app/feature@f1", "app/main@c3");
    }

    @Test
    void aRedeliveredBuildJoinsTheQueuedOrRunningOne() {
        BuildScheduler scheduler = scheduler(1, 1);
        BuildJob running = scheduler.submit(job("app", "main", "c1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 1);
        BuildJob queued = scheduler.submit(job("app", "main", "c2"));
        assertThat(scheduler.submit(job("app", "main", "c1"))).isSameAs(running);
        assertThat(scheduler.submit(job("app", "main", "c2"))).isSameAs(queued);
        assertThat(superseded).isEmpty();
    }

    /** Look-up lane of 2, one build slot: slow/main@s1 holds the slot and {@code waiting} waits for it. */
    private BuildScheduler slotTakenAndWaitedFor(BuildJob waiting) {
        BuildScheduler scheduler = scheduler(2, 1);
        scheduler.submit(job("slow", "main", "s1"));
        // s1 takes the slot before the other job is looked up: with both in the look-up lane at once, whichever
        // look-up ends first would take it
        await().atMost(Duration.ofSeconds(5)).until(() -> started.contains("slow/main@s1"));
        scheduler.submit(waiting);
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 1 && scheduler.queued() == 1);
        return scheduler;
    }

    @Test
    void anImageThatExistsIsAnsweredWhileEveryBuildSlotIsBusy() {
        BuildScheduler scheduler = slotTakenAndWaitedFor(job("waiting", "main", "w1"));
        existing.add("e1");

        scheduler.submit(job("built", "main", "e1"));

        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.active("built/main@e1").isEmpty());
        assertThat(lookedUp).contains("built/main@e1");
        assertThat(started).as("the build slot still holds the first build").containsExactly("slow/main@s1");
        assertThat(scheduler.queued()).isEqualTo(1);
        gate("slow/main@s1").countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 2);
        assertThat(started).containsExactly("slow/main@s1", "waiting/main@w1");
    }

    @Test
    void aNewerCommitWhoseImageExistsSupersedesTheOlderOneWaitingForASlot() {
        BuildScheduler scheduler = slotTakenAndWaitedFor(job("app", "main", "c1"));
        existing.add("e2");

        scheduler.submit(job("app", "main", "e2"));

        assertThat(superseded).containsExactly("app/main@c1 by app/main@e2");
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.activeJobs().size() == 1);
        assertThat(scheduler.queued()).isZero();
        gate("slow/main@s1").countDown();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> scheduler.running() == 0);
        assertThat(started).containsExactly("slow/main@s1");
    }

    @Test
    void aCommitStillBeingLookedUpWhenANewerOneArrivesIsSupersededInsteadOfWaitingForASlot() {
        BuildScheduler scheduler = scheduler(2, 1);
        scheduler.submit(job("slow", "main", "s1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 1);
        CountDownLatch older = holdLookUp("app/main@c1");
        scheduler.submit(job("app", "main", "c1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> lookedUp.contains("app/main@c1"));
        existing.add("e2");
        scheduler.submit(job("app", "main", "e2"));
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.active("app/main@e2").isEmpty());
        assertThat(superseded).as("a job in a lane is not cut short").isEmpty();

        older.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> superseded.size() == 1);
        assertThat(superseded).containsExactly("app/main@c1 by app/main@e2");
        assertThat(scheduler.queued()).isZero();
        assertThat(scheduler.activeJobs()).extracting(BuildJob::buildId).containsExactly("slow/main@s1");
    }

    /**
     * Webhooks of one branch can arrive out of order (a hook's retries after an outage): the push {@code c1 → c2}
     * arrives while the later push {@code c2 → c3} is being looked up. The late one is older by the pushes themselves
     * (its commit is the later push's {@code before}), so it never supersedes the newer job: it is superseded by it.
     */
    @Test
    void aLatePushOfAnOlderCommitNeverSupersedesTheNewerOne() {
        BuildScheduler scheduler = scheduler(2, 1);
        CountDownLatch newer = holdLookUp("app/main@c3");
        scheduler.submit(job("app", "main", "c2", "c3"));
        await().atMost(Duration.ofSeconds(5)).until(() -> lookedUp.contains("app/main@c3"));
        scheduler.submit(job("app", "main", "c1", "c2"));

        await().atMost(Duration.ofSeconds(5)).until(() -> superseded.size() == 1);
        assertThat(superseded).containsExactly("app/main@c2 by app/main@c3");
        newer.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> started.contains("app/main@c3"));
        assertThat(superseded).as("the newer commit is built").containsExactly("app/main@c2 by app/main@c3");
        assertThat(lookedUp).doesNotContain("app/main@c2");
    }

    @Test
    void atMostLookUpConcurrencyLookUpsRunAtOnce() {
        BuildScheduler scheduler = scheduler(2, 1);
        for (int i = 0; i < 3; i++) {
            holdLookUp("repo" + i + "/main@c" + i);
            scheduler.submit(job("repo" + i, "main", "c" + i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> lookedUp.size() == 2);
        assertThat(scheduler.lookUpsRunning()).isEqualTo(2);
        assertThat(scheduler.lookUpsQueued()).isEqualTo(1);
        heldLookUps.values().forEach(CountDownLatch::countDown);
        await().atMost(Duration.ofSeconds(5)).until(() -> lookedUp.size() == 3 && scheduler.lookUpsRunning() == 0);
    }

    @Test
    void concurrencyMustBePositive() {
        assertThatThrownBy(() -> new BuildScheduler(1, threads, j -> true, 0, threads, j -> { }, (a, b) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("build concurrency must be at least 1, got 0");
        assertThatThrownBy(() -> new BuildScheduler(0, threads, j -> true, 1, threads, j -> { }, (a, b) -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("look-up concurrency must be at least 1, got 0");
    }
}
