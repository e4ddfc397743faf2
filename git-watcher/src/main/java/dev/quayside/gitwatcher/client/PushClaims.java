package dev.quayside.gitwatcher.client;

import dev.quayside.gitwatcher.client.DeliveryLog.ClaimResult;
import dev.quayside.gitwatcher.client.DeliveryLog.Update;
import dev.quayside.kit.kafka.CompactedTopicMap;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The claim protocol of {@link DeliveryLog} (see {@code docs/adr/0002-git-watcher-dedup.md}): who emits a push, and
 * whether it was emitted. It keeps, in the log's compacted topic:
 * <ul>
 * <li>{@code claim|<push>} → {@code <nonce> <epochMillis> [<before>]}: an instance wants to emit the push. In each
 * partition's order, the first claim wins; a later claim takes over only when the winner has not emitted within the
 * lease.</li>
 * <li>{@code emitted|<push>} → the event id: the push's event is in Kafka; every later claim loses.</li>
 * </ul>
 * A claim left behind without its {@code emitted} record (an instance killed between publishing and recording) is a
 * push {@linkplain #inFlight in flight}.
 */
final class PushClaims {

    static final String CLAIM = "claim|";
    static final String EMITTED = "emitted|";
    /** Nonces of claims this instance gave up on (a write that timed out may still land): at most this many. */
    private static final int ABANDONED_KEPT = 1000;

    private static final class ClaimState {
        String owner;
        long claimedAt;
        /** The ref's head the claimed push starts from, or null (a claim written by an earlier version). */
        String before;
    }

    private final Duration lease;
    private final Map<String, ClaimState> claims = new ConcurrentHashMap<>();
    private final Set<String> abandoned = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<String, Boolean>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > ABANDONED_KEPT;
                }
            }));

    /**
     * The claims as read back: made before the log's topic is opened (its reader applies records at once), so each
     * step that reads or writes the topic is handed it.
     */
    PushClaims(Duration lease) {
        this.lease = lease;
    }

    /** Whether the push's event is known to be emitted. */
    boolean emitted(CompactedTopicMap map, String push) {
        return map.get(EMITTED + push).isPresent();
    }

    /** The event id, if the push's event is known to be emitted. */
    Optional<String> emittedEventId(CompactedTopicMap map, String push) {
        return map.value(EMITTED + push);
    }

    /**
     * Claims {@code push} for this instance, recording the head {@code before} it starts from (or null): appends a
     * claim, waits until the reader has read it back and answers what the log says. A claim of this instance that
     * timed out earlier (it may have landed after all) counts as this instance's: nothing was published under it.
     */
    ClaimResult claim(CompactedTopicMap map, String push, String before) {
        map.awaitCaughtUp();
        if (emitted(map, push)) {
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
        if (emitted(map, push)) {
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

    /** Writes that the push's event is in Kafka (and drops its claim); the returned write is the emitted record's. */
    CompletableFuture<CompactedTopicMap.Written> markEmitted(CompactedTopicMap map, String push, String eventId) {
        CompletableFuture<CompactedTopicMap.Written> emitted = map.put(push, EMITTED + push, eventId);
        map.remove(push, CLAIM + push);
        return emitted;
    }

    /**
     * A push of {@code update}'s ref from its head {@code update.before()} to another head than the poll's, claimed
     * (by any instance, this one before a restart included) and not recorded as emitted: its event may be in Kafka
     * (an instance killed between the broker's acknowledgement and the record) or being published right now. Null
     * when there is none.
     */
    Update inFlight(CompactedTopicMap map, String repository, Update update) {
        String prefix = repository + "|" + update.ref() + "|";
        for (Map.Entry<String, ClaimState> claim : claims.entrySet()) {
            String push = claim.getKey();
            if (!push.startsWith(prefix) || emitted(map, push)) {
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

    /** Applies a {@code claim|} record read back, in log order; false for any other key. */
    boolean apply(String key, CompactedTopicMap.Entry entry) {
        if (!key.startsWith(CLAIM)) {
            return false;
        }
        String push = key.substring(CLAIM.length());
        if (entry == null) { // after emitting (the emitted record decides from then on), or expired
            claims.remove(push);
            return true;
        }
        String[] fields = entry.value().split(" "); // <nonce> <epochMillis> [<before>]
        if (fields.length < 2) {
            return true;
        }
        long at = parseLong(fields[1]);
        ClaimState state = claims.computeIfAbsent(push, k -> new ClaimState());
        synchronized (state) {
            if (state.owner == null || at - state.claimedAt > lease.toMillis()) {
                state.owner = fields[0];
                state.claimedAt = at;
                state.before = fields.length > 2 ? fields[2] : null;
            }
        }
        return true;
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0L;
        }
    }
}
