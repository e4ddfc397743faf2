package dev.quayside.gitwatcher.client;

import dev.quayside.kit.kafka.CompactedTopicMap;
import dev.quayside.kit.kafka.CompactedTopicMaps;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * git-watcher's durable memory of what it announced, and the protocol by which its instances agree who announces a
 * push (see {@code docs/adr/0002-git-watcher-dedup.md}). It keeps, in the compacted topic of a
 * {@link CompactedTopicMap} that every instance reads back:
 * <ul>
 * <li>{@code claim|<push>} → {@code <nonce> <epochMillis>}: an instance wants to emit the push. In each partition's
 * order, the first claim wins; a later claim takes over only when the winner has not emitted within the lease.</li>
 * <li>{@code emitted|<push>} → the event id: the push's event is in Kafka; every later claim loses.</li>
 * <li>{@code delivery|<host>|<id>} → event ids: a webhook delivery already handled (expires after the delivery
 * retention).</li>
 * <li>{@code head|<repo>|<ref>} → the last emitted (or baseline) head of a ref, for polling and
 * {@code GET /repositories}.</li>
 * <li>{@code announced|<repo>|<ref>} → {@code <head> <eventId> <before>[;<head> <eventId> <before>…]}: the ranges
 * {@code (before, head]} of the pushes emitted for a ref (never a baseline's), contiguous ones merged, the most recently
 * changed first, at most {@value AnnouncedRanges#KEPT}; handed to {@link Steps#plan} so that a late report of a
 * head inside one of them is a duplicate. A record of an older version, {@code <head> <eventId>}, reads as the empty range
 * {@code (head, head]}: it covers nothing (a late report is announced rather than risk refusing an unannounced
 * commit), but a push from or to that head still merges with it.</li>
 * <li>{@code baseline|<repo>} → the first poll of a repository has recorded its heads.</li>
 * </ul>
 * A webhook or a poll makes one call: {@link #record} or {@link #poll}; the caller's {@link Steps} say what each ref
 * update is (given the ref's last announced head, from memory: no extra round-trip) and publish its event when this
 * instance won it. Every decision is read back from the log, never taken from memory alone, so all instances agree.
 */
public class DeliveryLog implements AutoCloseable {

    private static final String CLAIM = "claim|";
    private static final String EMITTED = "emitted|";
    private static final String DELIVERY = "delivery|";
    private static final String HEAD = "head|";
    private static final String BASELINE = "baseline|";
    private static final String ANNOUNCED = "announced|";
    private static final String ZERO = "0000000000000000000000000000000000000000";
    /** Nonces of claims this instance gave up on (a write that timed out may still land): at most this many. */
    private static final int ABANDONED_KEPT = 1000;
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

    private static final class ClaimState {
        String owner;
        long claimedAt;
        /** The ref's head the claimed push starts from, or null (a claim written by an earlier version). */
        String before;
    }

    private final Settings settings;
    private final CompactedTopicMap map;
    private final Map<String, ClaimState> claims = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> heads = new ConcurrentHashMap<>();
    private final Map<String, Map<String, AnnouncedRanges>> announced = new ConcurrentHashMap<>();
    private final Set<String> baselines = ConcurrentHashMap.newKeySet();
    /** A lock per {@code <repo>|<ref>}: this instance handles one update of a ref at a time. */
    private final Map<String, Object> refLocks = new ConcurrentHashMap<>();
    /** Delivery ids written by this instance and not yet read back (so a quick redelivery sees them). */
    private final Map<String, String> pendingDeliveries = new ConcurrentHashMap<>();
    /** Pushes published whose record failed, by push: recorded before the next webhook or poll is handled. */
    private final Map<String, Unrecorded> unrecorded = new ConcurrentHashMap<>();
    private final Set<String> abandoned = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<String, Boolean>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > ABANDONED_KEPT;
                }
            }));
    private final Timer claimTimer;
    private final Timer recordTimer;

    /** Opens the log (its reader starts reading the topic at once; nothing here waits for Kafka). */
    public DeliveryLog(CompactedTopicMaps maps, Settings settings, MeterRegistry meters) {
        this.settings = settings;
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
        return key.startsWith(EMITTED) || key.startsWith(CLAIM) ? settings.pushRetention() : null;
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
        Map<String, String> refs = heads.get(repository);
        return refs == null ? Map.of() : new TreeMap<>(refs);
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
        if (!baselines.contains(repository)) {
            markBaseline(repository, remote);
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
                    Update inFlight = inFlight(repository, update);
                    if (inFlight != null) {
                        // a push from this head was claimed and never recorded: it is finished first (its own event
                        // id again), else the poll leaves the ref alone — planning from this head would announce
                        // the push's commits a second time, in a chain of their own
                        Result first = handle(repository, inFlight, steps.plan(i, inFlight, ranges(repository,
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
                results.add(handle(repository, update, steps.plan(i, update, ranges(repository, update.ref()))));
            }
        }
        return results;
    }

    private AnnouncedRanges ranges(String repository, String ref) {
        Map<String, AnnouncedRanges> refs = announced.get(repository);
        return refs == null ? null : refs.get(ref);
    }

    /**
     * A push of {@code update}'s ref from its head {@code update.before()} to another head than the poll's, claimed
     * (by any instance, this one before a restart included) and not recorded as emitted: its event may be in Kafka
     * (an instance killed between the broker's acknowledgement and the record) or being published right now. Null
     * when there is none.
     */
    private Update inFlight(String repository, Update update) {
        String prefix = repository + "|" + update.ref() + "|";
        for (Map.Entry<String, ClaimState> claim : claims.entrySet()) {
            String push = claim.getKey();
            if (!push.startsWith(prefix) || map.get(EMITTED + push).isPresent()) {
                continue;
            }
            String head = push.substring(prefix.length());
            String before;
            synchronized (claim.getValue()) {
                before = claim.getValue().before;
            }
            if (update.before().equals(before) && !head.contains("|") && !head.equals(update.after())) {
                return new Update(update.ref(), before, head);
            }
        }
        return null;
    }

    private Result handle(String repository, Update update, RefUpdatePlan plan) {
        if (plan.skipped() != null) {
            return new Result(Status.SKIPPED, update, null, plan.skipped());
        }
        if (plan.duplicate() != null) {
            return new Result(Status.DUPLICATE, update, plan.eventId(), plan.duplicate());
        }
        if (map.get(EMITTED + plan.push()).isPresent()) {
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
        Unrecorded emitted = new Unrecorded(plan.push(), plan.eventId(), repository, update.ref(), update.before(),
                update.after());
        try {
            emitted.record(this);
        } catch (RuntimeException e) {
            // the event is in Kafka but the log does not say so (the broker went away between the two): kept until it
            // is recorded, before anything else is planned, so that no poll plans the ref from its older head
            unrecorded.put(plan.push(), emitted);
            throw e;
        }
        recordTimer.record(System.nanoTime() - recordStart, TimeUnit.NANOSECONDS);
        return new Result(Status.EMITTED, update, plan.eventId(), null);
    }

    /** A push whose event was published, to be recorded as emitted ({@link #markEmitted}). */
    private record Unrecorded(String push, String eventId, String repository, String ref, String before,
            String head) {

        void record(DeliveryLog log) {
            log.markEmitted(push, eventId, repository, ref, before, head);
        }
    }

    /**
     * Records the pushes published while their record could not be written, and waits until the reader has them; a
     * failure is thrown (nothing is planned from a log that misses a published push).
     */
    private void recordUnrecorded() {
        if (unrecorded.isEmpty()) {
            return;
        }
        for (Unrecorded pending : List.copyOf(unrecorded.values())) {
            pending.record(this);
            unrecorded.remove(pending.push(), pending);
        }
        map.awaitOwnWrites();
    }

    /**
     * Claims {@code push} for this instance: appends a claim, waits until the reader has read it back and answers
     * what the log says. A claim of this instance that timed out earlier (it may have landed after all) counts as
     * this instance's: nothing was published under it.
     */
    ClaimResult claim(String push) {
        return claim(push, null);
    }

    /** {@link #claim(String)}, recording the head {@code before} the push starts from (see {@link #inFlight}). */
    ClaimResult claim(String push, String before) {
        map.awaitCaughtUp();
        if (map.get(EMITTED + push).isPresent()) {
            return ClaimResult.ALREADY_EMITTED;
        }
        String nonce = UUID.randomUUID().toString();
        try {
            map.awaitApplied(map.await(map.put(push, CLAIM + push, nonce + " " + System.currentTimeMillis()
                    + (before == null ? "" : " " + before))));
        } catch (RuntimeException e) {
            abandoned.add(nonce);
            throw e;
        }
        if (map.get(EMITTED + push).isPresent()) {
            return ClaimResult.ALREADY_EMITTED;
        }
        ClaimState state = claims.get(push);
        if (state == null) {
            throw new IllegalStateException("claim of " + push + " read back without state");
        }
        synchronized (state) {
            return nonce.equals(state.owner) || abandoned.contains(state.owner) ? ClaimResult.WON
                    : ClaimResult.CLAIMED_ELSEWHERE;
        }
    }

    /**
     * Records that the push {@code before → head}'s event is in Kafka, with its range among the ref's announced ones
     * and {@code head} as the ref's head — unless an announced push already moved the ref on from it (a late report of
     * an older push); waits until Kafka has it. The ranges are read, merged and written back by this instance alone:
     * when two instances announce pushes of one ref at once, one's range may be lost, so that a late report inside it
     * is announced again — a duplicate at worst, never a refused commit.
     */
    void markEmitted(String push, String eventId, String repository, String ref, String before, String head) {
        CompletableFuture<CompactedTopicMap.Written> emitted = map.put(push, EMITTED + push, eventId);
        map.remove(push, CLAIM + push);
        String refKey = repository + "|" + ref;
        Map<String, AnnouncedRanges> refs = announced.get(repository);
        AnnouncedRanges known = refs == null ? null : refs.get(ref);
        CompletableFuture<CompactedTopicMap.Written> headWritten;
        CompletableFuture<CompactedTopicMap.Written> announcedWritten;
        if (isZero(head)) {
            headWritten = map.remove(refKey, HEAD + refKey);
            announcedWritten = map.remove(refKey, ANNOUNCED + refKey);
        } else {
            headWritten = known != null && known.movedOnFrom(head) ? CompletableFuture.completedFuture(null)
                    : map.put(refKey, HEAD + refKey, head);
            AnnouncedRanges ranges = (known == null ? new AnnouncedRanges(List.of()) : known)
                    .with(new AnnouncedRanges.Range(before, head, eventId));
            announcedWritten = map.put(refKey, ANNOUNCED + refKey, ranges.encode());
        }
        map.await(emitted);
        map.await(headWritten);
        map.await(announcedWritten);
    }

    /** Records the heads of a repository's first poll (no events for them). */
    void markBaseline(String repository, Map<String, String> refs) {
        List<CompletableFuture<CompactedTopicMap.Written>> writes = new ArrayList<>();
        refs.forEach((ref, sha) -> writes.add(map.put(repository + "|" + ref, HEAD + repository + "|" + ref, sha)));
        writes.add(map.put(repository, BASELINE + repository, Long.toString(System.currentTimeMillis())));
        writes.forEach(map::await);
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
        return map.value(EMITTED + push);
    }

    @Override
    public void close() {
        map.close();
    }

    /** Applies each record of the topic, in log order, to the claims, heads and baselines. */
    private void applied(String key, CompactedTopicMap.Entry entry) {
        if (key.startsWith(CLAIM)) {
            String push = key.substring(CLAIM.length());
            if (entry == null) { // after emitting (the emitted record decides from then on), or expired
                claims.remove(push);
                return;
            }
            String[] fields = entry.value().split(" "); // <nonce> <epochMillis> [<before>]
            if (fields.length < 2) {
                return;
            }
            long at = parseLong(fields[1]);
            ClaimState state = claims.computeIfAbsent(push, k -> new ClaimState());
            synchronized (state) {
                if (state.owner == null || at - state.claimedAt > settings.lease().toMillis()) {
                    state.owner = fields[0];
                    state.claimedAt = at;
                    state.before = fields.length > 2 ? fields[2] : null;
                }
            }
        } else if (key.startsWith(DELIVERY)) {
            pendingDeliveries.remove(key);
        } else if (key.startsWith(HEAD)) {
            String rest = key.substring(HEAD.length());
            int bar = rest.indexOf('|');
            if (bar > 0) {
                Map<String, String> refs = heads.computeIfAbsent(rest.substring(0, bar),
                        r -> new ConcurrentHashMap<>());
                if (entry == null || isZero(entry.value())) {
                    refs.remove(rest.substring(bar + 1));
                } else {
                    refs.put(rest.substring(bar + 1), entry.value());
                }
            }
        } else if (key.startsWith(ANNOUNCED)) {
            String rest = key.substring(ANNOUNCED.length());
            int bar = rest.indexOf('|');
            AnnouncedRanges ranges = entry == null ? null : AnnouncedRanges.decode(entry.value());
            if (bar > 0) {
                Map<String, AnnouncedRanges> refs = announced.computeIfAbsent(rest.substring(0, bar),
                        r -> new ConcurrentHashMap<>());
                if (ranges == null) {
                    refs.remove(rest.substring(bar + 1));
                } else {
                    refs.put(rest.substring(bar + 1), ranges);
                }
            }
        } else if (key.startsWith(BASELINE)) {
            if (entry == null) {
                baselines.remove(key.substring(BASELINE.length()));
            } else {
                baselines.add(key.substring(BASELINE.length()));
            }
        }
    }

    private static boolean isZero(String sha) {
        return sha.chars().allMatch(c -> c == '0');
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0L;
        }
    }
}
