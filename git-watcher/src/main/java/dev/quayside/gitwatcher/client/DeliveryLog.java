package dev.quayside.gitwatcher.client;

import dev.quayside.kit.kafka.CompactedTopicMap;
import dev.quayside.kit.kafka.CompactedTopicMaps;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * git-watcher's durable memory of what it announced, and the protocol by which its instances agree who announces a
 * push (see {@code docs/adr/0002-git-watcher-dedup.md}): a facade over one {@link CompactedTopicMap} that every
 * instance reads back, whose records belong to three pieces:
 * <ul>
 * <li>{@link PushClaims}: {@code claim|<push>} and {@code emitted|<push>}, who emits a push and whether it was;</li>
 * <li>{@link RefHeads}: {@code head|}, {@code announced|} (the {@link AnnouncedRanges} handed to {@link Steps#plan}, so
 * that a late report of a head inside one is a duplicate) and {@code baseline|}, for polling and
 * {@code GET /repositories};</li>
 * <li>here: {@code delivery|<host>|<id>} → event ids: a webhook delivery already handled (expires after the delivery
 * retention), and the pushes published whose record failed ({@link UnrecordedPushes}).</li>
 * </ul>
 * A webhook or a poll makes one call: {@link #record} or {@link #poll}; the caller's {@link Steps} say what each ref
 * update is (given the ref's last announced head, from memory: no extra round-trip) and publish its event when this
 * instance won it. Every decision is read back from the log, never taken from memory alone, so all instances agree.
 */
public class DeliveryLog implements AutoCloseable {

    private static final String DELIVERY = "delivery|";
    private static final String ZERO = RefHeads.ZERO;
    /**
     * How the log is kept.
     *
     * @param topic              the compacted topic
     * @param partitions         its partitions when git-watcher creates it
     * @param replicationFactor  its replication factor when git-watcher creates it
     * @param lease              how long an un-emitted claim blocks the other instances
     * @param timeout            the longest wait for Kafka of one step
     * @param deliveryRetention  how long a delivery id is remembered
     * @param pushRetention      how long an emitted push (and a claim left behind) is remembered
     */
    public record Settings(String topic, int partitions, short replicationFactor, Duration lease, Duration timeout,
            Duration deliveryRetention, Duration pushRetention) {
    }

    /** The outcome of a claim. */
    enum ClaimResult {
        /** This instance must emit the push, then call {@link #markEmitted}. */
        WON,
        /** The push's event was already emitted. */
        ALREADY_EMITTED,
        /** Another instance claimed it within the lease and is emitting it. */
        CLAIMED_ELSEWHERE
    }

    /** One ref update: {@code before} is null when the sender did not say (the ref's last head seen is taken). */
    public record Update(String ref, String before, String after) {
    }

    /**
     * What git-watcher does with a ref update, called by {@link #record} and {@link #poll} between their steps.
     */
    @FunctionalInterface
    public interface Steps {

        /**
         * What update {@code index} (its previous head resolved) is: a push to announce, one already announced, or one
         * to skip. {@code announced} is the ref's announced ranges as the log has them, or null (none, or only a
         * baseline).
         */
        RefUpdatePlan plan(int index, Update update, AnnouncedRanges announced);
    }

    /** The fate of an update. */
    public enum Status {
        EMITTED, DUPLICATE, SKIPPED
    }

    /** What became of one update, with its previous head as resolved. */
    public record Result(Status status, Update update, String eventId, String reason) {
    }

    /**
     * What became of a webhook delivery or a poll.
     *
     * @param seenDelivery the delivery id was handled before (nothing else was done)
     * @param baseline     a first poll: the heads were recorded without events
     * @param updates      the updates handled (a poll's are the heads that moved)
     * @param results      one per update
     */
    public record Recorded(boolean seenDelivery, boolean baseline, List<Update> updates, List<Result> results) {
    }

    private final Settings settings;
    private final CompactedTopicMap map;
    private final PushClaims claims;
    private final RefHeads refHeads = new RefHeads();
    /** A lock per {@code <repo>|<ref>}: this instance handles one update of a ref at a time. */
    private final Map<String, Object> refLocks = new ConcurrentHashMap<>();
    /** Delivery ids written by this instance and not yet read back (so a quick redelivery sees them). */
    private final Map<String, String> pendingDeliveries = new ConcurrentHashMap<>();
    /** Pushes published whose record failed: recorded before the next webhook or poll is handled. */
    private final UnrecordedPushes unrecorded = new UnrecordedPushes();
    private final Timer claimTimer;
    private final Timer recordTimer;

    /** Opens the log (its reader starts reading the topic at once; nothing here waits for Kafka). */
    public DeliveryLog(CompactedTopicMaps maps, Settings settings, MeterRegistry meters) {
        this.settings = settings;
        this.claims = new PushClaims(settings.lease());
        this.claimTimer = phaseTimer(meters, "claim");
        this.recordTimer = phaseTimer(meters, "record");
        Duration shortest = settings.deliveryRetention().compareTo(settings.pushRetention()) < 0
                ? settings.deliveryRetention() : settings.pushRetention();
        this.map = maps.open(CompactedTopicMap.Options.of(settings.topic())
                .withPartitions(settings.partitions(), settings.replicationFactor())
                .withTimeout(settings.timeout())
                // segments roll daily and the cleaner visits each within a day, so expired records leave the disk
                .withTopicConfigs(Map.of("segment.ms", "86400000", "max.compaction.lag.ms", "86400000"))
                .withRetention(this::retention, sweepInterval(shortest))
                .withClientId("git-watcher-deliveries"), this::applied);
    }

    /** The time of one step of emitting a push (claim, publish, record), with its median and 99th percentile. */
    public static Timer phaseTimer(MeterRegistry meters, String phase) {
        return Timer.builder("quayside.git-watcher.push.phase").tag("phase", phase)
                .description("one step of emitting a push: claim (write + read back), publish (event acked), record")
                .publishPercentiles(0.5, 0.99).register(meters);
    }

    /** A tenth of the retention, between 100 ms and 10 minutes. */
    static Duration sweepInterval(Duration retention) {
        long tenth = retention.toMillis() / 10;
        return Duration.ofMillis(Math.max(100, Math.min(tenth, TimeUnit.MINUTES.toMillis(10))));
    }

    private Duration retention(String key) {
        if (key.startsWith(DELIVERY)) {
            return settings.deliveryRetention();
        }
        return key.startsWith(PushClaims.EMITTED) || key.startsWith(PushClaims.CLAIM) ? settings.pushRetention()
                : null;
    }

    /** Whether the log can be relied on: read to its end, and the broker answering. */
    public CompactedTopicMap.Health health() {
        return map.health();
    }

    /** The compacted topic the log is kept in. */
    public String topic() {
        return map.topic();
    }

    /** Fetches the topic's metadata now, so the first webhook does not wait for it. */
    public void primeWriter() {
        map.primeWriter();
    }

    /** Waits (up to the timeout) until the log is read to its end as of start. */
    public void awaitCaughtUp() {
        map.awaitCaughtUp();
    }

    /** Last emitted or baseline heads of a repository, ref → commit. */
    public Map<String, String> heads(String repository) {
        return refHeads.heads(repository);
    }

    /**
     * Handles the ref updates of one webhook delivery: nothing when its delivery id was handled before; else each
     * update is planned, de-duplicated, claimed and published through {@code steps}, and the delivery id recorded.
     */
    public Recorded record(String host, String deliveryId, String repository, List<Update> updates, Steps steps) {
        map.awaitCaughtUp();
        recordUnrecorded();
        if (deliveryId != null && delivery(host, deliveryId).isPresent()) {
            return new Recorded(true, false, updates, List.of());
        }
        List<Result> results = handle(repository, updates, steps, false);
        if (deliveryId != null) {
            markDelivery(host, deliveryId, results.stream().map(Result::eventId).filter(id -> id != null)
                    .collect(Collectors.joining(",")));
        }
        return new Recorded(false, false, updates, results);
    }

    /**
     * Handles a poll that listed {@code remote} (ref → head): the first poll of a repository records the heads without
     * events; later ones handle every head that moved (and every ref that vanished, as a deletion) through
     * {@code steps}. Returns once this instance's records are read back, so {@link #heads} shows them.
     */
    public Recorded poll(String repository, Map<String, String> remote, Steps steps) {
        map.awaitCaughtUp();
        recordUnrecorded();
        if (!refHeads.hasBaseline(repository)) {
            refHeads.markBaseline(map, repository, remote);
            map.awaitOwnWrites();
            return new Recorded(false, true, List.of(), List.of());
        }
        Map<String, String> known = heads(repository);
        List<Update> updates = new ArrayList<>();
        remote.forEach((ref, head) -> {
            String before = known.getOrDefault(ref, ZERO);
            if (!head.equals(before)) {
                updates.add(new Update(ref, before, head));
            }
        });
        known.forEach((ref, head) -> {
            if (!remote.containsKey(ref)) {
                updates.add(new Update(ref, head, ZERO));
            }
        });
        List<Result> results = handle(repository, updates, steps, true);
        map.awaitOwnWrites();
        return new Recorded(false, false, updates, results);
    }

    /**
     * Handles the updates in turn; a poll's ({@code polled}) start from the ref's head as it is when the update's turn
     * comes, which a webhook handled since the poll listed the heads may have moved.
     */
    private List<Result> handle(String repository, List<Update> updates, Steps steps, boolean polled) {
        List<Result> results = new ArrayList<>(updates.size());
        for (int i = 0; i < updates.size(); i++) {
            Update update = updates.get(i);
            if (update.before() == null) {
                map.awaitOwnWrites(); // the head this instance just recorded counts
                String lastSeen = heads(repository).get(update.ref());
                if (lastSeen == null) {
                    results.add(new Result(Status.SKIPPED, update, null, update.ref() + " was deleted, but"
                            + " git-watcher has no head of it (never seen, or its deletion was already announced)"));
                    continue;
                }
                update = new Update(update.ref(), lastSeen, update.after());
            }
            // one update of a ref at a time in this instance, planned on the ranges its last emit wrote: so a poll and
            // a webhook of one branch handled together never both announce its commits
            synchronized (refLocks.computeIfAbsent(repository + "|" + update.ref(), k -> new Object())) {
                map.awaitOwnWrites();
                if (polled) {
                    update = new Update(update.ref(), heads(repository).getOrDefault(update.ref(), ZERO),
                            update.after());
                    Update inFlight = claims.inFlight(map, repository, update);
                    if (inFlight != null) {
                        // a push from this head was claimed and never recorded: it is finished first (its own event
                        // id again), else the poll leaves the ref alone — planning from this head would announce
                        // the push's commits a second time, in a chain of their own
                        Result first = handle(repository, inFlight, steps.plan(i, inFlight, refHeads.ranges(repository,
                                update.ref())));
                        results.add(first);
                        if (first.status() != Status.EMITTED) {
                            continue;
                        }
                        map.awaitOwnWrites();
                        update = new Update(update.ref(), heads(repository).getOrDefault(update.ref(), ZERO),
                                update.after());
                        if (update.before().equals(update.after())) {
                            continue;
                        }
                    }
                }
                results.add(handle(repository, update, steps.plan(i, update, refHeads.ranges(repository,
                        update.ref()))));
            }
        }
        return results;
    }

    private Result handle(String repository, Update update, RefUpdatePlan plan) {
        if (plan.skipped() != null) {
            return new Result(Status.SKIPPED, update, null, plan.skipped());
        }
        if (plan.duplicate() != null) {
            return new Result(Status.DUPLICATE, update, plan.eventId(), plan.duplicate());
        }
        if (claims.emitted(map, plan.push())) {
            return new Result(Status.DUPLICATE, update, plan.eventId(), "already emitted");
        }
        Runnable publish = plan.prepare().get();
        long claimStart = System.nanoTime();
        ClaimResult claim = claim(plan.push(), update.before());
        claimTimer.record(System.nanoTime() - claimStart, TimeUnit.NANOSECONDS);
        switch (claim) {
            case ALREADY_EMITTED:
                return new Result(Status.DUPLICATE, update, plan.eventId(), "already emitted");
            case CLAIMED_ELSEWHERE:
                return new Result(Status.DUPLICATE, update, plan.eventId(), "being emitted by another instance");
            default:
                break;
        }
        publish.run();
        long recordStart = System.nanoTime();
        unrecorded.record(this::markEmitted, new UnrecordedPushes.Push(plan.push(), plan.eventId(), repository,
                update.ref(), update.before(), update.after()));
        recordTimer.record(System.nanoTime() - recordStart, TimeUnit.NANOSECONDS);
        return new Result(Status.EMITTED, update, plan.eventId(), null);
    }

    /**
     * Records the pushes published while their record could not be written, and waits until the reader has them; a
     * failure is thrown (nothing is planned from a log that misses a published push).
     */
    private void recordUnrecorded() {
        if (unrecorded.recordAll(this::markEmitted)) {
            map.awaitOwnWrites();
        }
    }

    /**
     * Claims {@code push} for this instance: appends a claim, waits until the reader has read it back and answers
     * what the log says. A claim of this instance that timed out earlier (it may have landed after all) counts as
     * this instance's: nothing was published under it.
     */
    ClaimResult claim(String push) {
        return claim(push, null);
    }

    /** {@link #claim(String)}, recording the head {@code before} the push starts from (see {@link PushClaims}). */
    ClaimResult claim(String push, String before) {
        return claims.claim(map, push, before);
    }

    /**
     * Records that the push {@code before → head}'s event is in Kafka, with its range among the ref's announced ones
     * and {@code head} as the ref's head — unless an announced push already moved the ref on from it (a late report of
     * an older push); waits until Kafka has it. The ranges are read, merged and written back by this instance alone:
     * when two instances announce pushes of one ref at once, one's range may be lost, so that a late report inside it
     * is announced again — a duplicate at worst, never a refused commit.
     */
    void markEmitted(String push, String eventId, String repository, String ref, String before, String head) {
        CompletableFuture<CompactedTopicMap.Written> emitted = claims.markEmitted(map, push, eventId);
        List<CompletableFuture<CompactedTopicMap.Written>> refWrites = refHeads.markEmitted(map, eventId,
                repository, ref, before, head);
        map.await(emitted);
        refWrites.forEach(map::await);
    }

    /**
     * Records that a webhook delivery was handled, with the event ids it produced. Not awaited: it only short-cuts
     * redeliveries, the {@code emitted} records decide.
     */
    void markDelivery(String host, String deliveryId, String eventIds) {
        String delivery = DELIVERY + host + "|" + deliveryId;
        pendingDeliveries.put(delivery, eventIds);
        map.put(delivery, delivery, eventIds).whenComplete((written, error) -> {
            if (error != null) {
                pendingDeliveries.remove(delivery);
            }
        });
    }

    /** The event ids a delivery id produced, if it was handled (and has not expired). */
    Optional<String> delivery(String host, String deliveryId) {
        String key = DELIVERY + host + "|" + deliveryId;
        return Optional.ofNullable(pendingDeliveries.get(key)).or(() -> map.value(key));
    }

    /** The event id, if the push's event is known to be emitted. */
    Optional<String> emittedEventId(String push) {
        return claims.emittedEventId(map, push);
    }

    @Override
    public void close() {
        map.close();
    }

    /** Applies each record of the topic, in log order, to the claims, heads and baselines. */
    private void applied(String key, CompactedTopicMap.Entry entry) {
        if (key.startsWith(DELIVERY)) {
            pendingDeliveries.remove(key);
        } else if (!claims.apply(key, entry)) {
            refHeads.apply(key, entry);
        }
    }
}
